"""Which notes shaped a take, computed off the GUI thread: a :class:`~.background_job.BackgroundJob` that
loads the take's model (through the registry, cached for the next question) and attributes the take to the
seed's notes (:func:`musicstudio.generators.saliency.saliency.attribute`), answering with a plain
:class:`SaliencyAnswer` by signal.

The registry and the attribution module are imported by name when the job first runs, in its thread, as the
registry imports a backend's module on first use (:meth:`~musicstudio.generators.family.Backend.module`): the
app pays for torch only when someone asks, and never in the GUI thread. (Generation runs in a process of its
own, :mod:`.generation`; a question about one take is short, so a thread does here, at the price of torch in
the app's process once asked.) A model that gives no gradients, a seed or take it cannot read, or a damaged
model folder ends the job with ``failed(message)`` in the user's words.
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass
from pathlib import Path

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.workers.background_job import BackgroundJob
from musicstudio.workers.render_worker import start_in_thread

ATTRIBUTION = "musicstudio.generators.saliency.saliency"
REGISTRY = "musicstudio.generators.registry"
CHECKPOINT = "musicstudio.generators.checkpoint"
_registries: dict[tuple[str, ...], object] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class SaliencyAnswer:
    """The seed's notes, their scores (nats of the take's log-likelihood) and strengths (0 .. 1 for the
    colour ramp), and how they were found."""

    notes: tuple[Note, ...]
    scores: tuple[float, ...]
    strengths: tuple[float, ...]
    model: str
    method: str
    seconds: float


def app_registry(folders: list[Path] | None):
    """A :class:`~musicstudio.generators.registry.ModelRegistry` per list of folders, kept in the app's process for
    the jobs that run a model in a thread (saliency, Vary drums): a model loads once."""
    key = tuple(str(f) for f in folders) if folders is not None else ()
    with _lock:
        if key not in _registries:
            _registries[key] = importlib.import_module(REGISTRY).ModelRegistry(folders)
        return _registries[key]


def attribute_take(model: str, seed: Clip, take: Clip, meter: tuple[int, int],
                   folders: list[Path] | None = None) -> SaliencyAnswer:
    """The answer for one take (runs the model: call it off the GUI thread)."""
    import time

    began = time.perf_counter()
    attribution = importlib.import_module(ATTRIBUTION)
    checkpoint = importlib.import_module(CHECKPOINT)
    try:
        generator = app_registry(folders).load(model, "cpu")
    except checkpoint.CheckpointError as e:      # a damaged or missing model folder: the user's message
        raise ValueError(str(e)) from None
    found = attribution.attribute(generator, seed, take, tuple(meter))
    return SaliencyAnswer(found.notes, found.scores, tuple(float(s) for s in found.strengths()), model,
                          found.method, time.perf_counter() - began)


def saliency_job(model: str, seed: Clip, take: Clip, meter: tuple[int, int],
                 folders: list[Path] | None = None) -> BackgroundJob:
    """A job (not started) that answers :func:`attribute_take`; errors the user can act on are its
    ``failed`` message as they are."""
    def work(say):
        say(f"Asking {model} which notes shaped the take…")
        return attribute_take(model, seed, take, meter, folders)

    return BackgroundJob(work, (ValueError,), name="saliency")   # SaliencyError is a ValueError


def start_saliency(job: BackgroundJob):
    """Run ``job`` in a thread of its own (the thread is returned)."""
    return start_in_thread(job)
