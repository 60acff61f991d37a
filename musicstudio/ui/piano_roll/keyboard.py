"""The strip at the left of the piano roll: a row per pitch; clicking a key auditions it.

For a drum track it is a drum map instead: each row names its General MIDI drum (Kick, Snare, Closed
Hi-Hat ...), the drums the track plays first, set apart from the rest by a line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QWidget

from musicstudio.core.drum_map import GM_DRUMS, drum_name
from musicstudio.core.note import pitch_name

if TYPE_CHECKING:
    from musicstudio.ui.piano_roll.editor import PianoRoll

KEYBOARD_WIDTH = 64
DRUM_MAP_WIDTH = 132
BLACK_KEYS = {1, 3, 6, 8, 10}
WHITE = QColor("#e8e8ec")
BLACK = QColor("#2b2c31")
PRESSED = QColor("#5aa0ff")
DRUM_ROW = QColor("#2a2b31")
DRUM_ROW_ALT = QColor("#25262b")
DRUM_USED = QColor("#34363f")
DRUM_TEXT = QColor("#d8dae2")
DRUM_UNASSIGNED = QColor("#7c7f8a")


class Keyboard(QWidget):
    def __init__(self, roll: PianoRoll):
        super().__init__(roll)
        self.roll = roll
        self.pressed: int | None = None
        self.setFixedWidth(KEYBOARD_WIDTH)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        if self.roll.is_drum_map():
            self._paint_drum_map(p)
        else:
            self._paint_keys(p)
        p.end()

    def _paint_keys(self, p: QPainter) -> None:
        g = self.roll.geometry
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

    def _paint_drum_map(self, p: QPainter) -> None:
        """A row per drum, named; the drums in use (the rows at the top) on a lighter ground."""
        roll, g = self.roll, self.roll.geometry
        p.fillRect(self.rect(), DRUM_ROW)
        font = QFont(self.font())
        font.setPixelSize(max(6, min(12, int(g.row_height) - 1)))
        p.setFont(font)
        first, last = g.row_at(0), g.row_at(max(0, self.height() - 1))
        used = roll.drums_used
        for row in range(first, last + 1):
            pitch = g.pitch_of_row(row)
            rect = QRectF(0, row * g.row_height - g.scroll_y, self.width(), g.row_height)
            ground = PRESSED if pitch == self.pressed else DRUM_USED if row < used else (
                DRUM_ROW_ALT if row % 2 else DRUM_ROW)
            p.fillRect(rect, ground)
            if g.row_height >= 7:
                p.setPen(DRUM_TEXT if pitch in GM_DRUMS else DRUM_UNASSIGNED)
                p.drawText(rect.adjusted(4, 0, -4, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                           f"{drum_name(pitch)}")
                p.drawText(rect.adjusted(4, 0, -4, 0), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                           str(pitch))
        if first <= used <= last + 1 and used:
            y = used * g.row_height - g.scroll_y
            p.setPen(QPen(PRESSED, 2))
            p.drawLine(0, int(y), self.width(), int(y))

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
