"""A clip: a phrase cut out of a track, its time counted from the clip's own start.

Clips are what a generator takes as a seed and gives back as a take.
"""

from __future__ import annotations

from dataclasses import dataclass

from musicstudio.core.note import Note, note_order


@dataclass(frozen=True)
class Clip:
    notes: tuple[Note, ...]
    length: int  # ticks; a clip may end in silence, so its length is not its last note's end

    def __post_init__(self) -> None:
        object.__setattr__(self, "notes", tuple(sorted(self.notes, key=note_order)))
        if self.length < 0:
            raise ValueError(f"a clip cannot have a negative length ({self.length})")

    def placed_at(self, tick: int) -> tuple[Note, ...]:
        """The clip's notes moved to start at ``tick`` in a track."""
        return tuple(n.moved_by(ticks=tick) for n in self.notes)
