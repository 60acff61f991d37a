"""Fast look-ups in one track's notes: which notes are on screen, which note is under the mouse.

Built once per track value (tracks are immutable, so an index never goes stale) and kept in a
small cache keyed by the track's identity.
"""

from __future__ import annotations

import bisect
from itertools import chain

import numpy as np

from musicstudio.core.note import Note
from musicstudio.core.track import Track
from musicstudio.ui.piano_roll.note_levels import NoteLevels

CHUNK = 10_000   # notes turned into arrays at a time: each C call short (a few ms), so another thread gets its turn
LEVELS_ABOVE = 20_000   # more notes than this in a view: drawn from the track's levels (note_levels)


class NoteIndex:
    """Built from a track's notes in steps short enough that it can be built on a worker thread while the
    window keeps painting (:meth:`PianoRoll.prepare`)."""

    def __init__(self, track: Track):
        self.track = track
        self.notes = notes = track.notes              # sorted by start
        self.starts: list[int] = []
        self.longest = 0
        self.pitch_counts = np.zeros(128, np.int64)      # how many notes of each pitch
        self.array = np.empty((len(notes), 4), np.int64)   # start, end, pitch, velocity
        self._levels: NoteLevels | None = None
        for i in range(0, len(notes), CHUNK):
            # a Note is (pitch, start, duration, velocity)
            part = notes[i:i + CHUNK]
            fields = np.fromiter(chain.from_iterable(part), np.int64, 4 * len(part)).reshape(-1, 4)
            pitch, start, duration, velocity = fields.T
            self.starts += start.tolist()
            self.longest = max(self.longest, int(duration.max()))
            self.pitch_counts += np.bincount(pitch, minlength=128)
            rows = self.array[i:i + len(start)]
            rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3] = start, start + duration, pitch, velocity

    @property
    def levels(self) -> NoteLevels:
        """The notes seen from afar, worked out on first use (or ahead, by :meth:`PianoRoll.prepare`)."""
        if self._levels is None:
            self._levels = NoteLevels(self.array)
        return self._levels

    def pitches(self) -> list[int]:
        """The pitches the track plays, lowest first."""
        return np.flatnonzero(self.pitch_counts).tolist()

    def _span_slice(self, start: int, end: int) -> slice:
        return slice(bisect.bisect_left(self.starts, start - self.longest), bisect.bisect_left(self.starts, end))

    def rows_in_view(self, start: int, end: int, px_per_tick: float) -> np.ndarray:
        """Rows (start, end, pitch, …) that draw what sounds in [start, end) at ``px_per_tick``: the notes'
        own, or with many notes in view, the spans of a level (a pixel or less out at their ends)."""
        span = self._span_slice(start, end)
        if span.stop - span.start > LEVELS_ABOVE:
            level = self.levels.spans_for(px_per_tick)
            if level is not None:
                return level.in_span(start, end)
        return self.array[span]

    def loudest_in_view(self, start: int, end: int, px_per_tick: float) -> tuple[np.ndarray, np.ndarray]:
        """Ticks and velocities whose loudest per pixel column is what the velocity lane draws for notes
        starting in [start, end) at ``px_per_tick``: the notes', or with many in view a level's cells."""
        lo, hi = bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)
        if hi - lo > LEVELS_ABOVE:
            level = self.levels.loudest_for(px_per_tick)
            if level is not None:
                rows = level.in_span(start, end)
                return rows[:, 0], rows[:, 1]
        return self.array[lo:hi, 0], self.array[lo:hi, 3]

    def in_span(self, start: int, end: int) -> list[Note]:
        """Notes sounding anywhere in [start, end)."""
        return [n for n in self.notes[self._span_slice(start, end)] if n.end > start]

    def count_in_span(self, start: int, end: int) -> int:
        """An upper bound on the notes in [start, end), without building them."""
        span = self._span_slice(start, end)
        return span.stop - span.start

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

    def keep_only(self, tracks: tuple[Track, ...]) -> list[NoteIndex]:
        """Drop the indexes of tracks other than ``tracks`` (a song that was replaced); returns them."""
        by_id = {id(t): t for t in tracks}
        gone = [index for key, index in self._cache.items() if by_id.get(key) is not index.track]
        self._cache = {key: index for key, index in self._cache.items() if by_id.get(key) is index.track}
        return gone

    def get(self, track: Track) -> NoteIndex:
        index = self._cache.get(id(track))
        if index is None or index.track is not track:
            if len(self._cache) >= self.size:
                self._cache.clear()
            index = self._cache[id(track)] = NoteIndex(track)
        return index
