"""Fast look-ups in one lane of one track's controllers: the events in a span of ticks, the value held
at a tick, as lists for edits and as arrays for painting.

Built once per track value and lane (tracks are immutable, so an index never goes stale) and kept in
a small cache keyed by the track's identity and the lane.
"""

from __future__ import annotations

import numpy as np

from musicstudio.core.controls import CONTROLLER, POLY_PRESSURE, Control
from musicstudio.core.track import Track

NUMBERED = (CONTROLLER, POLY_PRESSURE)   # kinds with a lane per number (as Control.lane says)


class LaneIndex:
    def __init__(self, track: Track, key: tuple[str, int]):
        self.track = track
        self.key = key
        kind, number = key
        # Track.controls are in tick order already, so the lane's events are too.
        if kind in NUMBERED:
            self.events: list[Control] = [c for c in track.controls if c.kind == kind and c.number == number]
        else:
            self.events = [c for c in track.controls if c.kind == kind]
        self.ticks = np.array([c.tick for c in self.events], dtype=np.int64)
        self.values = np.array([c.value for c in self.events], dtype=np.int64)

    def with_span_replaced(self, track: Track, first: int, last: int, added: list[Control]) -> LaneIndex:
        """The index of ``track``, which is this index's track with the lane's events from tick ``first``
        to ``last`` (both included) replaced by ``added`` (in tick order, inside that span): made from
        this one without reading all of the track's events again."""
        lo, hi = self.bounds(first, last + 1)
        index = LaneIndex.__new__(LaneIndex)
        index.track, index.key = track, self.key
        index.events = self.events[:lo] + list(added) + self.events[hi:]
        index.ticks = np.concatenate([self.ticks[:lo], np.array([c.tick for c in added], dtype=np.int64),
                                      self.ticks[hi:]])
        index.values = np.concatenate([self.values[:lo], np.array([c.value for c in added], dtype=np.int64),
                                       self.values[hi:]])
        return index

    def __len__(self) -> int:
        return len(self.events)

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        """Positions of the first event at or after ``start`` and the first at or after ``end``."""
        lo, hi = self.ticks.searchsorted([start, end])
        return int(lo), int(hi)

    def in_span(self, start: int, end: int) -> list[Control]:
        """Events with ``start <= tick < end``, in the track's order."""
        lo, hi = self.bounds(start, end)
        return self.events[lo:hi]

    def value_before(self, tick: int) -> int | None:
        """The value held just before ``tick`` (the last event before it), or None before the first."""
        i = int(self.ticks.searchsorted(tick, side="left"))
        return self.events[i - 1].value if i else None

    def value_at(self, tick: int) -> int | None:
        """The value held at ``tick`` (the last event at or before it), or None before the first."""
        i = int(self.ticks.searchsorted(tick, side="right"))
        return self.events[i - 1].value if i else None


class LaneIndexCache:
    """LaneIndex per (track value, lane), for the few a view shows at once."""

    def __init__(self, size: int = 16):
        self.size = size
        self._cache: dict[tuple[int, tuple[str, int]], LaneIndex] = {}

    def put(self, index: LaneIndex) -> None:
        if len(self._cache) >= self.size:
            self._cache.clear()
        self._cache[(id(index.track), index.key)] = index

    def get(self, track: Track, key: tuple[str, int]) -> LaneIndex:
        index = self._cache.get((id(track), key))
        if index is None or index.track is not track:
            if len(self._cache) >= self.size:
                self._cache.clear()
            index = self._cache[(id(track), key)] = LaneIndex(track, key)
        return index
