"""What a fine-tune is asked to do: a plain, picklable value with no torch behind it, so the app's UI can
build one and its worker process can run it (:func:`musicstudio.generators.fine_tune.job.fine_tune`)."""

from __future__ import annotations

from dataclasses import dataclass

SUPPORTED = ("markov", "lstm", "vae", "gan")     # the backends that can be fine-tuned
DEFAULT_EPOCHS = 8


@dataclass(frozen=True)
class FineTuneJob:
    """What to fine-tune (plain values: the app sends it to the worker process)."""

    base: str                    # the base model's folder
    folder: str                  # the MIDI folder
    out: str | None = None       # the new model's folder (default: a new folder in the user's models folder)
    epochs: int = DEFAULT_EPOCHS
    resume: bool = False
    device: str = "cpu"
    name: str | None = None      # the new model's name (default: the out folder's name)
