"""A track's notes seen from afar: what a zoomed-out view draws, worked out once per track, so that a paint
does work in proportion to the pixels on screen rather than to the notes in the song.

A million notes in view would otherwise be a million-row NumPy pass in every paint of the note canvas and
of the velocity lane (60 and 40 ms here, on the GUI thread). Instead, for cells of 1, 2, 4, … ticks:

- ``spans``: per pitch, the stretches of time that notes cover, each widened outwards to whole cells and
  joined where they touch. Drawn in place of the notes when a cell is at most a pixel wide, they cover the
  same pixels, give or take one at each end of a stretch.
- ``loudest``: per cell in which notes start, the loudest of them: the velocity lane's column heights.

A level is kept only when it has at most half the rows of the level kept before it, so all of them
together hold at most twice as many rows as the track has notes. Pure NumPy on immutable arrays: built on
the thread that reads a song (:meth:`PianoRoll.prepare`), then only read.
"""

from __future__ import annotations

import math

import numpy as np

from musicstudio.ui.piano_roll.geometry import MIN_PX_PER_TICK

SHRINK = 2   # a level is kept once it has this many times fewer rows than the last one kept (or the notes)
# the widest cell any view can use: a pixel at the farthest zoom out
WIDEST_CELL = 2 ** math.ceil(math.log2(1 / MIN_PX_PER_TICK))


class Level:
    """Rows covering cells of ``cell`` ticks, sorted by their first column (a tick), with ``longest`` the
    most ticks one row spans, for picking those in view."""

    def __init__(self, cell: int, rows: np.ndarray):
        self.cell = cell
        self.rows = rows
        self.longest = int((rows[:, 1] - rows[:, 0]).max()) if len(rows) and rows.shape[1] == 3 else 0

    def in_span(self, start: int, end: int) -> np.ndarray:
        """The rows that may lie in [start, end) (those that start in it, or before it but not too long ago)."""
        firsts = self.rows[:, 0]
        lo, hi = np.searchsorted(firsts, [start - self.longest, end])
        return self.rows[lo:hi]


class NoteLevels:
    """The levels of one track's notes. ``array`` rows are (start, end, pitch, velocity), sorted by start."""

    def __init__(self, array: np.ndarray):
        self.spans: list[Level] = []       # rows (start, end, pitch)
        self.loudest: list[Level] = []     # rows (start, velocity)
        if len(array):
            self._build_spans(array)
            self._build_loudest(array)

    def spans_for(self, px_per_tick: float) -> Level | None:
        """The coarsest level of spans whose cells are at most a pixel wide, or None (none is coarse enough
        to save work: draw the notes)."""
        return _coarsest(self.spans, px_per_tick)

    def loudest_for(self, px_per_tick: float) -> Level | None:
        return _coarsest(self.loudest, px_per_tick)

    def _build_spans(self, array: np.ndarray) -> None:
        notes = np.take(array, np.argsort(array[:, 2].astype(np.uint8), kind="stable"), axis=0)  # by pitch, start
        exact = _join(notes[:, 0], notes[:, 1], notes[:, 2], overlapping=True)

        def spans(cell: int, start=exact[0], end=exact[1], pitch=exact[2]) -> np.ndarray:
            """Rows (start, end, pitch) at ``cell`` from rows at a finer cell, grouped by pitch and by start."""
            return np.stack(_join(*_widened(start, end, cell), pitch, overlapping=False), axis=1)

        self.spans = [Level(cell, _by_start(rows))
                      for cell, rows in _levels(spans, len(array), lambda rows, cell: spans(cell, *rows.T))]

    def _build_loudest(self, array: np.ndarray) -> None:
        def loudest(cell: int, start=array[:, 0], velocity=array[:, 3]) -> np.ndarray:
            """Rows (first tick of a cell, loudest velocity starting in it), by start."""
            start = start // cell * cell
            first = np.flatnonzero(np.diff(start, prepend=-1))   # where a new cell begins (ticks are >= 0)
            return np.stack([start[first], np.maximum.reduceat(velocity, first)], axis=1)

        self.loudest = [Level(cell, rows)
                        for cell, rows in _levels(loudest, len(array), lambda rows, cell: loudest(cell, *rows.T))]


def _levels(at_cell, notes: int, coarser) -> list[tuple[int, np.ndarray]]:
    """The levels worth keeping, finest first: ``at_cell(cell)`` works one out from the notes, ``coarser(rows,
    cell)`` from a finer level's rows (cheaper). The finest level with SHRINK times fewer rows than the notes is
    found by halving the range of cells (their rows never grow with the cell), then each coarser one is kept
    once it has SHRINK times fewer rows than the last kept."""
    cells = [2 ** k for k in range(WIDEST_CELL.bit_length())]
    lo, hi, found = 0, len(cells), None
    while lo < hi:
        mid = (lo + hi) // 2
        rows = at_cell(cells[mid])
        if len(rows) * SHRINK <= notes:
            hi, found = mid, rows
        else:
            lo = mid + 1
    if found is None:
        return []              # no level would save work: a view draws the notes at every zoom
    kept = [(cells[lo], found)]
    rows = found
    for cell in cells[lo + 1:]:
        rows = coarser(rows, cell)
        if len(rows) * SHRINK <= len(kept[-1][1]):
            kept.append((cell, rows))
    return kept


def _widened(start: np.ndarray, end: np.ndarray, cell: int) -> tuple[np.ndarray, np.ndarray]:
    """Spans widened outwards to whole cells of ``cell`` ticks."""
    return start // cell * cell, -(-end // cell) * cell


def _join(start: np.ndarray, end: np.ndarray, pitch: np.ndarray, overlapping: bool):
    """Join spans that overlap or touch, per pitch; the spans come grouped by pitch, sorted by start in each
    group. ``overlapping``: a span may end before one earlier in its group (notes), else ends are sorted
    in each group too (spans already joined, then widened)."""
    if not len(start):
        return start, end, pitch
    if overlapping:
        # the latest end so far within each pitch: a running maximum over all of them, the pitch added on
        # at a scale above every tick so that one pitch's ends never carry into the next pitch's
        scale = int(end.max()) + 1
        end = np.maximum.accumulate(end + pitch * scale) - pitch * scale
    first = np.ones(len(start), dtype=bool)
    first[1:] = (pitch[1:] != pitch[:-1]) | (start[1:] > end[:-1])
    firsts = np.flatnonzero(first)
    lasts = np.append(firsts[1:] - 1, len(start) - 1)
    return start[firsts], end[lasts], pitch[firsts]


def _by_start(rows: np.ndarray) -> np.ndarray:
    return rows[np.argsort(rows[:, 0])]


def _coarsest(levels: list[Level], px_per_tick: float) -> Level | None:
    fine_enough = [level for level in levels if level.cell * px_per_tick <= 1]
    return fine_enough[-1] if fine_enough else None
