"""The first-start hint in an empty piano roll: how to get notes in, with the window's real shortcuts."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QAction, QColor, QKeySequence, QPainter
from PySide6.QtWidgets import QWidget

HINT_TEXT = QColor("#b8bac4")
HINT_BACKDROP = QColor(22, 23, 27, 225)
HINT_WIDTH = 460

# The actions the hint names, by the start of their text (without "&" or a symbol), and the shortcut each
# had when the hint was written, said if the window holds no such action (a roll shown on its own).
_NAMED = (("Open", "Ctrl+O"), ("Rec", "R"), ("Draw", "D"))


def _plain(text: str) -> str:
    return "".join(ch for ch in text.replace("&", "") if ch.isalnum() or ch.isspace()).strip()


def shortcut_for(window: QWidget, name: str, known: str) -> str:
    """The shortcut, as the platform writes it, of the first of ``window``'s actions whose first word is
    ``name`` ("Rec", not "Record from microphone"; the window's own actions before those of its panels);
    ``known`` when it has none."""
    own = window.findChildren(QAction, options=Qt.FindChildOption.FindDirectChildrenOnly)
    for action in own + [a for a in window.findChildren(QAction) if a.parent() is not window]:
        words = _plain(action.text()).split()
        if words and words[0] == name and not action.shortcut().isEmpty():
            return action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    return known


def hint_text(window: QWidget) -> str:
    open_keys, rec_keys, draw_keys = (shortcut_for(window, name, known) for name, known in _NAMED)
    return (f"Open a MIDI file ({open_keys}), drop one here, or press Rec ({rec_keys}) to record from a MIDI "
            f"or computer keyboard.\n\nOr draw notes: choose the Draw tool ({draw_keys}) and click here, or "
            "double-click with the Select tool. Then Generate continues what you wrote.")


def paint_hint(p: QPainter, w: int, h: int, text: str) -> None:
    """``text`` in a column in the middle of a ``w`` x ``h`` view."""
    width = min(HINT_WIDTH, max(120, w - 40))
    rect = QRectF((w - width) / 2, h * 0.3, width, h * 0.6)
    flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
    used = p.boundingRect(rect, flags, text)
    p.fillRect(used.adjusted(-14, -10, 14, 10), HINT_BACKDROP)   # readable over the grid lines
    p.setPen(HINT_TEXT)
    p.drawText(rect, flags, text)
