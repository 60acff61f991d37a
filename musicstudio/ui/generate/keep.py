"""Keeping a take: one undoable command that changes the song and adds the take's generation record."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from musicstudio.core.changes import Change

if TYPE_CHECKING:
    from musicstudio.ui.document import SongDocument


class KeepTakeCommand(QUndoCommand):
    """Apply ``change`` with ``record`` added to the document's history, as one change of the document; undo
    applies the inverse with the history as it was. Like every command it holds values (the history before
    and after), so undo finds nothing by searching."""

    def __init__(self, document: SongDocument, change: Change, record: dict, text: str = "Keep take"):
        super().__init__(text)
        self.document, self.change = document, change
        self.before = document.history
        self.after = (*self.before, record)

    def redo(self) -> None:
        self.document.apply(self.change, self.after)

    def undo(self) -> None:
        self.document.apply(self.change.inverse(), self.before)
