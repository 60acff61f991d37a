"""Vary a drum groove off the GUI thread: a :class:`~.background_job.BackgroundJob` that loads a drum model
(through the registry) and plays variations of a groove
(:meth:`~musicstudio.generators.drums.generator.DrumGenerator.vary`), saying its progress in a sentence.

As for Add drums (:mod:`.add_drums`), the registry is imported by name when the job first runs, in its thread,
so that importing this module, as the UI does, imports no torch; the registry is the one the saliency jobs keep
for the same model folders (:mod:`.saliency`), so the model loads once in the app's process. Cancel stops the
job at once (the job's own stop); a request the model refuses (an amount outside 0-1) or a damaged model folder
ends it with ``failed(message)`` in the user's words. The takes come back as a
:class:`~.generation_job.GenerationResult`, as the Generate panel's own generations do, for its Takes box."""

from __future__ import annotations

import time
from pathlib import Path

from musicstudio.generators.interface import GenerationRequest
from musicstudio.workers.background_job import BackgroundJob
from musicstudio.workers.generation_job import GenerationResult
from musicstudio.workers.saliency import app_registry  # the app process's registries, shared with the saliency jobs

DEVICE = "cpu"      # a groove's variations take tens of milliseconds on the CPU (docs/drums.md: Speed)


class DrumVaryFailed(ValueError):
    """The job could not vary the groove; ``str(error)`` says why, for the user."""


def vary_groove(say, folders: list[Path] | None, model: str, request: GenerationRequest) -> GenerationResult:
    """``request.variations`` variations of the groove ``request.seed`` (whole bars of ``request.meter``; the
    amount in ``request.options["amount"]``). Runs the model: call it off the GUI thread."""
    say(f"Loading {model}…")
    began = time.perf_counter()
    try:
        generator = app_registry(folders).load(model, DEVICE)     # loaded once, then kept: the next run is quick
        takes = generator.vary(request, progress=lambda done: say(f"Varying the groove… {done:.0%}"))
    except Exception as e:
        if type(e).__name__ in ("CheckpointError", "GenerationError") or isinstance(e, ValueError):
            raise DrumVaryFailed(str(e)) from None
        raise
    return GenerationResult(takes, DEVICE, time.perf_counter() - began)


def drum_vary_job(folders: list[Path] | None, model: str, request: GenerationRequest) -> BackgroundJob:
    """A job (not started) that answers :func:`vary_groove`."""
    return BackgroundJob(lambda say: vary_groove(say, folders, model, request), (DrumVaryFailed,),
                         name="vary drums")
