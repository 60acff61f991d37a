"""One function run off the GUI thread: what it is doing, its result or its error come back by signals,
and Cancel stops it at once, even in the middle of code that has no cancel flag of its own.

Reading a 1,000,000-note MIDI file is one long call into the reader (:func:`musicstudio.io.midi_read.
import_midi`), which knows nothing of threads. To stop it, :meth:`BackgroundJob.cancel` raises
:class:`JobStopped` inside the worker thread (CPython's ``PyThreadState_SetAsyncExc``): the work ends at
its next Python instruction, its ``finally`` blocks and ``with`` exits run as for any exception, and
nothing it was building reaches the GUI. ``JobStopped`` is a :class:`BaseException`, so the reader's own
``except Exception`` (which turns surprises into "the file is damaged") lets it through. The exception is
only ever raised while the work runs, and a stop that arrives as it ends is withdrawn, so nothing stray is
left pending in the thread afterwards.

While the work runs, Python's cycle collector is paused: the work allocates millions of objects and no
cycles, and each full collection would hold the interpreter (and so the GUI thread) for 100 ms and more.
"""

from __future__ import annotations

import ctypes
import logging
import threading
from typing import Callable

from PySide6.QtCore import QObject, Signal, Slot

from musicstudio.io.collector import collector_paused

log = logging.getLogger(__name__)

Say = Callable[[str], None]   # how the work tells the dialog what it is doing ("Reading tune.mid…")


class JobStopped(BaseException):
    """Raised inside a job's thread by :meth:`BackgroundJob.cancel`."""


class BackgroundJob(QObject):
    """Run ``work(say)`` once, in the thread :meth:`run` is called in (see
    :func:`musicstudio.workers.render_worker.start_in_thread`). Exactly one of ``finished(result)``,
    ``failed(message)`` or ``cancelled()`` ends it; an error of a type in ``expected`` is the user's
    message as it is, any other is logged and reported as an internal error."""

    progress = Signal(str)        # what the work is doing now, in a sentence for a progress dialog
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, work: Callable[[Say], object], expected: tuple[type[Exception], ...] = (),
                 name: str = "", parent: QObject | None = None):
        super().__init__(parent)
        self._work = work
        self._expected = expected
        self.name = name              # for the thread's name and the log
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread_id: int | None = None
        self._running = False

    def cancel(self) -> None:
        """Stop the work; safe from any thread, before, while or after it runs."""
        with self._lock:
            if self._stop.is_set():
                return
            self._stop.set()
            if self._running and self._thread_id is not None:
                _raise_in_thread(self._thread_id, JobStopped)

    def is_cancelled(self) -> bool:
        return self._stop.is_set()

    @Slot()
    def run(self) -> None:
        with self._lock:
            if self._stop.is_set():
                self.cancelled.emit()
                return
            self._thread_id, self._running = threading.get_ident(), True
        with collector_paused():   # outside the span a stop can land in, so that it always resumes
            try:
                try:
                    result = self._work(self.progress.emit)
                finally:
                    with self._lock:
                        self._running = False
                        _raise_in_thread(self._thread_id, None)   # a stop that came too late: withdrawn
            except JobStopped:
                self.cancelled.emit()
                return
            except self._expected as e:
                self.failed.emit(str(e))
                return
            except Exception as e:  # a bug: shown to the user and logged, never swallowed
                log.exception("%s failed", self.name or "a background job")
                self.failed.emit(f"internal error: {type(e).__name__}: {e}")
                return
        self.finished.emit(result)


def _raise_in_thread(thread_id: int, exception: type[BaseException] | None) -> None:
    """Make ``exception`` raise in the Python thread ``thread_id`` at its next instruction; None withdraws
    one that has not been raised yet."""
    target = ctypes.py_object(exception) if exception is not None else None   # None: a NULL pointer
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), target)
