"""A note is an immutable value: pitch, start and duration in ticks, and velocity."""

from __future__ import annotations

import re
from typing import NamedTuple

LOWEST_PITCH = 0
HIGHEST_PITCH = 127


class Note(NamedTuple):
    """One note. ``start`` and ``duration`` are ticks at :data:`musicstudio.core.ticks.PPQ`.

    Notes are values: edits make copies (``with_pitch``, ``moved_by`` ...), never change a note.
    Use :func:`make_note` to build one from untrusted numbers; the constructor itself does no checks
    so that importers can build millions of already-checked notes quickly.
    """

    pitch: int
    start: int
    duration: int
    velocity: int = 100

    @property
    def end(self) -> int:
        return self.start + self.duration

    def with_pitch(self, pitch: int) -> Note:
        return self._replace(pitch=pitch)

    def with_start(self, start: int) -> Note:
        return self._replace(start=start)

    def with_duration(self, duration: int) -> Note:
        return self._replace(duration=duration)

    def with_velocity(self, velocity: int) -> Note:
        return self._replace(velocity=velocity)

    def moved_by(self, ticks: int = 0, semitones: int = 0) -> Note:
        return self._replace(start=self.start + ticks, pitch=self.pitch + semitones)


def make_note(pitch: int, start: int, duration: int, velocity: int = 100) -> Note:
    """A checked note: pitch and velocity in MIDI range, start >= 0, duration >= 1 tick."""
    for name, value in (("pitch", pitch), ("start", start), ("duration", duration), ("velocity", velocity)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"note {name} must be a whole number, not {value!r}")
    if not LOWEST_PITCH <= pitch <= HIGHEST_PITCH:
        raise ValueError(f"pitch {pitch} is outside the MIDI range 0-127")
    if not 1 <= velocity <= 127:
        raise ValueError(f"velocity {velocity} is outside 1-127")
    if start < 0:
        raise ValueError(f"a note cannot start before the song (start {start})")
    if duration < 1:
        raise ValueError(f"a note lasts at least one tick (duration {duration})")
    return Note(pitch, start, duration, velocity)


def note_order(note: Note) -> tuple[int, int, int, int]:
    """The canonical order of notes in a track: by start, then pitch, duration, velocity.

    A Python function on purpose, not ``operator.itemgetter``: sorting a million notes with a C key holds
    the interpreter for the whole sort (about 200 ms), which stops the window while a file is read on
    another thread; a Python key lets the window in between, for the same total time."""
    return (note.start, note.pitch, note.duration, note.velocity)


PITCH_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def pitch_name(pitch: int) -> str:
    """Scientific pitch name, middle C (60) is C4."""
    return f"{PITCH_NAMES[pitch % 12]}{pitch // 12 - 1}"


_PITCH_TEXT = re.compile(r"(?P<letter>[A-Ga-g])(?P<accidental>#|♯|b|♭)?(?P<octave>-?\d{1,2})")


def parse_pitch(text: str) -> int:
    """A MIDI pitch from a number ("60") or a scientific pitch name ("C4" = 60, "F#3", "Bb5", "C-1" = 0).
    Raises ValueError for anything else or a pitch outside 0-127."""
    text = text.strip()
    if text.isdigit():
        pitch = int(text)
    else:
        m = _PITCH_TEXT.fullmatch(text)
        if m is None:
            raise ValueError(f"not a pitch: {text!r} (a MIDI number such as 60, or a name such as C4 or F#3)")
        letter = PITCH_NAMES.index(m.group("letter").upper())
        alter = {"#": 1, "♯": 1, "b": -1, "♭": -1, None: 0}[m.group("accidental")]
        pitch = (int(m.group("octave")) + 1) * 12 + letter + alter
    if not LOWEST_PITCH <= pitch <= HIGHEST_PITCH:
        raise ValueError(f"{text!r} is pitch {pitch}, outside MIDI's 0-127 (C-1 to G9)")
    return pitch
