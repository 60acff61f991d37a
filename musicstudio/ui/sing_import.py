"""Import audio as notes: a WAV or FLAC recording of one line becomes notes at the playhead of the current
track, one undoable step. Reading and transcribing run in a worker thread behind a progress dialog, so
the window stays responsive; Cancel drops the result.

Also the one place the UI names the transcriber (:class:`Transcribers`), for this and for recording from
the microphone (ui/sing.py), so that tests can give both a stand-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QProgressDialog, QWidget

from musicstudio.audio.live_transcriber import LiveTranscriber
from musicstudio.audio.transcribe import transcribe
from musicstudio.audio.voice_take import sentence
from musicstudio.core.changes import NoteChange
from musicstudio.core.song import Song
from musicstudio.ui.sing_meter import notes_text
from musicstudio.workers.audio_notes import AudioNotesJob
from musicstudio.workers.render_worker import start_in_thread

if TYPE_CHECKING:
    from musicstudio.ui.document import SongDocument
    from musicstudio.ui.piano_roll import PianoRoll

IMPORT_SHORTCUT = "Ctrl+Shift+I"
FILTER = "Recordings (*.wav *.wave *.flac *.WAV *.FLAC);;All files (*)"
SHOW_AFTER_MS = 300


def tempo_at(song: Song, tick: int) -> float:
    """The song's tempo in beats a minute at ``tick``."""
    tempo = song.tempos[0]
    for t in song.tempos:
        if t.tick <= tick:
            tempo = t
    return tempo.bpm


@dataclass(frozen=True)
class Transcribers:
    """How audio becomes notes: ``live(sample_rate, tempo_bpm, grid, strength)`` makes a live transcriber
    (``feed``, ``finish``) and ``whole(samples, sample_rate, tempo_bpm, grid, strength)`` transcribes a whole
    recording; both give notes whose ticks count from the first sample, quantized to ``grid`` ticks (None:
    as played) with ``strength`` (1: fully)."""

    live: Callable[[int, float, int | None, float], object]
    whole: Callable[[np.ndarray, int, float, int | None, float], object]


def default_transcribers() -> Transcribers:
    """pYIN pitch tracking and note segmentation (musicstudio.audio.transcribe)."""
    return Transcribers(live=lambda rate, bpm, grid, strength: LiveTranscriber(rate, bpm, grid, strength),
                        whole=lambda samples, rate, bpm, grid, strength: transcribe(samples, rate, bpm, grid, strength))


STRENGTHS = (("&Fully to the snap grid", 1.0), ("&Three quarters of the way", 0.75), ("&Half way", 0.5),
             ("&Not at all (as played)", 0.0))


class QuantizeChoice(QObject):
    """How far sung or imported notes are pulled to the roll's snap grid (a 16th when snap is off): a menu
    of strengths, fully at first."""

    def __init__(self, roll: PianoRoll, parent: QWidget):
        super().__init__(parent)
        self.roll = roll
        self.strength = 1.0
        self.menu = QMenu("&Quantize sung notes", parent)
        self.menu.setToolTipsVisible(True)
        group = QActionGroup(self.menu)
        for text, strength in STRENGTHS:
            action = self.menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(strength == self.strength)
            action.triggered.connect(lambda _=False, s=strength: self.set_strength(s))
            group.addAction(action)

    def set_strength(self, strength: float) -> None:
        self.strength = strength
        for action, (_, value) in zip(self.menu.actions(), STRENGTHS):
            action.setChecked(value == strength)

    def grid(self) -> int | None:
        """The quantize step in ticks, None when notes keep their timing as played."""
        return self.roll.grid_step if self.strength > 0 else None


class AudioImport(QObject):
    """The "Import audio as notes…" action and the import it starts."""

    message = Signal(str)          # for the status bar
    imported = Signal(int)         # notes added

    def __init__(self, document: SongDocument, roll: PianoRoll, window: QWidget, transcribers: Transcribers,
                 quantize: QuantizeChoice | None = None):
        super().__init__(window)
        self.document, self.roll, self.window, self.transcribers = document, roll, window, transcribers
        self.quantize = quantize or QuantizeChoice(roll, window)
        self.action = QAction("Import &audio as notes…", window, shortcut=QKeySequence(IMPORT_SHORTCUT),
                              toolTip="Turn a WAV or FLAC recording of one sung or played line into notes "
                                      "at the playhead")
        self.action.triggered.connect(lambda _=False: self.ask())
        self.job: AudioNotesJob | None = None
        self.dialog: QProgressDialog | None = None
        self.folder = str(Path.home())
        self._target = (0, 0, "")         # the track, the tick and the file name of the import running

    @property
    def busy(self) -> bool:
        return self.job is not None

    def ask(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Import audio as notes", self.folder, FILTER)
        if path:
            self.folder = str(Path(path).parent)
            self.start(path)

    def start(self, path: str | Path) -> bool:
        """Read and transcribe ``path`` in a worker thread; its notes land at the playhead of the current
        track when it is done. False when there is no track or an import is already running."""
        if self.busy:
            self.message.emit("An audio import is already running.")
            return False
        if self.roll.active_track is None:
            self._refuse("Add a track first: the notes from the recording go into the current track.")
            return False
        song, tick, track = self.document.song, self.roll.playhead, self.roll.track_index
        bpm, grid, strength, whole = tempo_at(song, tick), self.quantize.grid(), self.quantize.strength, \
            self.transcribers.whole
        job = self.job = AudioNotesJob(path, lambda samples, rate: whole(samples, rate, bpm, grid, strength))
        dialog = self.dialog = QProgressDialog(f"Reading {Path(path).name}…", "Cancel", 0, 0, self.window)
        dialog.setWindowTitle("Import audio as notes")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(SHOW_AFTER_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self.cancel)         # sets the job's flag from the GUI thread
        self._target = (track, tick, Path(path).name)
        # Bound methods of this object, which lives in the GUI thread: the job's signals arrive queued
        # there (a lambda would run in the worker thread).
        job.progress.connect(self._progress)
        job.finished.connect(self._done)
        job.failed.connect(self._failed)
        job.cancelled.connect(self._ended)
        dialog.setValue(0)
        start_in_thread(job)
        return True

    def cancel(self) -> None:
        """Stop the import; nothing is added."""
        job = self.job
        if job is not None:
            job.cancel()
            self._ended()
            self.message.emit("Audio import cancelled: the song is unchanged.")

    def _ended(self) -> None:
        self.job = None
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.canceled.disconnect(self.cancel)
            dialog.reset()
            dialog.hide()
            dialog.deleteLater()

    def _failed(self, text: str) -> None:
        if self.job is None:
            return
        self._ended()
        self._refuse(f"{text} The song is unchanged.")

    def _progress(self, text: str) -> None:
        if self.dialog is not None:
            self.dialog.setLabelText(text)

    def _done(self, result, seconds: float) -> None:
        if self.job is None:       # cancelled meanwhile
            return
        self._ended()
        track, tick, name = self._target
        notes = tuple(sorted((n.moved_by(ticks=tick) for n in result.notes), key=lambda n: (n.start, n.pitch)))
        warnings = [sentence(w) for w in result.warnings]
        if not notes or track >= len(self.document.song.tracks):
            reason = warnings[0] if warnings else f"No notes were found in {name}: it needs one clearly pitched line."
            self._refuse(f"{reason} The song is unchanged.")
            return
        self.document.edit(NoteChange(track, (), notes), f"Import {name} as notes")
        if self.roll.track_index == track:
            self.roll.set_selection(list(notes))
        self.message.emit(" ".join([f"{notes_text(len(notes))} from {name} ({seconds:.1f} s).", *warnings]))
        self.imported.emit(len(notes))

    def _refuse(self, text: str) -> None:
        self.message.emit(text)
        QMessageBox.warning(self.window, "Import audio as notes", text)
