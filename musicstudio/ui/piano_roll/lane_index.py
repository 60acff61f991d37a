"""Fast look-ups in one lane of one track's controllers: the events in a span of ticks, the value held
at a tick, as lists for edits and as arrays for painting.

Built once per track value and lane (tracks are immutable, so an index never goes stale) and kept in
a small cache keyed by the track's identity and the lane.
"""

from __future__ import annotations

import bisect

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
        self.ticks = np.fromiter((c.tick for c in self.events), dtype=np.int64, count=len(self.events))
        self.values = np.fromiter((c.value for c in self.events), dtype=np.int64, count=len(self.events))
        self._tick_list = self.ticks.tolist()

    def __len__(self) -> int:
        return len(self.events)

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        """Positions of the first event at or after ``start`` and the first at or after ``end``."""
        return bisect.bisect_left(self._tick_list, start), bisect.bisect_left(self._tick_list, end)

    def in_span(self, start: int, end: int) -> list[Control]:
        """Events with ``start <= tick < end``, in the track's order."""
        lo, hi = self.bounds(start, end)
        return self.events[lo:hi]

    def value_before(self, tick: int) -> int | None:
        """The value held just before ``tick`` (the last event before it), or None before the first."""
        i = bisect.bisect_left(self._tick_list, tick)
        return self.events[i - 1].value if i else None

    def value_at(self, tick: int) -> int | None:
        """The value held at ``tick`` (the last event at or before it), or None before the first."""
        i = bisect.bisect_right(self._tick_list, tick)
        return self.events[i - 1].value if i else None


class LaneIndexCache:
    """LaneIndex per (track value, lane), for the few a view shows at once."""

    def __init__(self, size: int = 16):
        self.size = size
        self._cache: dict[tuple[int, tuple[str, int]], LaneIndex] = {}

    def get(self, track: Track, key: tuple[str, int]) -> LaneIndex:
        index = self._cache.get((id(track), key))
        if index is None or index.track is not track:
            if len(self._cache) >= self.size:
                self._cache.clear()
            index = self._cache[(id(track), key)] = LaneIndex(track, key)
        return index
