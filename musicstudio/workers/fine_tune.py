"""Fine-tuning off the GUI thread: a spawned process runs the fine-tune; its progress comes back as signals.

:class:`FineTuneService` lives in the GUI thread. :meth:`~FineTuneService.start` spawns
:func:`musicstudio.workers.fine_tune_child.run` with a :class:`~musicstudio.generators.fine_tune.job.FineTuneJob`;
a :class:`~musicstudio.workers.pipe_reader.PipeReader` thread turns each event on the pipe into a signal.
:meth:`~FineTuneService.cancel` sets a shared flag that the process checks at every training batch;
``cancelled`` comes when it has stopped, with the folder a resume goes on in. A process, not a thread,
for the reasons in :mod:`.generation` (importing torch and training would hold the interpreter lock the
GUI needs).
"""

from __future__ import annotations

import multiprocessing

from PySide6.QtCore import QObject, Signal

from musicstudio.workers.fine_tune_child import run
from musicstudio.workers.pipe_reader import PipeReader, let_go


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
        self._process = None
        self._reader: PipeReader | None = None
        self._cancel = None
        self._over = True
        self._number = 0

    @property
    def running(self) -> bool:
        return not self._over

    def start(self, job) -> None:
        """Start ``job`` (a FineTuneJob); one at a time."""
        if self.running:
            raise RuntimeError("a fine-tune is running")
        self._cleanup()
        context = multiprocessing.get_context("spawn")
        events_in, events_out = context.Pipe(duplex=False)
        self._cancel = context.RawValue("b", 0)
        self._process = context.Process(target=run, name="musicstudio-fine-tune", daemon=True,
                                        args=(job, events_out, self._cancel))
        self._over = False
        self._number += 1
        self._process.start()
        events_out.close()   # the process holds the other end: when it ends, reading gives EOF
        self._reader = PipeReader(events_in, "fine-tune events", self._number)
        self._reader.event.connect(self._on_event)
        self._reader.lost.connect(self._on_lost)
        self._reader.start()

    def cancel(self) -> None:
        """Ask the process to stop; ``cancelled`` follows when it has (within a training batch)."""
        if self.running and self._cancel is not None:
            self._cancel.value = 1

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel and wait for the process (the dialog is closing). True if it stopped in time."""
        self.cancel()
        stopped = True
        if self._process is not None:
            self._process.join(timeout_ms / 1000)
            stopped = not self._process.is_alive()
            if not stopped:
                self._process.terminate()
                self._process.join(1)
        self._cleanup()
        self._over = True
        return stopped

    def _cleanup(self) -> None:
        let_go(self._reader)
        self._reader = None
        self._process = None

    def _on_event(self, number: int, message: tuple) -> None:
        if number != self._number:
            return
        kind = message[0]
        if kind == "event":
            event = message[1]
            k = event["kind"]
            if k == "folder":
                self.folder.emit(event["out"], event["name"])
            elif k == "stage":
                self.stage.emit(event["text"])
            elif k == "reading":
                self.reading.emit(event["done"], event["total"])
            elif k == "progress":
                self.progress.emit(event["epoch"], event["epochs"], float(event["done"]))
            elif k == "epoch":
                self.epoch.emit(event)
            return
        if self._over:
            return
        self._over = True
        if kind == "finished":
            self.finished.emit(message[1])
        elif kind == "cancelled":
            self.cancelled.emit(message[1])
        else:
            self.failed.emit(message[1])

    def _on_lost(self, number: int) -> None:
        if self._over or number != self._number:
            return
        self._over = True
        code = self._process.exitcode if self._process is not None else None
        why = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        self.failed.emit(f"the fine-tune process stopped unexpectedly ({why}, perhaps out of memory); "
                         "start it again with Resume")
