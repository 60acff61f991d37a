"""The main window: open a song, see it, export it. The piano-roll editor will replace the view."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QMessageBox

from musicstudio.core.song import Song
from musicstudio.io.errors import MusicFileError
from musicstudio.io.files import MIDI_SUFFIXES, open_song, save_song
from musicstudio.io.project import SUFFIX as PROJECT_SUFFIX
from musicstudio.ui.song_view import SongView

OPEN_FILTER = f"Songs (*{PROJECT_SUFFIX} {' '.join('*' + s for s in MIDI_SUFFIXES)});;All files (*)"


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.path: Path | None = None
        self.view = SongView(self)
        self.setCentralWidget(self.view)
        self.summary = QLabel()
        self.statusBar().addPermanentWidget(self.summary)
        self.setAcceptDrops(True)
        self._build_menus()
        self.resize(1100, 640)
        self.show_song(Song(), None)

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu("&File")
        for text, shortcut, slot in (
            ("&Open…", QKeySequence.StandardKey.Open, self.open_dialog),
            ("Save &As…", QKeySequence.StandardKey.SaveAs, self.save_dialog),
            ("&Export MIDI…", QKeySequence("Ctrl+E"), self.export_dialog),
            ("&Quit", QKeySequence.StandardKey.Quit, self.close),
        ):
            action = QAction(text, self)
            action.setShortcut(shortcut)
            action.triggered.connect(slot)
            menu.addAction(action)

    # -- songs --------------------------------------------------------------------------------------
    def show_song(self, song: Song, path: Path | None) -> None:
        self.song, self.path = song, path
        self.view.set_song(song)
        name = path.name if path else "Untitled"
        self.setWindowTitle(f"{name} — Music Studio")
        self.summary.setText(f"{len(song.tracks)} tracks · {song.note_count:,} notes · {song.bar_count} bars · "
                             f"{song.tempo_bpm:.0f} BPM · {song.key.name}")

    def open_file(self, path: str | Path) -> bool:
        """Open a song; on failure show why and keep the current song."""
        path = Path(path)
        try:
            result = open_song(path)
        except MusicFileError as e:
            QMessageBox.warning(self, "Cannot open file", str(e))
            return False
        self.show_song(result.song, path)
        if result.warnings:
            details = "\n".join(f"• {w.message}" for w in result.warnings)
            self.statusBar().showMessage(f"Opened with {len(result.warnings)} warning(s): {result.warnings[0].message}")
            if result.damaged:
                QMessageBox.information(self, "File repaired while opening", f"{path.name} was damaged:\n{details}")
        return True

    def open_dialog(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Open", "", OPEN_FILTER)
        if name:
            self.open_file(name)

    def _save(self, name: str) -> None:
        try:
            save_song(self.song, name)
        except MusicFileError as e:
            QMessageBox.warning(self, "Cannot save", str(e))
            return
        self.statusBar().showMessage(f"Saved {Path(name).name}", 5000)

    def save_dialog(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Save project", "", f"Music Studio project (*{PROJECT_SUFFIX})")
        if name:
            self._save(name if name.endswith(PROJECT_SUFFIX) else name + PROJECT_SUFFIX)

    def export_dialog(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export MIDI", "", "MIDI file (*.mid)")
        if name:
            self._save(name if Path(name).suffix.lower() in MIDI_SUFFIXES else name + ".mid")

    # -- drag and drop ------------------------------------------------------------------------------
    def _dropped_song(self, mime) -> Path | None:
        for url in mime.urls() if mime.hasUrls() else []:
            path = Path(url.toLocalFile())
            if path.suffix.lower() in MIDI_SUFFIXES + (PROJECT_SUFFIX,):
                return path
        return None

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self._dropped_song(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt's name
        path = self._dropped_song(event.mimeData())
        if path:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.open_file(path)
