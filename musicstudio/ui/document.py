"""The open song, its file and its undo stack. Views read ``song``; every edit goes through ``edit``."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from musicstudio.core.changes import Change
from musicstudio.core.song import Song
from musicstudio.io.project import Project
from musicstudio.ui.commands import EditCommand


class SongDocument(QObject):
    changed = Signal()        # the song is a new value (after any edit, undo or redo)
    replaced = Signal()       # a different song was loaded (New, Open, restore)
    path_changed = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.song = Song()
        self.path: Path | None = None       # the project file; saving writes here
        self.source: Path | None = None     # the file the song came from (a project or a MIDI file)
        self.history: tuple[dict, ...] = ()   # generation records of kept takes; replaced, never mutated
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(1000)

    # -- edits ------------------------------------------------------------------------------------
    def apply(self, change: Change, history: tuple[dict, ...] | None = None) -> None:
        """Used by undo commands only: views call :meth:`edit`. ``history``: the generation history as it is
        with the change (a kept take's record comes and goes with its notes)."""
        self.song = change.apply(self.song)
        if history is not None:
            self.history = history
        self.changed.emit()

    def edit(self, change: Change, text: str) -> None:
        """Make one undoable change."""
        self.undo_stack.push(EditCommand(self, change, text))

    def edit_many(self, changes: Sequence[Change], text: str) -> None:
        """Several changes as one undo step."""
        changes = [c for c in changes if c is not None]
        if len(changes) == 1:
            self.edit(changes[0], text)
            return
        self.undo_stack.beginMacro(text)
        for change in changes:
            self.undo_stack.push(EditCommand(self, change, text))
        self.undo_stack.endMacro()

    # -- whole songs ------------------------------------------------------------------------------
    def load(self, song: Song, path: Path | None, history: Sequence[dict] | None = None, modified: bool = False,
             source: Path | None = None) -> None:
        """Start over with ``song``: a fresh undo history, clean unless ``modified``. ``path`` is the
        project file to save to (None for a new song or an imported MIDI file, named by ``source``)."""
        self.undo_stack.clear()
        self.song = song
        self.history = tuple(history or ())
        self.source = source or path
        self.set_path(path)
        if modified:
            self.undo_stack.resetClean()  # no clean state: the song differs from any file
        self.replaced.emit()
        self.changed.emit()

    def set_path(self, path: Path | None) -> None:
        self.path = path
        if path is not None:
            self.source = path
        self.path_changed.emit()

    def project(self) -> Project:
        return Project(self.song, list(self.history))

    @property
    def modified(self) -> bool:
        return not self.undo_stack.isClean()

    @property
    def display_name(self) -> str:
        return self.source.name if self.source else "Untitled"
