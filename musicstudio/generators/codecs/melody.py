"""Melody codec: one token per 16th step, the encoding of Magenta's MelodyRNN and MusicVAE melodies.

Tokens (for the default range 48..84, 39 of them):

* ``0`` NOTE_OFF: the sounding note ends at this step and silence follows,
* ``1`` HOLD: nothing new happens (the note sounds on, or the silence goes on),
* ``2 + pitch - low``: a note of ``pitch`` starts here (ending any note before it).

Assumptions, all documented losses:

* the line is monophonic: of notes that start together the highest is kept, and a note that starts
  while another sounds cuts that one short (:func:`monophonic`);
* times are on the 16th grid (:func:`~musicstudio.generators.codecs.grid.on_grid` is applied first);
* velocity is not carried: decoded notes get ``velocity`` (100 by default);
* pitches outside ``low..high`` (inclusive) are refused with ``ValueError``: transpose the line first.

A sequence covers the clip's length when it has one (a Clip), else it ends with the last note, so the
last note is ended by the end of the sequence rather than by a NOTE_OFF.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Iterable, Sequence

import numpy as np

from musicstudio.core.note import Note, note_order
from musicstudio.generators.codecs.grid import (
    DEFAULT_VELOCITY,
    STEP_TICKS,
    NoteSource,
    length_in_steps,
    notes_and_length,
    on_grid,
)

NOTE_OFF = 0
HOLD = 1
FIRST_NOTE = 2


def monophonic(notes: Iterable[Note]) -> tuple[Note, ...]:
    """A single line: the highest of notes starting together, each note cut where the next starts."""
    by_start: dict[int, Note] = {}
    for n in notes:
        kept = by_start.get(n.start)
        if kept is None or n.pitch > kept.pitch:
            by_start[n.start] = n
    line = [by_start[s] for s in sorted(by_start)]
    out = []
    for i, n in enumerate(line):
        if i + 1 < len(line) and n.end > line[i + 1].start:
            n = n._replace(duration=line[i + 1].start - n.start)
        out.append(n)
    return tuple(out)


@dataclass(frozen=True)
class MelodyCodec:
    low: int = 48
    high: int = 84   # inclusive

    def __post_init__(self) -> None:
        if not 0 <= self.low <= self.high <= 127:
            raise ValueError(f"melody range {self.low}..{self.high} is not inside 0..127")

    @property
    def size(self) -> int:
        """Number of distinct tokens."""
        return FIRST_NOTE + self.high - self.low + 1

    def vocabulary(self) -> dict:
        """What a checkpoint config needs to rebuild this codec (:meth:`from_vocabulary`)."""
        return {"codec": "melody", **asdict(self), "size": self.size, "step_ticks": STEP_TICKS,
                "tokens": {"NOTE_OFF": NOTE_OFF, "HOLD": HOLD, "first_note_on": FIRST_NOTE}}

    @classmethod
    def from_vocabulary(cls, vocab: dict) -> MelodyCodec:
        if vocab.get("codec") != "melody":
            raise ValueError(f"not a melody vocabulary: {vocab.get('codec')!r}")
        return cls(vocab["low"], vocab["high"])

    def expected(self, source: NoteSource, velocity: int = DEFAULT_VELOCITY) -> tuple[Note, ...]:
        """What a round trip gives back: the line on the grid, monophonic, with one velocity."""
        return monophonic(on_grid(source, velocity=velocity))

    def encode(self, source: NoteSource, steps: int | None = None) -> np.ndarray:
        """Tokens (int64, one per step) for a clip, track or notes. ``steps`` overrides the length."""
        notes, length = notes_and_length(source)
        line = monophonic(on_grid(notes))
        for n in line:
            if not self.low <= n.pitch <= self.high:
                raise ValueError(f"pitch {n.pitch} is outside the melody range {self.low}..{self.high}")
        if steps is None:
            steps = length_in_steps(length, line)
        tokens = np.full(steps, HOLD, dtype=np.int64)
        line = [n for n in line if n.start // STEP_TICKS < steps]
        for n in line:  # ends first, so that a note starting where another ends overwrites the NOTE_OFF
            end = n.end // STEP_TICKS
            if end < steps:
                tokens[end] = NOTE_OFF
        for n in line:
            tokens[n.start // STEP_TICKS] = FIRST_NOTE + n.pitch - self.low
        return tokens

    def decode(self, tokens: Sequence[int] | np.ndarray, velocity: int = DEFAULT_VELOCITY) -> tuple[Note, ...]:
        """Notes for a token sequence; a note still sounding at the end ends with the sequence."""
        notes = []
        pitch = start = None
        top = self.size

        def close(step: int) -> None:
            if pitch is not None:
                notes.append(Note(pitch, start * STEP_TICKS, (step - start) * STEP_TICKS, velocity))

        for step, token in enumerate(int(t) for t in tokens):
            if not 0 <= token < top:
                raise ValueError(f"token {token} is outside the melody vocabulary (0..{top - 1})")
            if token == HOLD:
                continue
            close(step)
            pitch, start = (None, None) if token == NOTE_OFF else (self.low + token - FIRST_NOTE, step)
        close(len(tokens))
        return tuple(sorted(notes, key=note_order))
