"""What a fine-tune is asked to do: a plain, picklable value with no torch behind it, so the app's UI can
build one and its worker process can run it (:func:`musicstudio.generators.fine_tune.job.fine_tune`)."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_EPOCHS = 8


def fine_tunable() -> tuple[str, ...]:
    """The backends that declare a fine-tuner."""
    from musicstudio.generators.backends import backends
    return tuple(name for name, backend in backends().items() if backend.fine_tuner is not None)


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
