"""The bar ruler above the piano roll: click to place the playhead, drag to set the loop."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPointF, QRectF
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from musicstudio.ui import palette
from musicstudio.ui.piano_roll.snap import snap_nearest

if TYPE_CHECKING:
    from musicstudio.ui.piano_roll.editor import PianoRoll

RULER_HEIGHT = 22
MARK_GAP = 6   # pixels between bar marks at the least


class Ruler(QWidget):
    def __init__(self, roll: PianoRoll):
        super().__init__(roll)
        self.roll = roll
        self.setFixedHeight(RULER_HEIGHT)
        self._press_x: float | None = None

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        roll, g = self.roll, self.roll.geometry
        meter = roll.document.song.meter
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#2a2b31"))
        if roll.loop is not None:
            x0, x1 = g.x_of(roll.loop[0]), g.x_of(roll.loop[1])
            p.fillRect(QRectF(x0, 0, x1 - x0, self.height()), palette.LOOP_EDGE)
        # Zoomed far out, a mark every 2, 4, 8 ... bars, so that no two are closer than MARK_GAP pixels.
        step, bar_px = 1, meter.signature_at(g.tick_at(0)).bar_ticks * g.px_per_tick
        while step * bar_px < MARK_GAP and step < 1 << 20:
            step *= 2
        bar = meter.bar_at(g.tick_at(0)) // step * step
        p.setPen(QPen(QColor("#b8bac4"), 1))
        last_label = -1e9
        marks = []
        while True:
            x = g.x_of(meter.bar_start(bar))
            if x > self.width():
                break
            marks.append(QLineF(x, self.height() * 0.45, x, self.height()))
            if x - last_label > 28:
                p.drawText(QPointF(x + 3, 12), str(bar + 1))
                last_label = x
            bar += step
        p.drawLines(marks)
        x = g.x_of(roll.playhead)
        p.setPen(QPen(palette.PLAYHEAD, 2))
        p.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        p.end()

    def _tick(self, x: float) -> int:
        roll = self.roll
        return snap_nearest(roll.geometry.tick_at(x), roll.snap or roll.grid_step)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._press_x = event.position().x()
        self.roll.set_playhead(self._tick(self._press_x))

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self._press_x is not None and abs(event.position().x() - self._press_x) > 4:
            a, b = sorted((self._tick(self._press_x), self._tick(event.position().x())))
            self.roll.set_loop((a, b))

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._press_x = None
