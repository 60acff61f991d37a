"""Export WAV with a progress dialog: the render runs in a worker thread, Cancel stops it."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from musicstudio.core.song import Song
from musicstudio.workers.render_worker import WavExportJob, start_in_thread

STEPS = 1000


class WavExportDialog(QProgressDialog):
    """Shows a :class:`WavExportJob`'s progress; Cancel (or closing the dialog) cancels it.

    ``exported(path)`` is emitted when the WAV is written; a failure is shown in a message box and
    emits ``failed(message)``.
    close the dialog with ``accept()``, ``reject()`` or ``close()``.
    """

    exported = Signal(str)
    failed = Signal(str)

    def __init__(self, job: WavExportJob, parent: QWidget | None = None):
        super().__init__(f"Rendering {job.path.name}…", "Cancel", 0, STEPS, parent)
        self.setWindowTitle("Export WAV")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(500)   # a render that takes less shows no dialog at all
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.job = job
        self.thread_ = None          # the QThread, once started
        self.result_path: str | None = None
        self.error: str | None = None
        self.ended = False
        # Not ``connect(job.cancel)``: the job lives in the busy worker thread, whose event queue is
        # not read during the render; the cancel flag is set directly from the GUI thread instead.
        self.canceled.connect(self._cancel_job)
        job.progress.connect(self._on_progress)
        job.finished.connect(self._on_finished)
        job.failed.connect(self._on_failed)
        job.cancelled.connect(self._on_cancelled)

    def start(self) -> None:
        self.setValue(0)
        self.thread_ = start_in_thread(self.job)

    def setVisible(self, visible: bool) -> None:  # noqa: N802 - Qt's name
        """Never shown once the export has ended: QProgressDialog's own timer would otherwise show it
        ``minimumDuration`` after the start even when it ended (a quick cancel) before that."""
        if visible and self.ended:
            return
        super().setVisible(visible)

    def _cancel_job(self) -> None:
        if not self.ended:
            self.job.cancel()

    def _on_progress(self, fraction: float) -> None:
        if not self.ended:
            self.setValue(round(fraction * STEPS))

    def _on_finished(self, path: str, seconds: float) -> None:
        self.ended = True
        self.result_path = path
        self.setValue(STEPS)
        self.accept()  # not close(): closing a progress dialog means Cancel
        self.exported.emit(path)

    def _on_failed(self, message: str) -> None:
        self.ended = True
        self.error = message
        self.reject()
        QMessageBox.warning(self.parentWidget(), "Cannot export WAV", message)
        self.failed.emit(message)

    def _on_cancelled(self) -> None:
        self.ended = True
        self.reject()


def export_wav_with_progress(parent: QWidget | None, song: Song, path: str | Path, bits: int = 16,
                             soundfont: str | Path | None = None) -> WavExportDialog:
    """Start rendering ``song`` into ``path`` off the GUI thread, with a progress dialog over ``parent``."""
    dialog = WavExportDialog(WavExportJob(song, path, bits, soundfont), parent)
    dialog.start()
    return dialog


class ExportCloseGuard(QObject):
    """Asks before ``window`` closes while the export of ``dialog()`` runs, since closing cancels it;
    "No" keeps the window open and the export going. Installed as an event filter on ``window``, so
    it is asked before the window's own close handler (which cancels the export and asks about
    unsaved changes)."""

    def __init__(self, window: QWidget, dialog: Callable[[], WavExportDialog | None]):
        super().__init__(window)
        self.window, self.dialog = window, dialog
        window.installEventFilter(self)

    def running(self) -> WavExportDialog | None:
        dialog = self.dialog()
        return dialog if dialog is not None and not dialog.ended else None

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if watched is self.window and event.type() == QEvent.Type.Close:
            dialog = self.running()
            if dialog is not None and not self.close_anyway(dialog):
                event.ignore()
                return True   # the window stays open and the export goes on
        return False

    def close_anyway(self, dialog: WavExportDialog) -> bool:
        done = round(100 * dialog.value() / STEPS) if dialog.value() > 0 else 0
        answer = QMessageBox.question(
            self.window, "WAV export still running",
            f"{dialog.job.path.name} is still being rendered ({done}% done). Closing Music Studio cancels the "
            f"export and the file is not written. Close anyway?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer not in (QMessageBox.StandardButton.No, QMessageBox.StandardButton.Cancel)
