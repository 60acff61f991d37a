"""A track: one instrument's notes, with its name and General MIDI program, what it plays besides
notes (controllers, pitch bend, aftertouch, later program changes) and its own words (a vocal part's
lyrics)."""

from __future__ import annotations

import operator
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Iterable

from musicstudio.core.controls import Control, SongText, in_tick_order
from musicstudio.core.note import Note, note_order


@dataclass(frozen=True)
class Track:
    """An immutable track. Notes are kept in canonical order (start, pitch, duration, velocity)."""

    name: str = ""
    program: int = 0          # General MIDI program 0-127 (for drums: the kit)
    is_drum: bool = False     # played on MIDI channel 10
    notes: tuple[Note, ...] = field(default=())
    # How the track is heard and shown: kept in projects, not in MIDI files, and not part of equality.
    muted: bool = field(default=False, compare=False)
    solo: bool = field(default=False, compare=False)
    colour: str = field(default="", compare=False)   # "#rrggbb", or "" for the palette colour
    # Controllers, pitch bend, aftertouch and program changes after tick 0, in tick order (the order
    # given is kept at one tick: it can matter, as in a pitch-bend-range message).
    controls: tuple[Control, ...] = field(default=())
    # The MIDI channel (0-15) the track came from, so that it goes back there; None: made here.
    channel: int | None = field(default=None, compare=False)
    # The track's own words (lyrics, markers, cue points, text that came in its MIDI track), in tick order
    # as its controls are; the song's other words are :attr:`Song.texts`. They go where the track goes.
    texts: tuple[SongText, ...] = field(default=())

    def __post_init__(self) -> None:
        if not 0 <= self.program <= 127:
            raise ValueError(f"General MIDI program {self.program} is outside 0-127")
        object.__setattr__(self, "notes", in_note_order(tuple(self.notes)))
        object.__setattr__(self, "controls", in_tick_order(self.controls))
        object.__setattr__(self, "texts", in_tick_order(self.texts))
        if self.channel is not None and not 0 <= self.channel <= 15:
            raise ValueError(f"MIDI channel {self.channel} is outside 0-15")

    def with_notes(self, notes: Iterable[Note]) -> Track:
        return replace(self, notes=tuple(notes))

    def with_controls(self, controls: Iterable[Control]) -> Track:
        return replace(self, controls=tuple(controls))

    def with_texts(self, texts: Iterable[SongText]) -> Track:
        return replace(self, texts=tuple(texts))

    def with_name(self, name: str) -> Track:
        return replace(self, name=name)

    def with_program(self, program: int) -> Track:
        return replace(self, program=program)

    def with_mix(self, muted: bool | None = None, solo: bool | None = None, colour: str | None = None) -> Track:
        return replace(self, muted=self.muted if muted is None else muted, solo=self.solo if solo is None else solo,
                       colour=self.colour if colour is None else colour)

    @cached_property
    def end_tick(self) -> int:
        """Where the last note ends (controllers after it do not lengthen the track); worked out once, as a
        track never changes (a million-note track is asked often while a song lands in the window)."""
        return max((n.start + n.duration for n in self.notes), default=0)

    def __len__(self) -> int:
        return len(self.notes)


ORDER_CHECKED = 10_000   # notes compared at a time by in_note_order: a short call, then another thread's turn


def in_note_order(notes: tuple[Note, ...]) -> tuple[Note, ...]:
    """``notes`` in canonical order. Notes already in it (as the MIDI reader gives them) are only checked, a
    slice at a time: sorting a million notes is one call that holds the interpreter for 100 ms and more,
    which stops the window while a file is read on another thread."""
    for i in range(0, len(notes), ORDER_CHECKED):
        keys = [note_order(n) for n in notes[i:i + ORDER_CHECKED + 1]]
        if not all(map(operator.le, keys, keys[1:])):
            return tuple(sorted(notes, key=note_order))
    return notes
