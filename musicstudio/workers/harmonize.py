"""Harmonize and Add a part off the GUI thread: a :class:`~.background_job.BackgroundJob` that loads a
harmonizer model (through the registry) and writes the new tracks
(:mod:`musicstudio.generators.harmonizer.song_parts`), saying its progress in a sentence.

The registry and the model's module are imported by name when the job runs, in its thread (as the registry
imports a backend's module on first use), so that importing this module, as the UI does, imports no torch.
A span or song it cannot write beside, or a damaged model folder, ends the job with ``failed(message)`` in
the user's words."""

from __future__ import annotations

import importlib
from pathlib import Path

from musicstudio.core.song import Song
from musicstudio.workers.background_job import BackgroundJob

REGISTRY = "musicstudio.generators.registry"
SONG_PARTS = "musicstudio.generators.harmonizer.song_parts"
USERS_ERRORS = ("CheckpointError", "GenerationError", "SpanError")   # what the user is told as it is


class PartsError(ValueError):
    """The job could not write the parts; ``str(error)`` says why, for the user."""


def write_parts(say, folders: list[Path] | None, model: str, kind: str, song: Song, args: dict):
    """(span, new tracks of one take): ``kind`` "harmonize" (``args``: index, bars, random_seed) or
    "add_part" (role, register, bars, random_seed). Runs the model: call it off the GUI thread."""
    say(f"Loading {model}…")
    try:
        harmonizer = importlib.import_module(REGISTRY).ModelRegistry(folders).load(model, "cpu")
        song_parts = importlib.import_module(SONG_PARTS)
        doing = "Harmonizing" if kind == "harmonize" else "Writing the part"
        write = song_parts.harmonize if kind == "harmonize" else song_parts.add_part
        span, takes = write(harmonizer, song, progress=lambda done: say(f"{doing}… {done:.0%}"), **args)
    except Exception as e:
        if type(e).__name__ in USERS_ERRORS or isinstance(e, ValueError):
            raise PartsError(str(e)) from None
        raise
    return span, (takes[0] if kind == "harmonize" else takes[:1])


def parts_job(folders: list[Path] | None, model: str, kind: str, song: Song, args: dict) -> BackgroundJob:
    """A job (not started) that answers :func:`write_parts`."""
    return BackgroundJob(lambda say: write_parts(say, folders, model, kind, song, args), (PartsError,),
                         name="harmonize")
