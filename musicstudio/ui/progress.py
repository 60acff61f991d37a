"""Waiting for a background job with a progress dialog, while the window keeps painting and answering.

:func:`wait_for` starts a :class:`~musicstudio.workers.background_job.BackgroundJob` in its own thread
and runs a local event loop until it ends, so that callers read like a plain function call (open a file,
get True or False) while the GUI thread only ever waits in Qt's event loop. The dialog shows after
``show_after_ms`` (a quick file shows nothing), says what the job is doing, and is window-modal, so
nothing else can be started meanwhile; its Cancel button stops the job at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEventLoop, QObject, Qt, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from musicstudio.workers.background_job import BackgroundJob
from musicstudio.workers.render_worker import start_in_thread

SHOW_AFTER_MS = 300


@dataclass(frozen=True)
class Outcome:
    """How a job ended: ``kind`` is "finished" (``value``: the result), "failed" (``value``: the
    reason, a sentence) or "cancelled"."""

    kind: str
    value: object = None


class JobProgress(QObject):
    """The dialog and the local event loop for one job. Lives in the GUI thread, so the job's signals
    arrive here queued, in the GUI thread."""

    def __init__(self, parent: QWidget | None, job: BackgroundJob, title: str, label: str,
                 show_after_ms: int = SHOW_AFTER_MS):
        super().__init__()
        self.job = job
        self.outcome: Outcome | None = None
        self.loop = QEventLoop()
        self.dialog = QProgressDialog(label, "Cancel", 0, 0, parent)   # 0..0: busy, the length is unknown
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(show_after_ms)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        # A lambda, not ``job.cancel``: the job lives in its busy thread, whose event queue is not read.
        self.dialog.canceled.connect(lambda: job.cancel())
        job.progress.connect(self._on_progress)
        job.finished.connect(self._on_finished)
        job.failed.connect(self._on_failed)
        job.cancelled.connect(self._on_cancelled)

    def run(self) -> Outcome:
        self.dialog.setValue(0)
        start_in_thread(self.job)
        if self.outcome is None:
            self.loop.exec()
        self.dialog.reset()
        self.dialog.hide()
        self.dialog.deleteLater()
        return self.outcome

    @Slot(str)
    def _on_progress(self, text: str) -> None:
        if self.outcome is None:
            self.dialog.setLabelText(text)

    @Slot(object)
    def _on_finished(self, result) -> None:
        self._end(Outcome("finished", result))

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._end(Outcome("failed", message))

    @Slot()
    def _on_cancelled(self) -> None:
        self._end(Outcome("cancelled"))

    def _end(self, outcome: Outcome) -> None:
        if self.outcome is None:
            self.outcome = outcome
            self.loop.quit()


def wait_for(parent: QWidget | None, job: BackgroundJob, title: str, label: str,
             show_after_ms: int = SHOW_AFTER_MS) -> Outcome:
    """Run ``job`` off the GUI thread with a cancellable progress dialog over ``parent``; return how it
    ended once it has."""
    return JobProgress(parent, job, title, label, show_after_ms).run()
