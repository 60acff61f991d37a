"""Add drums off the GUI thread: a :class:`~.background_job.BackgroundJob` that loads a drum model (through
the registry) and writes a drum part for the song's bars (:mod:`musicstudio.generators.drums.add`), saying
its progress in a sentence.

The registry and the drum package are imported by name when the job runs, in its thread, so that importing
this module, as the UI does, imports no torch. A song it cannot add drums to (no notes in the bars, an
unknown style) or a damaged model folder ends the job with ``failed(message)`` in the user's words."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.workers.background_job import BackgroundJob

REGISTRY = "musicstudio.generators.registry"
ADD = "musicstudio.generators.drums.add"
LIBRARY_FILE = "library.json"     # musicstudio.generators.drums.library.FILE, read here without numpy


class AddDrumsFailed(ValueError):
    """The job could not write the part; ``str(error)`` says why, for the user."""


def library_styles(folder: Path) -> list[str]:
    """The styles of a drum model's groove library (none when it has no library)."""
    path = Path(folder) / LIBRARY_FILE
    if not path.exists():
        return []
    return sorted({g["style"] for g in json.loads(path.read_text())["grooves"]})


def write_drums(say, folders: list[Path] | None, model: str, song: Song, options: dict) -> Track:
    """One drum part (``options``: :class:`~musicstudio.generators.drums.add.AddRequest`'s fields). Runs
    the model: call it off the GUI thread."""
    say(f"Loading {model}…")
    try:
        generator = importlib.import_module(REGISTRY).ModelRegistry(folders).load(model, "cpu")
        add = importlib.import_module(ADD)
        tracks = add.add_drums(generator, song, add.AddRequest(**options),
                               progress=lambda done: say(f"Adding drums… {done:.0%}"))
    except Exception as e:
        if type(e).__name__ in ("CheckpointError", "GenerationError") or isinstance(e, ValueError):
            raise AddDrumsFailed(str(e)) from None
        raise
    return tracks[0]


def add_drums_job(folders: list[Path] | None, model: str, song: Song, options: dict) -> BackgroundJob:
    """A job (not started) that answers :func:`write_drums`."""
    return BackgroundJob(lambda say: write_drums(say, folders, model, song, options), (AddDrumsFailed,),
                         name="add drums")
