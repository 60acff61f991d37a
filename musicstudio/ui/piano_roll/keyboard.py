"""The keyboard at the left of the piano roll: a row per pitch; clicking a key auditions it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from musicstudio.core.note import pitch_name

if TYPE_CHECKING:
    from musicstudio.ui.piano_roll.editor import PianoRoll

KEYBOARD_WIDTH = 64
BLACK_KEYS = {1, 3, 6, 8, 10}
WHITE = QColor("#e8e8ec")
BLACK = QColor("#2b2c31")
PRESSED = QColor("#5aa0ff")


class Keyboard(QWidget):
    def __init__(self, roll: PianoRoll):
        super().__init__(roll)
        self.roll = roll
        self.pressed: int | None = None
        self.setFixedWidth(KEYBOARD_WIDTH)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        g = self.roll.geometry
        p = QPainter(self)
        p.fillRect(self.rect(), WHITE)
        top, bottom = g.pitch_at(0), g.pitch_at(self.height())
        p.setPen(QPen(QColor("#9a9ca5"), 1))
        for pitch in range(bottom, top + 1):
            y = g.y_of(pitch)
            rect = QRectF(0, y, self.width(), g.row_height)
            black = pitch % 12 in BLACK_KEYS
            if pitch == self.pressed:
                p.fillRect(rect, PRESSED)
            elif black:
                p.fillRect(QRectF(0, y, self.width() * 0.62, g.row_height), BLACK)
            if pitch % 12 in (0, 5):
                p.drawLine(0, int(y + g.row_height), self.width(), int(y + g.row_height))
            if pitch % 12 == 0 and g.row_height >= 8:
                p.drawText(rect.adjusted(0, 0, -4, 0), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                           pitch_name(pitch))
        p.end()

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        pitch = self.roll.geometry.pitch_at(event.position().y())
        self.pressed = pitch
        velocity = 40 + int(87 * min(1.0, event.position().x() / self.width()))  # further right, louder
        self.roll.audition(pitch, velocity)
        self.update()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.pressed = None
        self.update()

    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.roll.wheel(event, self)
