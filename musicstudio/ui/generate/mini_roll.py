"""A take drawn small: its notes as bars in a little piano roll, for the take list."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap

from musicstudio.core.note import Note
from musicstudio.ui import palette

SIZE = QSize(168, 44)


def mini_roll(notes: tuple[Note, ...], length: int, colour: QColor, size: QSize = SIZE, bar: int = 0) -> QPixmap:
    """``notes`` (counted from 0) over ``length`` ticks, pitches scaled to fill the height."""
    pixmap = QPixmap(size)
    pixmap.fill(palette.BACKGROUND)
    p = QPainter(pixmap)
    w, h = size.width(), size.height()
    length = max(length, max((n.end for n in notes), default=0), 1)
    if bar > 0:
        p.setPen(palette.BAR_LINE)
        for tick in range(bar, length, bar):
            x = round(tick / length * w)
            p.drawLine(x, 0, x, h)
    if notes:
        low, high = min(n.pitch for n in notes), max(n.pitch for n in notes)
        low, high = min(low, high - 11), max(high, low + 11)   # at least an octave tall
        row = (h - 4) / (high - low + 1)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        for n in notes:
            x = n.start / length * w
            y = 2 + (high - n.pitch) * row
            p.drawRect(QRectF(x, y, max(1.5, n.duration / length * w - 0.5), max(1.5, row)))
    p.end()
    return pixmap
