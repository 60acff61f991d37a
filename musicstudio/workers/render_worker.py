"""A WAV export that runs off the GUI thread, reporting progress and finishing through signals only.

The job is a thin Qt shell over :func:`musicstudio.audio.render.export_wav`: it turns the render's
callbacks into signals, its cancel flag into a thread-safe event, and every error into ``failed``.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from musicstudio.audio.errors import AudioError, RenderCancelled
from musicstudio.audio.render import export_wav
from musicstudio.core.song import Song
from musicstudio.io.errors import MusicFileError

log = logging.getLogger(__name__)
PROGRESS_STEP = 0.01  # emit at most about 100 progress signals per render


class WavExportJob(QObject):
    """Render ``song`` into the WAV file ``path``. Call :meth:`run` in a worker thread (see
    :func:`start_in_thread`); exactly one of ``finished``, ``failed`` or ``cancelled`` ends it."""

    progress = Signal(float)          # 0..1, increasing, 1.0 last before ``finished``
    finished = Signal(str, float)     # path, length of the WAV in seconds
    failed = Signal(str)              # a one-line reason for the user
    cancelled = Signal()

    def __init__(self, song: Song, path: str | Path, bits: int = 16, soundfont: str | Path | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        if bits not in (16, 24):
            raise ValueError(f"WAV files are written with 16 or 24 bits, not {bits}")
        self.song = song
        self.path = Path(path)
        self.bits = bits
        self.soundfont = soundfont
        self._cancel = threading.Event()
        self._reported = 0.0

    def cancel(self) -> None:
        """Ask the render to stop; safe from any thread, also before or after it runs."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    @Slot()
    def run(self) -> None:
        try:
            if self._cancel.is_set():
                raise RenderCancelled()
            seconds = export_wav(self.song, self.path, self.bits, self.soundfont,
                                 progress=self._on_progress, cancelled=self._cancel.is_set)
        except RenderCancelled:
            self.cancelled.emit()
        except (MusicFileError, AudioError) as e:
            self.failed.emit(str(e))
        except Exception as e:  # a bug: shown to the user and logged, never swallowed
            log.exception("WAV export of %s failed", self.path)
            self.failed.emit(f"internal error: {type(e).__name__}: {e}")
        else:
            if self._reported < 1.0:
                self.progress.emit(1.0)
            self.finished.emit(str(self.path), seconds)

    def _on_progress(self, fraction: float) -> None:
        fraction = min(fraction, 1.0)
        if fraction - self._reported >= PROGRESS_STEP or (fraction == 1.0 and self._reported < 1.0):
            self._reported = fraction
            self.progress.emit(fraction)


class _ThreadKeeper(QObject):
    """Holds a running thread and its job until the thread has stopped, then lets both go.

    Lives in the thread that started the job (the GUI thread), so that the last reference to the
    QThread is never dropped from inside the thread itself.
    """

    running: set[_ThreadKeeper] = set()

    def __init__(self, thread: QThread, job: QObject):
        super().__init__()
        self.worker_thread, self.job = thread, job
        _ThreadKeeper.running.add(self)

    @Slot()
    def release(self) -> None:
        self.worker_thread.wait()  # ``finished`` comes just before the thread's last instructions
        _ThreadKeeper.running.discard(self)


def start_in_thread(job: WavExportJob) -> QThread:
    """Move ``job`` (which must have no parent) to a new thread and run it there.

    The thread quits when the job ends, whichever way; the job is then deleted in its thread, and
    the thread is kept alive until it has stopped even if the caller drops it.
    """
    if job.parent() is not None:
        raise ValueError("a job with a parent cannot move to another thread")
    thread = QThread()
    thread.setObjectName(f"{type(job).__name__} {getattr(job, 'path', '')}")
    job.moveToThread(thread)
    thread.started.connect(job.run)
    for ended in (job.finished, job.failed, job.cancelled):
        # Direct: quit from the worker thread itself, even while the GUI thread is busy.
        ended.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    thread.finished.connect(job.deleteLater)
    keeper = _ThreadKeeper(thread, job)
    thread.finished.connect(keeper.release)  # queued: runs in the GUI thread once the thread is done
    thread.start()
    return thread


def running_threads() -> list[QThread]:
    """Threads started by :func:`start_in_thread` that have not been released yet."""
    return [k.worker_thread for k in _ThreadKeeper.running]


def wait_for_threads(timeout_ms: int = 10_000) -> bool:
    """Cancel every running job and wait for its thread (for a clean app exit). True if all stopped."""
    keepers = list(_ThreadKeeper.running)
    for keeper in keepers:
        cancel = getattr(keeper.job, "cancel", None)
        if cancel is not None:
            cancel()
    stopped = True
    for keeper in keepers:
        stopped = keeper.worker_thread.wait(timeout_ms) and stopped
        if not keeper.worker_thread.isRunning():
            _ThreadKeeper.running.discard(keeper)
    return stopped
