"""QUndoCommands that adapt the core's change values: the one path by which the song changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from musicstudio.core.changes import Change

if TYPE_CHECKING:
    from musicstudio.ui.document import SongDocument


class EditCommand(QUndoCommand):
    """One change of the song; undo applies its inverse. Holds values, never widgets."""

    def __init__(self, document: SongDocument, change: Change, text: str, parent: QUndoCommand | None = None):
        super().__init__(text, parent)
        self.document = document
        self.change = change

    def redo(self) -> None:
        self.document.apply(self.change)

    def undo(self) -> None:
        self.document.apply(self.change.inverse())
