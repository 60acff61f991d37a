"""Generation off the GUI thread: a worker process runs one request at a time; results come back as signals.

A :class:`GenerationService` lives in the GUI thread. It starts the generation process
(:func:`musicstudio.workers.generation_child.serve`, spawned) on first use, sends it jobs through a pipe,
and a :class:`~musicstudio.workers.pipe_reader.PipeReader` thread turns what the process answers into
signals. :meth:`~GenerationService.submit` returns a job id and supersedes the job before it; only the
current job's signals are passed on.
:meth:`~GenerationService.cancel` answers at once (``cancelled``); the process stops at its next sampling
step. Errors never escape: a damaged checkpoint or a missing device becomes ``failed`` with a message, a
GPU out of memory is retried on the CPU (with a note in the result), and a process that dies is reported
and started afresh for the next request. Models load lazily in the process and stay cached there. A
watchdog ends a process that has said nothing for :data:`STALL_SECONDS` while a job is running (a
model stuck inside one step, where the process's own guards cannot see it), with a message.

Why a process and not a thread: in a thread, importing torch froze the GUI for 0.7 s, and while a
numpy sampling loop ran every Qt call of the GUI thread that released the interpreter lock had to wait
up to 5 ms to get it back, so a progress update took 3-30 ms (see benchmarks/bench_generate_ui.py).

The VAE studio's operations (:meth:`~GenerationService.submit_vae`: encode a clip, move its sliders,
interpolate) go to the same process in a lane of their own: a VAE job supersedes the VAE job before it
(a slider dragged on), never a generation, and answers through the ``vae_*`` signals.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from musicstudio.generators.registry import ModelInfo, ModelRegistry, default_folders, find_models
from musicstudio.workers.generation_child import serve
from musicstudio.workers.generation_job import GenerationJob, VAEJob
from musicstudio.workers.pipe_reader import PipeReader, let_go

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

    def __init__(self, folders: list[str | Path] | None = None, factory: tuple[str, dict] | None = None,
                 parent: QObject | None = None):
        """``folders``: where models are (default: the shipped ``models/``); ``factory``: a registry
        maker for the process (tests), see :func:`~musicstudio.workers.generation_child.make_registry`."""
        super().__init__(parent)
        self.folders = [Path(f) for f in (folders if folders is not None else default_folders())]
        self.factory = factory
        self.current: int | None = None
        self._next_id = 0
        self._pending = 0
        self._process = None
        self._commands = None
        self._reader: PipeReader | None = None
        self._started = 0        # processes started: tags the reader, so a replaced process's end is ignored
        self._cancelled_upto = None
        self.current_vae: int | None = None
        self._vae_cancelled_upto = None
        self.stall_seconds = STALL_SECONDS
        self._heard = time.monotonic()
        self._watchdog = QTimer(self)
        self._watchdog.setInterval(1000)
        self._watchdog.timeout.connect(self._check_stalled)

    # -- models -----------------------------------------------------------------------------------
    def models(self) -> list[ModelInfo]:
        return ModelRegistry(self.folders).models()

    def problems(self) -> list[str]:
        """Why folders that look like models cannot be used."""
        return find_models(self.folders)[1]

    def add_folder(self, folder) -> None:
        self.folders.append(Path(folder))
        if self.running:
            self._send(("add_folder", str(folder)))

    def find_device(self, wanted: str = "auto") -> None:
        """Ask the process which device ``wanted`` means here; ``device_found`` answers."""
        self._send(("device", wanted))

    # -- the process ------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")
        commands_out, self._commands = context.Pipe(duplex=False)
        events_in, events_out = context.Pipe(duplex=False)
        # every job so far is over, except the one being submitted now
        self._cancelled_upto = context.RawValue("q", self._next_id if self.current is None else self.current - 1)
        self._vae_cancelled_upto = context.RawValue(
            "q", self._next_id if self.current_vae is None else self.current_vae - 1)
        self._process = context.Process(
            target=serve, name="musicstudio-generation", daemon=True,
            args=(commands_out, events_out, self._cancelled_upto, [str(f) for f in self.folders], self.factory,
                  self._vae_cancelled_upto))
        self._process.start()
        commands_out.close()   # ours are the other ends: when the process dies, reading gives EOF
        events_out.close()
        self._started += 1
        self._reader = PipeReader(events_in, "generation events", self._started)
        self._reader.event.connect(self._on_event)
        self._reader.lost.connect(self._on_lost)
        self._reader.start()

    def _send(self, message: tuple) -> None:
        if not self.running:
            self._stop_reader()
            self._start()
        try:
            self._commands.send(message)
        except (OSError, ValueError) as e:  # the process died just now; the reader reports it
            log.warning("could not reach the generation process: %s", e)

    def _stop_reader(self) -> None:
        let_go(self._reader)
        self._reader = None

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
        if self._cancelled_upto is not None:
            self._cancelled_upto.value = self._next_id   # supersede whatever came before
        self._next_id += 1
        self.current = self._next_id
        self._pending += 1
        self._send(("generate", self.current, job))
        self._watch()
        return self.current

    def submit_vae(self, job: VAEJob) -> int:
        """Start a VAE studio operation, superseding the VAE job before it (not a generation); returns its
        id. ``vae_finished`` / ``vae_failed`` / ``vae_cancelled`` answer."""
        if self._vae_cancelled_upto is not None:
            self._vae_cancelled_upto.value = self._next_id
        self._next_id += 1
        self.current_vae = self._next_id
        self._pending += 1
        self._send(("vae", self.current_vae, job))
        self._watch()
        return self.current_vae

    def cancel_vae(self) -> None:
        """Forget the current VAE job (``vae_cancelled`` at once); the process skips it if it has not begun."""
        if self.current_vae is None:
            return
        job_id, self.current_vae = self.current_vae, None
        if self._vae_cancelled_upto is not None:
            self._vae_cancelled_upto.value = job_id
        self.vae_cancelled.emit(job_id)

    def cancel(self) -> None:
        """Stop the current job. ``cancelled`` comes at once; the process stops at its next step."""
        if self.current is None:
            return
        job_id, self.current = self.current, None
        if self._cancelled_upto is not None:
            self._cancelled_upto.value = job_id
        self.cancelled.emit(job_id)

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel, stop the process and the reader (the app is closing). True if they stopped in time."""
        self.current = self.current_vae = None
        self._watchdog.stop()
        if self._process is None:
            self._stop_reader()   # the process was lost: its reader may still be on its way out
            return True
        for counter in (self._cancelled_upto, self._vae_cancelled_upto):
            if counter is not None:
                counter.value = self._next_id
        try:
            self._commands.send(("quit",))
        except (OSError, ValueError):
            pass
        self._process.join(timeout_ms / 1000)
        stopped = not self._process.is_alive()
        if not stopped:
            self._process.terminate()
            self._process.join(1)
        self._commands.close()
        self._stop_reader()
        self._process = None
        self._pending = 0
        return stopped

    # -- from the reader thread (queued into the GUI thread) --------------------------------------
    def _on_event(self, _number: int, message: tuple) -> None:
        self._heard = time.monotonic()
        kind = message[0]
        if kind == "device":
            self.device_found.emit(message[1], message[2])
            return
        job_id = message[1]
        if job_id == self.current_vae:
            self._on_vae_event(kind, message)
            return
        current = job_id == self.current
        if kind == "started":
            if current:
                self.started.emit(job_id)
        elif kind == "progress":
            if current:
                self.progress.emit(job_id, message[2])
        else:  # finished, failed, cancelled: the job is over
            if current:
                self.current = None
                if kind == "finished":
                    self.finished.emit(job_id, message[2])
                elif kind == "failed":
                    self.failed.emit(job_id, message[2])
                else:
                    self.cancelled.emit(job_id)
            self._job_ended()

    def _on_vae_event(self, kind: str, message: tuple) -> None:
        if kind not in ("finished", "failed", "cancelled"):
            return
        job_id, self.current_vae = message[1], None
        if kind == "finished":
            self.vae_finished.emit(job_id, message[2])
        elif kind == "failed":
            self.vae_failed.emit(job_id, message[2])
        else:
            self.vae_cancelled.emit(job_id)
        self._job_ended()

    def _job_ended(self) -> None:
        self._pending = max(0, self._pending - 1)
        if self._pending == 0:
            self.idle.emit()

    def _on_lost(self, number: int) -> None:
        """The process ended without being asked (crashed, or killed for memory)."""
        if self._process is None or number != self._started:
            return  # shut down on purpose, or the end of a process already replaced
        self._process.join(1)
        code = self._process.exitcode
        why = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        self._abandon(f"the generation process stopped unexpectedly ({why}, perhaps out of memory); it starts "
                      "again with the next request")

    # -- the watchdog -----------------------------------------------------------------------------
    def _watch(self) -> None:
        self._heard = time.monotonic()
        if not self._watchdog.isActive():
            self._watchdog.start()

    def _check_stalled(self) -> None:
        if self._pending == 0 or self._process is None:
            self._watchdog.stop()
            return
        silent = time.monotonic() - self._heard
        if silent < self.stall_seconds:
            return
        log.warning("the generation process said nothing for %.0f s; stopping it", silent)
        self._process.kill()
        self._process.join(5)
        self._abandon(f"the model made no progress for {silent:.0f} s, so it was stopped (it may be damaged, or "
                      "too large for this computer); generation starts afresh with the next request")

    def _abandon(self, message: str) -> None:
        """Forget the process (it is gone or killed) and fail the jobs it had with ``message``."""
        self._process = None
        self._stop_reader()
        self._watchdog.stop()
        if self._pending:
            self._pending = 0
            if self.current is not None:
                job_id, self.current = self.current, None
                self.failed.emit(job_id, message)
            if self.current_vae is not None:
                job_id, self.current_vae = self.current_vae, None
                self.vae_failed.emit(job_id, message)
            self.idle.emit()
