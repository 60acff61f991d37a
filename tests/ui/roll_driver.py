"""Drives the piano roll with real mouse and key events, at musical positions."""

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest


class RollDriver:
    def __init__(self, window, qtbot):
        self.window = window
        self.roll = window.roll
        self.canvas = window.roll.canvas
        self.qtbot = qtbot

    def point(self, tick: int, pitch: int, dx: int = 4) -> QPoint:
        g = self.roll.geometry
        return QPoint(int(g.x_of(tick)) + dx, int(g.y_of(pitch) + g.row_height / 2))

    def show(self, first_pitch: int) -> None:
        """Scroll so that ``first_pitch`` is near the middle and tick 0 at the left."""
        self.roll.geometry.centre_on_pitch(first_pitch, self.canvas.height())
        self.roll.geometry.scroll_x = 0
        self.roll.refresh()

    def click(self, point: QPoint, modifier=Qt.KeyboardModifier.NoModifier, button=Qt.MouseButton.LeftButton) -> None:
        QTest.mouseClick(self.canvas, button, modifier, point)

    def double_click(self, point: QPoint) -> None:
        QTest.mouseDClick(self.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)

    def drag(self, start: QPoint, end: QPoint, modifier=Qt.KeyboardModifier.NoModifier, widget=None) -> None:
        widget = widget or self.canvas
        QTest.mousePress(widget, Qt.MouseButton.LeftButton, modifier, start)
        steps = 4
        for i in range(1, steps + 1):
            QTest.mouseMove(widget, start + (end - start) * i / steps)
        QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, modifier, end)

    def key(self, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        self.canvas.setFocus()
        QTest.keyClick(self.canvas, key, modifier)

    @property
    def notes(self):
        return self.roll.active_track.notes
