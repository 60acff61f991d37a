"""The File menu: new, open, save, import, export, recent files, recovery and the drag-out of MIDI."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from musicstudio.core.changes import TrackChange
from musicstudio.core.edits import slice_bars
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.core.words import with_song_lyrics
from musicstudio.io.errors import MusicFileError
from musicstudio.io.files import MIDI_SUFFIXES, is_project, song_stem
from musicstudio.io.midi_read import ImportResult
from musicstudio.io.midi_write import export_midi
from musicstudio.io.project import BACKUP_SUFFIX, save_project
from musicstudio.io.project import SUFFIX as PROJECT_SUFFIX
from musicstudio.io.settings import add_recent
from musicstudio.ui.autosave import Recovery, find_recovery
from musicstudio.ui.export_wav import ExportCloseGuard
from musicstudio.ui.notice import add_notice
from musicstudio.ui.progress import wait_for
from musicstudio.ui.recovery import not_opened_text, recovery_question
from musicstudio.workers.song_reading import SongRead, size_text, song_read_job

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStatusBar, QWidget

    from musicstudio.io.settings import Settings
    from musicstudio.ui.autosave import Autosaver
    from musicstudio.ui.document import SongDocument
    from musicstudio.ui.piano_roll import PianoRoll

OPEN_FILTER = (f"Songs (*{PROJECT_SUFFIX} {' '.join('*' + s for s in MIDI_SUFFIXES)});;"
               f"Project backups (*{BACKUP_SUFFIX});;All files (*)")
MIDI_FILTER = f"MIDI files ({' '.join('*' + s for s in MIDI_SUFFIXES)})"


def empty_song() -> Song:
    """What File ▸ New gives: one empty piano track, ready to draw in."""
    return Song((Track("Track 1"),))


class FileActions:
    """The File menu on ``document``. Dialogs open over ``window`` (which Quit closes), messages go to
    ``status`` (an import's warnings to a notice there that stays); recent files and the last folder are
    kept in ``settings``; a save or a refused recovery discards ``autosaver``'s copy; a drag out carries
    ``roll``'s selection or track. Files are read in a worker thread behind a progress dialog."""

    def __init__(self, window: QWidget, document: SongDocument, settings: Settings, roll: PianoRoll,
                 autosaver: Autosaver, status: QStatusBar):
        self.window, self.document, self.settings = window, document, settings
        self.roll, self.autosaver, self.status = roll, autosaver, status
        self.recent_menu: QMenu | None = None
        self.wav_dialog = None
        self.reading: Path | None = None   # the file being read, while one is
        self.notice = add_notice(status)
        autosaver.describe = lambda: (document.display_name, document.source)
        self.close_guard = ExportCloseGuard(window, lambda: self.wav_dialog)

    def build_menu(self, menu: QMenu) -> None:
        for text, keys, slot in (
            ("&New", QKeySequence.StandardKey.New, self.new_dialog),
            ("&Open…", QKeySequence.StandardKey.Open, self.open_dialog),
        ):
            menu.addAction(self._action(text, keys, slot))
        self.recent_menu = menu.addMenu("Open &recent")
        self._fill_recent()
        menu.addSeparator()
        menu.addAction(self._action("&Save", QKeySequence.StandardKey.Save, self.save))
        menu.addAction(self._action("Save &as…", QKeySequence.StandardKey.SaveAs, self.save_as))
        menu.addSeparator()
        menu.addAction(self._action("&Import MIDI as new tracks…", QKeySequence("Ctrl+I"), self.import_dialog))
        menu.addAction(self._action("&Export MIDI…", QKeySequence("Ctrl+E"), self.export_midi_dialog))
        menu.addAction(self._action("Export &WAV…", QKeySequence("Ctrl+Shift+E"), self.export_wav_dialog))
        menu.addSeparator()
        menu.addAction(self._action("&Quit", QKeySequence.StandardKey.Quit, self.window.close))

    def _action(self, text, keys, slot) -> QAction:
        action = QAction(text, self.window)
        action.setShortcut(keys)
        action.triggered.connect(lambda _=False: slot())
        return action

    def _fill_recent(self) -> None:
        menu = self.recent_menu
        if menu is None:
            return
        menu.clear()
        for name in self.settings.recent_files:
            menu.addAction(Path(name).name, lambda n=name: self.open_file(Path(n))).setToolTip(name)
        menu.setEnabled(bool(self.settings.recent_files))

    def _remember(self, path: Path) -> None:
        add_recent(self.settings, path)
        self.settings.last_folder = str(path.parent)
        self._fill_recent()

    def _folder(self) -> str:
        return self.settings.last_folder or str(Path.home())

    # -- new and open -------------------------------------------------------------------------------
    def new_song(self) -> None:
        self.document.load(empty_song(), None)

    def new_dialog(self) -> None:
        if self.maybe_save():
            self.new_song()

    def open_dialog(self) -> None:
        if not self.maybe_save():
            return
        name, _ = QFileDialog.getOpenFileName(self.window, "Open", self._folder(), OPEN_FILTER)
        if name:
            self.open_file(Path(name))

    def read(self, path: Path, verb: str = "Open") -> SongRead | None:
        """Read a song off the GUI thread, with a progress dialog that can cancel it. On failure show why
        and give None; a cancel gives None too. Either way the current song stays as it was."""
        if self.reading is not None:
            self.status.showMessage(f"Still reading {self.reading.name}: wait for it, or cancel it first", 5000)
            return None
        self.reading = path
        try:
            outcome = wait_for(self.window, song_read_job(path, self.roll.prepare), f"{verb} {path.name}",
                               f"Reading {path.name}{size_text(path)}…")
        finally:
            self.reading = None
        if outcome.kind == "failed":
            QMessageBox.warning(self.window, "Cannot open file", outcome.value)
        elif outcome.kind == "cancelled":
            self.status.showMessage(f"{verb} {path.name} cancelled; the song is as it was", 5000)
        return outcome.value if outcome.kind == "finished" else None

    def open_file(self, path: Path) -> bool:
        read = self.read(path)
        if read is None:
            return False
        song = read.song
        if not song.tracks:
            song = replace(song, tracks=(Track("Track 1"),))     # its words and maps kept
        # a backup opens like its project, but saving asks for a name rather than overwrite the backup
        saves_to = path if read.midi is None and path.suffix.lower() == PROJECT_SUFFIX else None
        self.document.load(song, saves_to, read.history, source=path)
        self._remember(path)
        self.notice.dismiss()
        self._show_warnings(path, read.midi)
        self.status.showMessage(f"Opened {path.name}", 5000)
        return True

    def _show_warnings(self, path: Path, result: ImportResult | None) -> None:
        """A repair in a message box; other warnings in the notice, which stays until dismissed."""
        if result is None or not result.warnings:
            return
        lines = "\n".join(f"• {w.message}" for w in result.warnings)
        if result.damaged:
            QMessageBox.information(self.window, "File repaired while opening", f"{path.name} was damaged:\n\n{lines}")
        else:
            more = f" (and {len(result.warnings) - 1} more: point here)" if len(result.warnings) > 1 else ""
            self.notice.show_text(f"{path.name}: {result.warnings[0].message}{more}", f"{path.name}:\n{lines}")

    def import_tracks(self, path: Path) -> bool:
        """Add a MIDI file's tracks to the song, as one undo step. Lyrics the file keeps at song level (a
        type 0 file's, a note-less track's, a karaoke file's syllables) come with the track they are sung on;
        its other song-level words (text, markers, copyright, karaoke headers) are that file's and stay out
        (core.words.with_song_lyrics)."""
        read = self.read(path, "Import")
        if read is None:
            return False
        start = len(self.document.song.tracks)
        changes = [TrackChange(start + i, None, t) for i, t in enumerate(with_song_lyrics(read.song))]
        if changes:
            self.document.edit_many(changes, f"Import {path.name}")
        self._show_warnings(path, read.midi)
        return True

    def import_dialog(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self.window, "Import MIDI", self._folder(), MIDI_FILTER)
        if name:
            self.import_tracks(Path(name))

    def import_or_open(self, path: Path) -> bool:
        """A dropped file: a project opens; MIDI is imported as new tracks, or opened into an untouched song."""
        untouched = not self.document.modified and self.document.song.note_count == 0
        if is_project(path) or untouched:
            return (untouched or self.maybe_save()) and self.open_file(path)
        return self.import_tracks(path)

    # -- starting after a crash ---------------------------------------------------------------------
    def start(self, path: Path | None = None) -> bool:
        """What the app does once its window is shown: offer the song a crashed session left, then open
        ``path`` (a file named on the command line) too, or say why it did not. True if ``path`` opened."""
        restored = self.offer_recovery(then_open=path)
        if path is None:
            return False
        if restored and not self.maybe_save():
            self.notice.show_text(not_opened_text(path))
            return False
        return self.open_file(path)

    def offer_recovery(self, then_open: Path | None = None) -> bool:
        """After a crash: offer the autosaved song, named, with the time it was saved. True if restored."""
        found = find_recovery(self.autosaver.folder)
        if found is None:
            return False
        answer = QMessageBox.question(self.window, "Restore unsaved work?", recovery_question(found, then_open))
        if answer != QMessageBox.StandardButton.Yes:
            self.autosaver.discard()
            return False
        return self.restore(found)

    def restore(self, found: Recovery) -> bool:
        """Load the recovered song, unsaved; one that came from a project saves back to it."""
        source = found.source
        saves_to = source if source is not None and source.suffix.lower() == PROJECT_SUFFIX else None
        self.document.load(found.project.song, saves_to, found.project.history, modified=True, source=source)
        self.status.showMessage(f"Restored {found.name or 'the song'} from the autosave", 5000)
        return True

    # -- save ---------------------------------------------------------------------------------------
    def save(self) -> bool:
        path = self.document.path
        if path is None or path.suffix.lower() != PROJECT_SUFFIX:
            return self.save_as()
        return self.save_to(path)

    def save_as(self) -> bool:
        start = str(Path(self._folder()) / (song_stem(self.document.display_name) + PROJECT_SUFFIX))
        name, _ = QFileDialog.getSaveFileName(self.window, "Save project", start,
                                              f"Music Studio project (*{PROJECT_SUFFIX})")
        if not name:
            return False
        path = Path(name if name.endswith(PROJECT_SUFFIX) else name + PROJECT_SUFFIX)
        return self.save_to(path)

    def save_to(self, path: Path) -> bool:
        try:
            save_project(self.document.project(), path)
        except MusicFileError as e:
            QMessageBox.warning(self.window, "Cannot save", str(e))
            return False
        self.document.set_path(path)
        self.document.undo_stack.setClean()
        self.autosaver.discard()
        self._remember(path)
        self.status.showMessage(f"Saved {path.name}", 5000)
        return True

    def maybe_save(self) -> bool:
        """Ask about unsaved changes. False means: the user cancelled, do not go on."""
        if not self.document.modified:
            return True
        answer = QMessageBox.question(
            self.window, "Unsaved changes", f"Save the changes to {self.document.display_name}?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    # -- export -------------------------------------------------------------------------------------
    def _export_name(self, title: str, suffix: str, filter_: str) -> Path | None:
        start = str(Path(self._folder()) / (song_stem(self.document.display_name) + suffix))
        name, _ = QFileDialog.getSaveFileName(self.window, title, start, filter_)
        if not name:
            return None
        return Path(name if Path(name).suffix else name + suffix)

    def export_midi_dialog(self) -> None:
        path = self._export_name("Export MIDI", ".mid", MIDI_FILTER)
        if path is None:
            return
        try:
            export_midi(self.document.song, path)
        except MusicFileError as e:
            QMessageBox.warning(self.window, "Cannot export", str(e))
            return
        self.status.showMessage(f"Exported {path.name}", 5000)

    def export_wav_dialog(self) -> None:
        path = self._export_name("Export WAV", ".wav", "WAV audio (*.wav)")
        if path is not None:
            self.export_wav(path)

    def export_wav(self, path: Path):
        """Render off the GUI thread with a cancellable progress dialog."""
        from musicstudio.ui.export_wav import export_wav_with_progress
        self.wav_dialog = export_wav_with_progress(self.window, self.document.song, path,
                                                   soundfont=self.settings.soundfont or None)
        self.wav_dialog.exported.connect(
            lambda p: self.status.showMessage(f"Exported {Path(p).name}", 5000))
        return self.wav_dialog

    # -- drag and drop ------------------------------------------------------------------------------
    def dragged_song(self) -> tuple[Song, str]:
        """What a drag out of the app carries: the current track alone, with its controllers (pedal, bends,
        volume...) and its own words, under the song's tempo, meter and key maps; or, with notes selected, those
        notes from the bar line before the first, with the controllers in effect and the words of their bars."""
        song, roll = self.document.song, self.roll
        track = roll.active_track
        if track is None:
            return song, self.document.display_name
        alone = replace(song, tracks=(track,), texts=())     # the conductor's markers stay with the song
        if not roll.selection:
            return alone, track.name or "track"
        meter = song.meter
        first = meter.bar_at(min(n.start for n in roll.selection))
        last = meter.bar_at(max(n.start + n.duration for n in roll.selection) - 1)
        start, _ = meter.bars_to_ticks(first, last)
        clip = slice_bars(alone, first, last)
        notes = tuple(n.moved_by(-start) for n in roll.selection)
        return replace(clip, tracks=(replace(clip.tracks[0], notes=notes),)), f"{track.name or 'clip'} selection"

    def drag_out(self) -> None:
        from musicstudio.ui.drag_out import start_drag
        song, name = self.dragged_song()
        start_drag(self.window, song, name)

    @staticmethod
    def dropped_paths(mime) -> list[str]:
        if not mime.hasUrls():
            return []
        paths = [url.toLocalFile() for url in mime.urls()]
        return [p for p in paths if Path(p).suffix.lower() in MIDI_SUFFIXES or is_project(p)]
