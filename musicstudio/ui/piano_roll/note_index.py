"""Fast look-ups in one track's notes: which notes are on screen, which note is under the mouse.

Built once per track value (tracks are immutable, so an index never goes stale) and kept in a
small cache keyed by the track's identity.
"""

from __future__ import annotations

import bisect

import numpy as np

from musicstudio.core.note import Note
from musicstudio.core.track import Track

CHUNK = 10_000   # notes turned into arrays at a time: each C call short (a few ms), so another thread gets its turn


class NoteIndex:
    """Built from a track's notes in steps short enough that it can be built on a worker thread while the
    window keeps painting (:meth:`PianoRoll.prepare`)."""

    def __init__(self, track: Track):
        self.track = track
        self.notes = notes = track.notes              # sorted by start
        self.starts: list[int] = []
        self.longest = 0
        self.array = np.empty((len(notes), 4), np.int64)   # start, end, pitch, velocity
        for i in range(0, len(notes), CHUNK):
            # a Note is (pitch, start, duration, velocity)
            pitch, start, duration, velocity = np.array(notes[i:i + CHUNK], dtype=np.int64).reshape(-1, 4).T
            self.starts += start.tolist()
            self.longest = max(self.longest, int(duration.max()))
            rows = self.array[i:i + len(start)]
            rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3] = start, start + duration, pitch, velocity

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

    def put(self, index: NoteIndex) -> None:
        """Keep an index built elsewhere (on the thread that read the song)."""
        if len(self._cache) >= self.size:
            self._cache.clear()
        self._cache[id(index.track)] = index

    def get(self, track: Track) -> NoteIndex:
        index = self._cache.get(id(track))
        if index is None or index.track is not track:
            if len(self._cache) >= self.size:
                self._cache.clear()
            index = self._cache[id(track)] = NoteIndex(track)
        return index
