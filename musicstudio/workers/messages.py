"""What the app and its worker processes say to each other over their pipes: frozen, picklable values, no Qt.

Commands go from a service to the generation process (:mod:`.generation_child`); events come back from it and
from the fine-tune process (:mod:`.fine_tune_child`). A service dispatches on the type, so a message that
nobody handles is a type nobody matches, not a misspelt string.
"""

from __future__ import annotations

from dataclasses import dataclass

from musicstudio.workers.generation_job import GenerationJob, VAEJob

message = dataclass(frozen=True)


# -- commands: app -> generation process --------------------------------------------------------------------
@message
class Generate:
    """Make takes for ``job``; it supersedes the generation before it."""
    job_id: int
    job: GenerationJob


@message
class VAE:
    """One of the VAE studio's operations; it supersedes the VAE job before it (not a generation)."""
    job_id: int
    job: VAEJob


@message
class Device:
    """Which device ``wanted`` ("auto", "cpu", ...) means in the process; :class:`DeviceFound` answers."""
    wanted: str


@message
class AddFolder:
    """Models are in ``folder`` too."""
    folder: str


@message
class CheckModels:
    """Rehearse loading every model in the process's folders (which needs torch, so the app's window
    cannot do it); :class:`ModelsChecked` answers."""


@message
class ModelsChecked:
    """Why each model folder that the quick list passed, or failed, cannot be used: one line each."""
    problems: tuple[str, ...]


@message
class Quit:
    """The app is closing: stop."""


# -- events: a job's life, from either process -------------------------------------------------------------
@message
class JobEvent:
    """What became of the job ``job_id``."""
    job_id: int


@message
class Started(JobEvent):
    """The process has begun the job (it may have waited behind another)."""


@message
class Progress(JobEvent):
    """A share of the job is done."""
    done: float                  # 0-1


@message
class Finished(JobEvent):
    """The job is over: here is what it made."""
    result: object               # GenerationResult, VAEResult, or the fine-tune's summary dict


@message
class Failed(JobEvent):
    """The job could not be done, for a reason the user is told."""
    message: str


@message
class Cancelled(JobEvent):
    """The job stopped (or was skipped) because the app cancelled or superseded it."""
    resume: str = ""             # a fine-tune's folder to resume in ("" when nothing was kept)


@message
class DeviceFound:
    """The answer to :class:`Device`."""
    device: str                  # "cuda", "cpu", ...
    name: str                    # "NVIDIA H100 80GB HBM3", "CPU"


# -- events: how a fine-tune is getting on (see musicstudio.generators.fine_tune.job) -----------------------
@message
class ModelFolder:
    """Where the fine-tuned model goes, once known."""
    out: str
    name: str


@message
class Stage:
    """What the fine-tune is doing, in words."""
    text: str


@message
class Reading:
    """MIDI files read so far, of ``total``."""
    done: int
    total: int


@message
class EpochProgress:
    """A share of the current epoch is done."""
    epoch: int
    epochs: int
    done: float


@message
class EpochEnded:
    """An epoch is over: its losses (and the base model's, ``before``)."""
    report: dict                 # epoch, epochs, train_loss, valid_loss, before[, label]
