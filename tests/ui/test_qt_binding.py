"""Guards against a binding bug: PySide6 6.12.0 drops a reference to None on every void QPainter
call, so painting a few thousand notes aborted the process ("deallocating None")."""

import sys

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QPen


def test_painting_does_not_leak_references_to_none():
    image = QImage(64, 64, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    colour = QColor("#4e9af1")
    before = sys.getrefcount(None)
    for _ in range(2000):
        painter.setPen(QPen(colour, 1))
        painter.drawLine(QPointF(1, 1), QPointF(5, 5))
        painter.fillRect(QRectF(1, 1, 5, 4), colour)
    after = sys.getrefcount(None)
    painter.end()
    assert after >= before - 10, f"None lost {before - after} references"


def test_emitting_signals_does_not_leak_references_to_true():
    from PySide6.QtCore import QObject, Signal

    class Emitter(QObject):
        ping = Signal()

    emitter = Emitter()
    emitter.ping.connect(lambda: None)
    before = sys.getrefcount(True)
    for _ in range(2000):
        emitter.ping.emit()
    assert sys.getrefcount(True) >= before - 10
