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

    @property
    def end_tick(self) -> int:
        return max((n.end for n in self.notes), default=0)

    def __len__(self) -> int:
        return len(self.notes)
