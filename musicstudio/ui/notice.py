"""A notice that stays: a line at the left of the status bar, kept until the user dismisses it (×) or a
newer notice replaces it. For what the user must get to read, such as an import's warnings, which a
passing status message ("Opened tune.mid") would otherwise cover at once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStatusBar, QToolButton, QWidget


class Notice(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("notice")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.setSpacing(4)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.close_button = QToolButton(text="×", toolTip="Dismiss this notice", autoRaise=True)
        self.close_button.clicked.connect(self.dismiss)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.close_button)
        self.hide()

    @property
    def text(self) -> str:
        return self.label.text() if self.isVisibleTo(self.parentWidget()) else ""

    def show_text(self, text: str, details: str = "") -> None:
        """Show ``text`` (one line) until dismissed; ``details`` (the whole list) as its tooltip."""
        self.label.setText(text)
        self.setToolTip(details or text)
        self.show()

    def dismiss(self) -> None:
        self.label.clear()
        self.hide()


def add_notice(status: QStatusBar) -> Notice:
    """A notice in ``status``, on the left of its permanent widgets, where temporary messages do not
    hide it."""
    notice = Notice(status)
    status.insertPermanentWidget(0, notice)
    return notice
