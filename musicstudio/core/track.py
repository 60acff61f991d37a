"""A track: one instrument's notes, with its name and General MIDI program."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterable

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

    def __post_init__(self) -> None:
        if not 0 <= self.program <= 127:
            raise ValueError(f"General MIDI program {self.program} is outside 0-127")
        object.__setattr__(self, "notes", tuple(sorted(self.notes, key=note_order)))

    def with_notes(self, notes: Iterable[Note]) -> Track:
        return replace(self, notes=tuple(notes))

    def with_name(self, name: str) -> Track:
        return replace(self, name=name)

    def with_program(self, program: int) -> Track:
        return replace(self, program=program)

    def with_mix(self, muted: bool | None = None, solo: bool | None = None, colour: str | None = None) -> Track:
        return replace(self, muted=self.muted if muted is None else muted, solo=self.solo if solo is None else solo,
                       colour=self.colour if colour is None else colour)

    @property
    def end_tick(self) -> int:
        return max((n.end for n in self.notes), default=0)

    def __len__(self) -> int:
        return len(self.notes)
