"""Fast look-ups in one track's notes: which notes are on screen, which note is under the mouse.

Built once per track value (tracks are immutable, so an index never goes stale) and kept in a
small cache keyed by the track's identity.
"""

from __future__ import annotations

import bisect

import numpy as np

from musicstudio.core.note import Note
from musicstudio.core.track import Track


class NoteIndex:
    def __init__(self, track: Track):
        self.track = track
        self.notes = track.notes                      # sorted by start
        self.starts = [n.start for n in self.notes]
        self.longest = max((n.duration for n in self.notes), default=0)
        arr = np.array([(n.start, n.end, n.pitch, n.velocity) for n in self.notes], dtype=np.int64).reshape(-1, 4)
        self.array = arr

    def in_span(self, start: int, end: int) -> list[Note]:
        """Notes sounding anywhere in [start, end)."""
        lo = bisect.bisect_left(self.starts, start - self.longest)
        hi = bisect.bisect_left(self.starts, end)
        return [n for n in self.notes[lo:hi] if n.end > start]

    def count_in_span(self, start: int, end: int) -> int:
        """An upper bound on the notes in [start, end), without building them."""
        return bisect.bisect_left(self.starts, end) - bisect.bisect_left(self.starts, start - self.longest)

    def at(self, tick: int, pitch: int) -> Note | None:
        """The note of ``pitch`` sounding at ``tick`` (the latest-starting one if several)."""
        hits = [n for n in self.in_span(tick, tick + 1) if n.pitch == pitch]
        return hits[-1] if hits else None


class IndexCache:
    """NoteIndex per track value, for the few track values a view shows at once."""

    def __init__(self, size: int = 64):
        self.size = size
        self._cache: dict[int, NoteIndex] = {}

    def get(self, track: Track) -> NoteIndex:
        index = self._cache.get(id(track))
        if index is None or index.track is not track:
            if len(self._cache) >= self.size:
                self._cache.clear()
            index = self._cache[id(track)] = NoteIndex(track)
        return index
