"""Keeping a take: one undoable command that changes the song and adds the take's generation record."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from musicstudio.core.changes import Change

if TYPE_CHECKING:
    from musicstudio.ui.document import SongDocument


class KeepTakeCommand(QUndoCommand):
    """Apply ``change`` and append ``record`` to the document's history; undo takes both back."""

    def __init__(self, document: SongDocument, change: Change, record: dict, text: str = "Keep take"):
        super().__init__(text)
        self.document, self.change, self.record = document, change, record

    def redo(self) -> None:
        self.document.history.append(self.record)
        self.document.apply(self.change)

    def undo(self) -> None:
        history = self.document.history
        for i in range(len(history) - 1, -1, -1):
            if history[i] is self.record:
                del history[i]
                break
        self.document.apply(self.change.inverse())
