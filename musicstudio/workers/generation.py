"""Generation off the GUI thread: one worker thread runs one request at a time and answers through signals.

A :class:`GenerationService` lives in the GUI thread. :meth:`~GenerationService.submit` hands a
:class:`GenerationJob` to its worker thread and returns a job id; a second submit cancels the first
(through its :class:`~musicstudio.generators.interface.CancelToken`) and only the newest job's signals
reach the GUI. :meth:`~GenerationService.cancel` answers at once (``cancelled``), the worker stops at its
next sampling step. Errors never escape: a damaged checkpoint or a missing device becomes ``failed``
with a message; a GPU that runs out of memory is retried on the CPU, with a note in the result.

Models load lazily in the worker thread, through a :class:`~musicstudio.generators.registry.ModelRegistry`
that keeps them cached. The worker touches no widget.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject, QThread, Signal, Slot

from musicstudio.generators.checkpoint import CheckpointError
from musicstudio.generators.devices import DeviceError, describe_device, pick_device
from musicstudio.generators.interface import CancelToken, GenerationCancelled, GenerationError
from musicstudio.generators.registry import ModelInfo, ModelRegistry, find_models
from musicstudio.workers.generation_job import GenerationJob, GenerationResult

log = logging.getLogger(__name__)
PROGRESS_STEP = 0.02          # at most about 50 progress signals a job
OOM_NOTE = "The GPU ran out of memory, so these takes were made on the CPU."


def is_out_of_memory(error: BaseException) -> bool:
    """torch.cuda.OutOfMemoryError, or the RuntimeError older torch raised, without importing torch."""
    return type(error).__name__ == "OutOfMemoryError" or (
        isinstance(error, RuntimeError) and "out of memory" in str(error).lower())


def run_job(registry, job: GenerationJob, token: CancelToken, progress=None) -> GenerationResult:
    """Load the model (cached) and generate; a GPU out of memory is retried once on the CPU.
    Raises GenerationCancelled, CheckpointError, DeviceError, GenerationError or a bug."""
    started = time.perf_counter()
    token.check()
    generator = registry.load(job.model, job.device)
    token.check()
    notes = []
    try:
        takes = generator.generate(job.request, progress, token)
    except Exception as e:
        if not is_out_of_memory(e) or generator.device == "cpu":
            raise
        log.warning("%s ran out of memory on %s; retrying on the CPU", job.model, generator.device)
        notes.append(OOM_NOTE)
        generator = registry.load(job.model, "cpu")
        takes = generator.generate(job.request, progress, token)
    return GenerationResult(takes, generator.device, time.perf_counter() - started, notes)


class _Runner(QObject):
    """Lives in the worker thread; every slot runs there."""

    started = Signal(int)
    progress = Signal(int, float)
    finished = Signal(int, object)      # job id, GenerationResult
    failed = Signal(int, str)
    cancelled = Signal(int)
    device_found = Signal(str, str)     # device, its name for people

    def __init__(self, registry):
        super().__init__()
        self.registry = registry

    @Slot(int, object, object)
    def run(self, job_id: int, job: GenerationJob, token: CancelToken) -> None:
        if token.cancelled:  # superseded while it waited
            self.cancelled.emit(job_id)
            return
        self.started.emit(job_id)
        reported = [-1.0]

        def progress(done: float) -> None:
            if done - reported[0] >= PROGRESS_STEP or (done >= 1.0 > reported[0]):
                reported[0] = done
                self.progress.emit(job_id, done)

        try:
            result = run_job(self.registry, job, token, progress)
        except GenerationCancelled:
            self.cancelled.emit(job_id)
        except (CheckpointError, DeviceError, GenerationError) as e:
            self.failed.emit(job_id, str(e))
        except MemoryError as e:
            self.failed.emit(job_id, f"there is not enough memory for this request ({e or 'MemoryError'}): "
                                     "ask for fewer bars or variations")
        except Exception as e:  # a bug: shown to the user and logged, never swallowed
            log.exception("generation with %s failed", job.model)
            if is_out_of_memory(e):
                self.failed.emit(job_id, f"out of memory: {e}")
            else:
                self.failed.emit(job_id, f"internal error: {type(e).__name__}: {e}")
        else:
            self.finished.emit(job_id, result)

    @Slot(str)
    def find_device(self, wanted: str) -> None:
        try:
            device = pick_device(wanted)
            self.device_found.emit(device, describe_device(device))
        except (DeviceError, ImportError, RuntimeError) as e:
            self.device_found.emit("cpu", f"CPU ({e})")


class GenerationService(QObject):
    """The GUI thread's handle on generation. Signals carry the job id of :meth:`submit`; only the
    current job's signals are passed on, so a superseded job is never heard from."""

    started = Signal(int)
    progress = Signal(int, float)
    finished = Signal(int, object)      # job id, GenerationResult
    failed = Signal(int, str)           # job id, a message for the user
    cancelled = Signal(int)
    device_found = Signal(str, str)     # "cuda" / "cpu" ..., "NVIDIA H100" / "CPU"
    idle = Signal()                     # the worker has nothing left to do (tests and benchmarks wait on it)

    _run = Signal(int, object, object)
    _find_device = Signal(str)

    def __init__(self, registry=None, parent: QObject | None = None):
        super().__init__(parent)
        self.registry = registry if registry is not None else ModelRegistry()
        self.current: int | None = None
        self._next_id = 0
        self._token: CancelToken | None = None
        self._pending = 0                 # jobs handed to the worker and not yet ended
        self._thread = QThread()
        self._thread.setObjectName("generation")
        self._runner = _Runner(self.registry)
        self._runner.moveToThread(self._thread)
        self._run.connect(self._runner.run)
        self._find_device.connect(self._runner.find_device)
        self._runner.started.connect(self._on_started)
        self._runner.progress.connect(self._on_progress)
        self._runner.finished.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)
        self._runner.cancelled.connect(self._on_cancelled)
        self._runner.device_found.connect(self.device_found)
        self._thread.finished.connect(self._runner.deleteLater)
        self._thread.start()

    # -- models -----------------------------------------------------------------------------------
    def models(self) -> list[ModelInfo]:
        return self.registry.models()

    def problems(self) -> list[str]:
        """Why folders that look like models cannot be used."""
        return find_models(self.registry.folders)[1]

    def add_folder(self, folder) -> None:
        self.registry.add_folder(folder)

    def find_device(self, wanted: str = "auto") -> None:
        """Ask the worker which device ``wanted`` means here; ``device_found`` answers (torch loads there,
        not in the GUI thread)."""
        self._find_device.emit(wanted)

    # -- jobs -------------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.current is not None

    @property
    def working(self) -> bool:
        """Whether the worker thread still has a job, current or superseded."""
        return self._pending > 0

    def submit(self, job: GenerationJob) -> int:
        """Start ``job``, cancelling the one before; returns its id."""
        if self._token is not None:
            self._token.cancel()
        self._next_id += 1
        self.current = self._next_id
        self._token = CancelToken()
        self._pending += 1
        self._run.emit(self.current, job, self._token)
        return self.current

    def cancel(self) -> None:
        """Stop the current job. ``cancelled`` comes at once; the worker stops at its next step."""
        if self.current is None:
            return
        job_id, self.current = self.current, None
        self._token.cancel()
        self.cancelled.emit(job_id)

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel and stop the worker thread (the app is closing). True if it stopped."""
        if self._token is not None:
            self._token.cancel()
        self.current = None
        self._thread.quit()
        return self._thread.wait(timeout_ms)

    # -- from the worker (queued into the GUI thread) ---------------------------------------------
    def _ended(self) -> None:
        self._pending -= 1
        if self._pending == 0:
            self.idle.emit()

    def _on_started(self, job_id: int) -> None:
        if job_id == self.current:
            self.started.emit(job_id)

    def _on_progress(self, job_id: int, done: float) -> None:
        if job_id == self.current:
            self.progress.emit(job_id, done)

    def _on_finished(self, job_id: int, result: GenerationResult) -> None:
        if job_id == self.current:
            self.current = None
            self.finished.emit(job_id, result)
        self._ended()

    def _on_failed(self, job_id: int, message: str) -> None:
        if job_id == self.current:
            self.current = None
            self.failed.emit(job_id, message)
        self._ended()

    def _on_cancelled(self, job_id: int) -> None:
        if job_id == self.current:  # cancelled by the token without cancel() (shutdown)
            self.current = None
            self.cancelled.emit(job_id)
        self._ended()
