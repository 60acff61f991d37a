"""Generation off the GUI thread: a worker process runs one request at a time; results come back as signals.

A :class:`GenerationService` lives in the GUI thread. It starts the generation process
(:func:`musicstudio.workers.generation_child.serve`, spawned by a
:class:`~musicstudio.workers.child_process.ChildProcess`) on first use and sends it jobs through a pipe; what
the process answers (:mod:`~musicstudio.workers.messages`) comes back as signals.
:meth:`~GenerationService.submit` returns a job id and supersedes the job before it; only the current job's
signals are passed on. :meth:`~GenerationService.cancel` answers at once (``cancelled``); the process stops at
its next sampling step. Errors never escape: a damaged checkpoint or a missing device becomes ``failed`` with
a message, a GPU out of memory is retried on the CPU (with a note in the result), and a process that dies is
reported and started afresh for the next request. Models load lazily in the process and stay cached there. A
watchdog ends a process that has said nothing for :data:`STALL_SECONDS` while a job is running (a model stuck
inside one step, where the process's own guards cannot see it), with a message.

Why a process and not a thread: in a thread, importing torch froze the GUI for 0.7 s, and while a
numpy sampling loop ran every Qt call of the GUI thread that released the interpreter lock had to wait
up to 5 ms to get it back, so a progress update took 3-30 ms (see benchmarks/bench_generate_ui.py).

The VAE studio's operations (:meth:`~GenerationService.submit_vae`: encode a clip, move its sliders,
interpolate) go to the same process in a :class:`~musicstudio.workers.job_lane.JobLane` of their own: a VAE
job supersedes the VAE job before it (a slider dragged on), never a generation, and answers through the
``vae_*`` signals.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from musicstudio.generators.registry import ModelInfo, ModelRegistry, default_folders, find_models
from musicstudio.workers import messages
from musicstudio.workers.child_process import ChildProcess
from musicstudio.workers.generation_child import serve
from musicstudio.workers.generation_job import GenerationJob, VAEJob
from musicstudio.workers.job_lane import JobLane

log = logging.getLogger(__name__)

STALL_SECONDS = 120.0    # a job's process silent this long (no progress, no answer) is stuck


class GenerationService(QObject):
    """The GUI thread's handle on generation. Signals carry the job id of :meth:`submit`."""

    started = Signal(int)
    progress = Signal(int, float)
    finished = Signal(int, object)      # job id, GenerationResult
    failed = Signal(int, str)           # job id, a message for the user
    cancelled = Signal(int)
    device_found = Signal(str, str)     # "cuda" / "cpu" ..., "NVIDIA H100 80GB HBM3" / "CPU"
    idle = Signal()                     # the process has no job left, current or superseded
    vae_finished = Signal(int, object)  # job id, VAEResult
    vae_failed = Signal(int, str)
    vae_cancelled = Signal(int)
    models_checked = Signal(list)       # why each model folder cannot be used (check_models)

    def __init__(self, folders: list[str | Path] | None = None, factory: tuple[str, dict] | None = None,
                 parent: QObject | None = None):
        """``folders``: where models are (default: the shipped ``models/``); ``factory``: a registry
        maker for the process (tests), see :func:`~musicstudio.workers.generation_child.make_registry`."""
        super().__init__(parent)
        self.folders = [Path(f) for f in (folders if folders is not None else default_folders())]
        self.factory = factory
        self.generation, self.vae = JobLane(), JobLane()
        self._next_id = 0
        self._pending = 0
        self._checking = False   # a CheckModels sent and not yet answered
        self._child = ChildProcess("generation", parent=self)
        self._child.event.connect(self._on_event)
        self._child.lost.connect(self._on_lost)
        self.stall_seconds = STALL_SECONDS
        self._heard = time.monotonic()
        self._watchdog = QTimer(self)
        self._watchdog.setInterval(1000)
        self._watchdog.timeout.connect(self._check_stalled)

    @property
    def current(self) -> int | None:
        """The current generation's id, or None."""
        return self.generation.current

    @property
    def current_vae(self) -> int | None:
        """The current VAE studio job's id, or None."""
        return self.vae.current

    # -- models -----------------------------------------------------------------------------------
    def models(self) -> list[ModelInfo]:
        return ModelRegistry(self.folders).models()

    def problems(self) -> list[str]:
        """Why folders that look like models cannot be used."""
        return find_models(self.folders)[1]

    def add_folder(self, folder) -> None:
        self.folders.append(Path(folder))
        if self.running:
            self._send(messages.AddFolder(str(folder)))

    def check_models(self) -> None:
        """Ask the process to rehearse loading every model (a config whose network does not fit its
        weights shows only then); ``models_checked`` answers with a line for each folder that cannot be used."""
        self._checking = True
        self._send(messages.CheckModels())

    def find_device(self, wanted: str = "auto") -> None:
        """Ask the process which device ``wanted`` means here; ``device_found`` answers."""
        self._send(messages.Device(wanted))

    # -- the process ------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._child.running

    def _send(self, message) -> None:
        if not self._child.running:
            context = self._child.context
            # every job so far is over, except the one being submitted now
            self._child.start(serve, ([str(f) for f in self.folders], self.factory,
                                      self.generation.share(context, self._next_id),
                                      self.vae.share(context, self._next_id)))
        self._child.send(message)

    # -- jobs -------------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """Whether a job is current (the GUI waits for its takes)."""
        return self.current is not None

    @property
    def working(self) -> bool:
        """Whether the process still has a job, current or superseded."""
        return self._pending > 0

    def submit(self, job: GenerationJob) -> int:
        """Start ``job``, cancelling the one before; returns its id."""
        return self._submit(self.generation, lambda job_id: messages.Generate(job_id, job))

    def submit_vae(self, job: VAEJob) -> int:
        """Start a VAE studio operation, superseding the VAE job before it (not a generation); returns its
        id. ``vae_finished`` / ``vae_failed`` / ``vae_cancelled`` answer."""
        return self._submit(self.vae, lambda job_id: messages.VAE(job_id, job))

    def _submit(self, lane: JobLane, command) -> int:
        self._next_id += 1
        lane.begin(self._next_id)
        self._pending += 1
        self._send(command(self._next_id))
        self._watch()
        return self._next_id

    def cancel_vae(self) -> None:
        """Forget the current VAE job (``vae_cancelled`` at once); the process skips it if it has not begun."""
        job_id = self.vae.cancel()
        if job_id is not None:
            self.vae_cancelled.emit(job_id)

    def cancel(self) -> None:
        """Stop the current job. ``cancelled`` comes at once; the process stops at its next step."""
        job_id = self.generation.cancel()
        if job_id is not None:
            self.cancelled.emit(job_id)

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel, stop the process and the reader (the app is closing). True if they stopped in time.

        An idle process is asked to quit and given ``timeout_ms`` to end. A busy one (a job or the models'
        check still running) would read that request only when its work is done, seconds later (the start-up
        check rehearses loading every model), so it is stopped at once: it holds nothing of the user's."""
        for lane in (self.generation, self.vae):
            lane.cancel_all(self._next_id)
        self._watchdog.stop()
        if self._pending or self._checking:
            stopped = self._child.stop_now()
        else:
            stopped = self._child.shutdown(timeout_ms, messages.Quit())
        self._pending = 0
        self._checking = False
        return stopped

    # -- from the process (queued into the GUI thread) --------------------------------------------
    def _on_event(self, message) -> None:
        self._heard = time.monotonic()
        match message:
            case messages.DeviceFound(device, name):
                self.device_found.emit(device, name)
            case messages.ModelsChecked(problems):
                self._checking = False
                self.models_checked.emit(list(problems))
            case messages.Started(job_id) if job_id == self.current:
                self.started.emit(job_id)
            case messages.Progress(job_id, done) if job_id == self.current:
                self.progress.emit(job_id, done)
            case messages.Finished() | messages.Failed() | messages.Cancelled():   # the job is over
                self._ended(message)

    def _ended(self, message) -> None:
        job_id = message.job_id
        if self.vae.ends(job_id):
            signals = (self.vae_finished, self.vae_failed, self.vae_cancelled)
        elif self.generation.ends(job_id):
            signals = (self.finished, self.failed, self.cancelled)
        else:
            signals = None   # superseded or cancelled: never heard from again
        match message, signals:
            case messages.Finished(_, result), (finished, _, _):
                finished.emit(job_id, result)
            case messages.Failed(_, text), (_, failed, _):
                failed.emit(job_id, text)
            case messages.Cancelled(), (_, _, cancelled):
                cancelled.emit(job_id)
        self._pending = max(0, self._pending - 1)
        if self._pending == 0:
            self.idle.emit()

    def _on_lost(self, why: str) -> None:
        """The process ended without being asked (crashed, or killed for memory)."""
        self._checking = False
        self._abandon(f"{why}; it starts again with the next request")

    # -- the watchdog -----------------------------------------------------------------------------
    def _watch(self) -> None:
        self._heard = time.monotonic()
        if not self._watchdog.isActive():
            self._watchdog.start()

    def _check_stalled(self) -> None:
        if self._pending == 0 or not self._child.running:
            self._watchdog.stop()
            return
        silent = time.monotonic() - self._heard
        if silent < self.stall_seconds:
            return
        log.warning("the generation process said nothing for %.0f s; stopping it", silent)
        self._child.kill()
        self._abandon(f"the model made no progress for {silent:.0f} s, so it was stopped (it may be damaged, or "
                      "too large for this computer); generation starts afresh with the next request")

    def _abandon(self, message: str) -> None:
        """The process is gone (lost or killed): fail the jobs it had with ``message``."""
        self._watchdog.stop()
        if self._pending:
            self._pending = 0
            for lane, failed in ((self.generation, self.failed), (self.vae, self.vae_failed)):
                job_id = lane.forget()
                if job_id is not None:
                    failed.emit(job_id, message)
            self.idle.emit()
