"""What a gesture in a controller lane does to the lane's events, as plain values (no Qt).

A gesture replaces the lane's events in a span of ticks with the events it paints:

- draw: one event per snap step along the mouse's path, each step taking the value under the mouse;
- line: a straight ramp from the press to the mouse, one event per snap step, both ends exact;
- erase: nothing, over the span dragged across;
- on a pedal lane, draw and line paint a pedal-down block: down at its start, up at its end.

The widget turns the gesture into one ControlChange when the mouse is released.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from musicstudio.core.controls import Control
from musicstudio.ui.piano_roll.lane_index import LaneIndex
from musicstudio.ui.piano_roll.lanes import PEDAL_DOWN, PEDAL_UP, Lane
from musicstudio.ui.piano_roll.snap import snap_down, snap_nearest

TOOLS = ("select", "draw", "line", "erase")


@dataclass
class LaneGesture:
    """A press and drag in a lane. ``step``: ticks between painted events (the snap, or a few pixels'
    worth when snapping is off); ``snap``: the editor's snap (0: off); ``reach``: how far either side of
    the mouse the eraser takes events."""

    tool: str
    lane: Lane
    step: int
    snap: int
    press_tick: int
    press_value: int
    tick: int = -1
    value: int = 0
    reach: int = 0                                          # erase: ticks taken either side of the mouse
    points: dict[int, int] = field(default_factory=dict)   # draw: tick -> value painted

    def __post_init__(self) -> None:
        if self.tool not in TOOLS:
            raise ValueError(f"unknown lane tool {self.tool!r}")
        self.step = max(1, self.step)
        self.tick, self.value = self.press_tick, self.press_value
        if self._paints_curve:
            self.points[snap_down(self.press_tick, self.step)] = self.lane.clamp(self.press_value)

    @property
    def _paints_curve(self) -> bool:
        return self.tool == "draw" and not self.lane.pedal

    def move_to(self, tick: int, value: int) -> None:
        if self._paints_curve:
            g0, g1 = snap_down(self.tick, self.step), snap_down(tick, self.step)
            v0, v1 = self.value, value
            for g in range(min(g0, g1), max(g0, g1) + 1, self.step):
                v = v1 if g0 == g1 else v0 + (v1 - v0) * (g - g0) / (g1 - g0)
                self.points[g] = self.lane.clamp(round(v))
        self.tick, self.value = tick, value

    def _grid(self, tick: int) -> int:
        return snap_nearest(tick, self.snap) if self.snap else tick

    def span(self) -> tuple[int, int]:
        """The ticks [first, last] (both included) whose events the gesture replaces or selects."""
        if self._paints_curve:
            return min(self.points), max(self.points) + self.step - 1
        if self.tool == "erase":
            return max(0, min(self.press_tick, self.tick) - self.reach), max(self.press_tick, self.tick) + self.reach
        if self.lane.pedal and self.tool != "select":
            return self._block()
        a, b = sorted((self._grid(self.press_tick), self._grid(self.tick)))
        return a, (b - 1 if self.tool == "select" else b)

    def _block(self) -> tuple[int, int]:
        start = snap_down(min(self.press_tick, self.tick), self.step)
        end = snap_nearest(max(self.press_tick, self.tick), self.step)
        return start, max(start + self.step, end)

    def added(self) -> list[Control]:
        """The events the gesture paints, in tick order."""
        lane = self.lane
        if self.tool in ("select", "erase"):
            return []
        if lane.pedal:
            start, end = self._block()
            return [lane.event(start, PEDAL_DOWN), lane.event(end, PEDAL_UP)]
        if self.tool == "draw":
            return [lane.event(t, v) for t, v in sorted(self.points.items())]
        return ramp(lane, self._grid(self.press_tick), self.press_value, self._grid(self.tick), self.value,
                    self.step)

    def change(self, index: LaneIndex) -> tuple[list[Control], list[Control]]:
        """(removed, added) for a ControlChange of the lane's events."""
        first, last = self.span()
        return index.in_span(first, last + 1), self.added()


def ramp(lane: Lane, t0: int, v0: int, t1: int, v1: int, step: int) -> list[Control]:
    """Events every ``step`` ticks from ``t0`` to ``t1`` (either way round), along a straight line from
    value ``v0`` to ``v1``; the last one lands on ``t1`` exactly."""
    if t1 < t0:
        return ramp(lane, t1, v1, t0, v0, step)
    ticks = list(range(t0, t1, max(1, step))) + [t1]
    if t1 == t0:
        return [lane.event(t0, v1)]
    return [lane.event(t, round(v0 + (v1 - v0) * (t - t0) / (t1 - t0))) for t in ticks]


def replaced(ticks: np.ndarray, values: np.ndarray, span: tuple[int, int] | None,
             added: list[Control]) -> tuple[np.ndarray, np.ndarray]:
    """A lane's (ticks, values) arrays as they will be once ``span`` (ticks included at both ends) is
    replaced by ``added``: what the lane shows while a gesture is under way."""
    if span is None:
        return ticks, values
    lo, hi = np.searchsorted(ticks, [span[0], span[1] + 1])
    new_ticks = np.fromiter((c.tick for c in added), dtype=np.int64, count=len(added))
    new_values = np.fromiter((c.value for c in added), dtype=np.int64, count=len(added))
    return (np.concatenate([ticks[:lo], new_ticks, ticks[hi:]]),
            np.concatenate([values[:lo], new_values, values[hi:]]))
