"""Many notes at once: the pixel spans they cover per row, computed with numpy and drawn as one image.

Used by the note canvas when more notes are on screen than rectangles can be drawn quickly. Rows follow
the geometry's order (pitch 127 at the top, or a drum map's order).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from musicstudio.ui.piano_roll.geometry import Geometry


def visible_rows(g: Geometry, h: int) -> tuple[int, int]:
    """The first and last row (0 at the top) that show in a view ``h`` pixels tall."""
    return g.row_at(0), g.row_at(max(0, h - 1))


def covered(g: Geometry, arr: np.ndarray, w: int, first: int, last: int) -> np.ndarray:
    """Which pixel columns of each row from ``first`` down to ``last`` ((last - first + 1) x w, boolean) the
    notes cover; ``arr`` holds rows of (start, end, pitch, ...)."""
    x0 = np.floor(arr[:, 0] * g.px_per_tick - g.scroll_x).astype(np.int64)
    x1 = np.maximum(np.ceil(arr[:, 1] * g.px_per_tick - g.scroll_x).astype(np.int64), x0 + 1)
    if g.rows is None:
        note_rows = 127 - arr[:, 2]
    else:
        note_rows = np.asarray(g.row_table(), dtype=np.int64)[arr[:, 2]]
    keep = (x1 > 0) & (x0 < w) & (note_rows >= first) & (note_rows <= last)
    x0, x1, row = np.clip(x0[keep], 0, w), np.clip(x1[keep], 0, w), note_rows[keep] - first
    rows, width = last - first + 1, w + 1
    size = rows * width
    # +1 where a note starts, -1 where it ends; a running sum along each row is then > 0 under notes.
    edges = np.bincount(row * width + x0, minlength=size) - np.bincount(row * width + x1, minlength=size)
    return np.cumsum(edges.reshape(rows, width)[:, :w], axis=1) > 0


def paint_raster(p: QPainter, g: Geometry, w: int, h: int, layers: list[tuple[np.ndarray, QColor]]) -> None:
    """Each layer's notes in its colour, later layers over earlier ones.

    The layers are composited at one image row per note row (rows x width) and the visible rows are drawn
    as one image stretched to the rows' height, so the work grows with the width of the view, not with its
    area times the layers.
    """
    if w <= 0 or h <= 0:
        return
    first, last = visible_rows(g, h)
    rows = last - first + 1
    by_row = np.zeros((rows, w), dtype=np.uint32)      # row 0 is the top visible row
    for arr, colour in layers:
        a = colour.alpha()
        premultiplied = (a << 24) | (colour.red() * a // 255 << 16) | (colour.green() * a // 255 << 8) \
            | (colour.blue() * a // 255)
        by_row[covered(g, arr, w, first, last)] = premultiplied
    # One image row per visible row, stretched over the rows' pixels by Qt (nearest neighbour): cheaper
    # than spreading it over every pixel row with numpy.
    # Write into the image's own memory: a QImage over a numpy buffer crashes some PySide6 versions.
    image = QImage(w, rows, QImage.Format.Format_ARGB32_Premultiplied)
    pixels = np.frombuffer(image.bits(), dtype=np.uint32).reshape(rows, image.bytesPerLine() // 4)[:, :w]
    pixels[:] = by_row
    p.drawImage(QRectF(0, first * g.row_height - g.scroll_y, w, rows * g.row_height), image, QRectF(0, 0, w, rows))
