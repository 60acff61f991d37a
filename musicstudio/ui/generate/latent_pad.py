"""A square pad for mixing four phrases: A top left, B top right, C bottom left, D bottom right. Dragging the
dot (or clicking) moves it; arrows nudge it, Space auditions, Enter keeps. Positions are 0-1 from the top
left; a corner that has no phrase yet is drawn hollow."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from musicstudio.ui import palette
from musicstudio.ui.generate.own_keys import OwnKeys

CORNERS = "ABCD"
DOT = QColor("#f1a34e")        # the take colour
STEP = 0.05                    # an arrow key's nudge


class LatentPad(OwnKeys, QWidget):
    moved = Signal(float, float)    # x, y while dragging or nudging
    released = Signal()             # a drag ended
    audition_requested = Signal()
    keep_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.x, self.y = 0.5, 0.5
        self.filled = [False] * 4
        self.dragging = False
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setToolTip("Drag the dot: the phrase mixes A, B, C and D by how near it is to each corner. "
                        "Arrows nudge it, Space auditions, Enter keeps.")

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(200, 200)

    def set_filled(self, filled) -> None:
        self.filled = list(filled)
        self.update()

    def set_position(self, x: float, y: float, signal: bool = True) -> None:
        x, y = min(max(x, 0.0), 1.0), min(max(y, 0.0), 1.0)
        if (x, y) == (self.x, self.y):
            return
        self.x, self.y = x, y
        self.update()
        if signal:
            self.moved.emit(x, y)

    # -- geometry ---------------------------------------------------------------------------------
    def _square(self) -> QRectF:
        margin = 16
        return QRectF(margin, margin, self.width() - 2 * margin, self.height() - 2 * margin)

    def _position_at(self, point) -> tuple[float, float]:
        r = self._square()
        return (point.x() - r.left()) / r.width(), (point.y() - r.top()) / r.height()

    def point_of(self, x: float, y: float) -> QPointF:
        r = self._square()
        return QPointF(r.left() + x * r.width(), r.top() + y * r.height())

    # -- drawing ----------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = self._square()
        p.fillRect(r, palette.BACKGROUND)
        p.setPen(QPen(palette.BAR_LINE, 1))
        for k in (0.25, 0.5, 0.75):
            x, y = r.left() + r.width() * k, r.top() + r.height() * k
            p.drawLine(QPointF(x, r.top()), QPointF(x, r.bottom()))
            p.drawLine(QPointF(r.left(), y), QPointF(r.right(), y))
        p.setPen(QPen(self.palette().windowText().color(), 1))
        p.drawRect(r)
        for i, (cx, cy) in enumerate(((0, 0), (1, 0), (0, 1), (1, 1))):
            c = self.point_of(cx, cy)
            p.setPen(QPen(DOT, 2))
            p.setBrush(DOT if self.filled[i] else Qt.BrushStyle.NoBrush)
            p.drawEllipse(c, 5, 5)
            p.setPen(self.palette().windowText().color())
            off = QPointF(-14 if cx == 0 else 6, -6 if cy == 0 else 14)
            p.drawText(c + off, CORNERS[i])
        dot = self.point_of(self.x, self.y)
        p.setPen(QPen(QColor("white"), 2))
        p.setBrush(DOT)
        p.drawEllipse(dot, 8 if self.hasFocus() else 7, 8 if self.hasFocus() else 7)
        p.end()

    # -- mouse and keys ---------------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.MouseButton.LeftButton:
            self.dragging = True
            self.set_position(*self._position_at(event.position()))

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.dragging:
            self.set_position(*self._position_at(event.position()))

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.dragging and event.button() == Qt.MouseButton.LeftButton:
            self.dragging = False
            self.released.emit()

    ARROWS = {Qt.Key.Key_Left: (-STEP, 0), Qt.Key.Key_Right: (STEP, 0), Qt.Key.Key_Up: (0, -STEP),
              Qt.Key.Key_Down: (0, STEP)}
    OWN_KEYS = frozenset(ARROWS) | {Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter}

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if not self._handles(event):
            super().keyPressEvent(event)
            return
        key = event.key()
        if key in self.ARROWS:
            dx, dy = self.ARROWS[key]
            self.set_position(round(self.x + dx, 4), round(self.y + dy, 4))
        elif key == Qt.Key.Key_Space:
            self.audition_requested.emit()
        else:
            self.keep_requested.emit()
        event.accept()
