"""Fine-tuning off the GUI thread: a spawned process runs the fine-tune; its progress comes back as signals.

:class:`FineTuneService` lives in the GUI thread. :meth:`~FineTuneService.start` spawns
:func:`musicstudio.workers.fine_tune_child.run` with a :class:`~musicstudio.generators.fine_tune.job.FineTuneJob`
(through a :class:`~musicstudio.workers.child_process.ChildProcess`, as generation does); each message the
process sends (:mod:`~musicstudio.workers.messages`) becomes a signal. :meth:`~FineTuneService.cancel`
raises the shared counter of its :class:`~musicstudio.workers.job_lane.JobLane`, which the process checks at
every training batch; ``cancelled`` comes when it has stopped, with the folder a resume goes on in. A
process, not a thread, for the reasons in :mod:`.generation` (importing torch and training would hold the
interpreter lock the GUI needs).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from musicstudio.workers import messages
from musicstudio.workers.child_process import ChildProcess
from musicstudio.workers.fine_tune_child import run
from musicstudio.workers.job_lane import JobLane


class FineTuneService(QObject):
    folder = Signal(str, str)             # where the model goes, its name
    stage = Signal(str)                   # what it is doing, in words
    reading = Signal(int, int)            # files read, files
    progress = Signal(int, int, float)    # epoch, epochs, share of the epoch done
    epoch = Signal(dict)                  # epoch, epochs, train_loss, valid_loss, before (the base model's)
    finished = Signal(dict)               # folder, name, backend, valid_before, valid_after, measure, epochs, seconds
    failed = Signal(str)
    cancelled = Signal(str)               # the folder to resume ("" when nothing was kept)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._lane = JobLane()
        self._jobs = 0
        self._child = ChildProcess("fine-tune", listens=False, parent=self)
        self._child.event.connect(self._on_event)
        self._child.lost.connect(self._on_lost)

    @property
    def running(self) -> bool:
        return self._lane.current is not None

    def start(self, job) -> None:
        """Start ``job`` (a FineTuneJob); one at a time."""
        if self.running:
            raise RuntimeError("a fine-tune is running")
        self._jobs += 1
        self._lane.begin(self._jobs)
        self._child.start(run, (job, self._jobs, self._lane.share(self._child.context, self._jobs - 1)))

    def cancel(self) -> None:
        """Ask the process to stop; ``cancelled`` follows when it has (within a training batch)."""
        self._lane.ask_to_stop()

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel and wait for the process (the dialog is closing). True if it stopped in time."""
        self.cancel()
        stopped = self._child.shutdown(timeout_ms)
        self._lane.forget()
        return stopped

    def _on_event(self, message) -> None:
        match message:
            case messages.ModelFolder(out, name):
                self.folder.emit(out, name)
            case messages.Stage(text):
                self.stage.emit(text)
            case messages.Reading(done, total):
                self.reading.emit(done, total)
            case messages.EpochProgress(epoch, epochs, done):
                self.progress.emit(epoch, epochs, done)
            case messages.EpochEnded(report):
                self.epoch.emit(report)
            case messages.Finished(job_id, summary) if self._lane.ends(job_id):
                self.finished.emit(summary)
            case messages.Cancelled(job_id, resume) if self._lane.ends(job_id):
                self.cancelled.emit(resume)
            case messages.Failed(job_id, text) if self._lane.ends(job_id):
                self.failed.emit(text)

    def _on_lost(self, why: str) -> None:
        if self._lane.forget() is not None:   # it ended without a word about its job
            self.failed.emit(f"{why}; start it again with Resume")
