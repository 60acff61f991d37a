"""Painting a controller lane: its events as steps (a value holds until the next event), one pixel column
at a time with numpy, so that the cost grows with the width of the view and not with the events in it.

For each pixel column the painter knows the value held at the column's end and the lowest and highest
value the lane passes through inside it; the curve is drawn through that range and the area under it
(or, for pan and pitch bend, between it and the centre) filled. A pedal lane is drawn as blocks where
the pedal is down.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from PySide6.QtGui import QColor, QImage

from musicstudio.ui.piano_roll.lanes import PEDAL_THRESHOLD, Lane

PAD = 4                  # pixels kept free above the highest and below the lowest value
PEDAL_TOP = 0.35         # a pedal-down block fills the lane from here (a fraction of its height) down


class Columns(NamedTuple):
    """Per pixel column: whether any value is known there yet, the value held at its end, and the lowest
    and highest value the lane takes inside it."""

    known: np.ndarray
    held: np.ndarray
    low: np.ndarray
    high: np.ndarray


def visible_columns(ticks: np.ndarray, values: np.ndarray, px_per_tick: float, scroll_x: float,
                    width: int) -> Columns:
    """The lane's events (``ticks`` sorted) reduced to ``width`` pixel columns of the view.

    The work is a binary search per column edge and one pass over the visible values, never a
    conversion of every event to pixels.
    """
    # the first tick of each column, and of the one past the right edge; then the first event there
    edges = np.ceil((np.arange(width + 1) + scroll_x) / px_per_tick).astype(np.int64)
    first = np.searchsorted(ticks, edges)
    last = first[1:] - 1                      # the last event at or before each column's end
    known = last >= 0
    held = values[np.maximum(last, 0)] if len(values) else np.zeros(width, dtype=np.int64)
    # the value held where each column starts: the last event before it
    came_known = first[:-1] > 0
    before = values[np.maximum(first[:-1] - 1, 0)] if len(values) else held
    low, high = held.copy(), held.copy()
    has_events = first[1:] > first[:-1]
    if has_events.any():
        starts = first[:-1][has_events]
        inside = values[:first[-1]]
        low[has_events] = np.minimum.reduceat(inside, starts)
        high[has_events] = np.maximum.reduceat(inside, starts)
    low = np.where(came_known, np.minimum(low, before), low)
    high = np.where(came_known, np.maximum(high, before), high)
    return Columns(known, held, low, high)


def _argb(colour: QColor) -> np.uint32:
    a = colour.alpha()
    return np.uint32((a << 24) | (colour.red() * a // 255 << 16) | (colour.green() * a // 255 << 8)
                     | (colour.blue() * a // 255))


def y_of(lane: Lane, value, height: int):
    """Pixel row of ``value`` (a number or an array) in a lane ``height`` pixels tall."""
    return PAD + (height - 1 - 2 * PAD) * (1 - lane.fraction(value))


def lane_image(lane: Lane, columns: Columns, height: int, colour: QColor) -> QImage:
    """The lane's curve or pedal blocks as one image (transparent where nothing is drawn)."""
    width = len(columns.held)
    rows = np.arange(height)[:, None]
    if lane.pedal:
        down = columns.known & (columns.high >= PEDAL_THRESHOLD)
        block = (rows >= int(height * PEDAL_TOP)) & down[None, :]
        fill = QColor(colour)
        fill.setAlpha(200)
        pixels_of = np.where(block, _argb(fill), np.uint32(0))
    else:
        top = np.floor(y_of(lane, columns.high, height)).astype(np.int64) - 1
        bottom = np.ceil(y_of(lane, columns.low, height)).astype(np.int64)
        held_y = np.round(y_of(lane, columns.held, height)).astype(np.int64)
        base = height if lane.centre is None else int(round(y_of(lane, lane.centre, height)))
        fill_top, fill_bottom = np.minimum(held_y, base), np.maximum(held_y, base)
        known = columns.known[None, :]
        line = known & (rows >= top[None, :]) & (rows <= bottom[None, :])
        area = known & (rows >= fill_top[None, :]) & (rows < fill_bottom[None, :])
        fill = QColor(colour)
        fill.setAlpha(70)
        pixels_of = np.where(line, _argb(colour.lighter(125)), np.where(area, _argb(fill), np.uint32(0)))
    # Write into the image's own memory: a QImage over a numpy buffer crashes some PySide6 versions.
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    pixels = np.frombuffer(image.bits(), dtype=np.uint32).reshape(height, image.bytesPerLine() // 4)[:, :width]
    pixels[:] = pixels_of
    return image
