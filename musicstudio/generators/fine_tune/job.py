"""One fine-tune: an installed model, the user's MIDI folder, and a new model folder.

:func:`fine_tune` reads the folder (:mod:`.folder`), hands the data to the backend's fine-tune
(:mod:`.markov` adds the folder's n-gram counts to the base model's; :mod:`.lstm` and :mod:`.vae` go on
training the base weights at a lower learning rate with early stopping), and writes the new folder: weights,
``config.json``, ``history.csv``, ``loss.png`` and a ``card.md`` that states the data. Work in progress
lives in ``<out>/resume/`` (the folder's corpus cache, the training loop's resume state, the best weights
so far); there is no ``config.json`` until the end, so a cancelled fine-tune is never listed as a model.
``resume=True`` goes on from the last whole epoch.

Progress reaches the caller as plain dicts through ``events`` (the app's worker sends them over a pipe):
``{"kind": "folder", "out", "name"}`` (where the model goes, once known), ``{"kind": "stage", "text"}``,
``{"kind": "reading", "done", "total"}``, ``{"kind": "progress", "epoch", "epochs", "done"}`` (share of the
epoch), ``{"kind": "epoch", "epoch", "epochs", "train_loss", "valid_loss", "before"[, "label"]}`` (markov's
"epochs" are the shares of the folder's counts it tries).
"""

from __future__ import annotations

import json
import re
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from musicstudio.generators.backends import UnknownBackend, backend_named
from musicstudio.generators.checkpoint import CheckpointError, read_config
from musicstudio.generators.family import Backend
from musicstudio.generators.fine_tune.folder import FineTuneCancelled, FineTuneError, FolderData, read_folder
from musicstudio.generators.fine_tune.spec import DEFAULT_EPOCHS, FineTuneJob, fine_tunable

__all__ = ["DEFAULT_EPOCHS", "fine_tunable", "FineTuneCancelled", "FineTuneError", "FineTuneJob", "FineTuneResult",
           "fine_tune", "unfinished"]

RESUME = "resume"
JOB_FILE = "fine_tune.json"

Events = Callable[[dict], None]


@dataclass
class FineTuneResult:
    folder: Path
    name: str
    backend: str
    valid_before: float
    valid_after: float
    epochs: int
    seconds: float
    history: list[dict] = field(default_factory=list)
    measure: str = "validation loss"     # what valid_before and valid_after are (the GAN's: a distance)


@dataclass
class Work:
    """A running fine-tune as the backends see it."""

    job: FineTuneJob
    base_folder: Path
    base_config: dict
    out: Path
    name: str
    data: FolderData
    emit: Events
    cancel: object | None
    command: str
    started: float = field(default_factory=time.monotonic)

    @property
    def resume_dir(self) -> Path:
        return self.out / RESUME

    @property
    def base_name(self) -> str:
        return self.base_config.get("name", self.base_folder.name)

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    def check(self) -> None:
        if self.cancel is not None and self.cancel.cancelled:
            raise FineTuneCancelled()


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-._") or "midi"


def unfinished(folder: Path) -> bool:
    """A fine-tune was started in ``folder`` and has not written its model yet."""
    return (folder / RESUME / JOB_FILE).is_file() and not (folder / "config.json").exists()


def default_out(base_name: str, midi_folder: Path, resume: bool, root: Path | None = None) -> Path:
    """``<user models>/<base>-<folder name>``, with ``-2``, ``-3`` ... after it when taken; for a resume,
    the first of those that holds an unfinished fine-tune."""
    from musicstudio.generators.registry import user_models_folder

    root = Path(root) if root is not None else user_models_folder()
    stem = f"{slug(base_name)}-{slug(midi_folder.resolve().name)}"
    for n in range(1, 1000):
        candidate = root / (stem if n == 1 else f"{stem}-{n}")
        if resume and unfinished(candidate):
            return candidate
        if not resume and not candidate.exists():
            return candidate
    raise FineTuneError(f"no free folder name for {stem} in {root}")


def _resolve_base(base: str, folders=None) -> Path:
    path = Path(base)
    if (path / "config.json").exists():
        return path
    from musicstudio.generators.registry import ModelRegistry
    return ModelRegistry(folders).resolve(base)


def _prepare_out(job: FineTuneJob, base_folder: Path, base_name: str, midi: Path) -> Path:
    out = Path(job.out) if job.out else default_out(base_name, midi, job.resume)
    record = {"base": str(base_folder.resolve()), "folder": str(midi.resolve())}
    state = out / RESUME / JOB_FILE
    if job.resume:
        if not unfinished(out):
            why = "it already holds a finished model" if (out / "config.json").exists() else \
                "no fine-tune was started there"
            raise FineTuneError(f"nothing to resume in {out}: {why}")
        saved = json.loads(state.read_text("utf-8"))
        if (saved.get("base"), saved.get("folder")) != (record["base"], record["folder"]):
            raise FineTuneError(f"the fine-tune in {out} was of {saved.get('base')} on {saved.get('folder')}, "
                                "not of this model and folder")
        return out
    if (out / "config.json").exists():
        raise FineTuneError(f"{out} already holds a model: choose another folder")
    if unfinished(out):
        raise FineTuneError(f"an unfinished fine-tune is in {out}: resume it, or choose another folder")
    if out.exists() and any(out.iterdir()):
        raise FineTuneError(f"{out} is not empty: choose a new folder")
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(json.dumps({**record, "job": asdict(job)}, indent=1), "utf-8")
    return out


def _check_weights(base_folder: Path, backend: Backend) -> None:
    """Prove the base model's weights (and those of the backend's other weight folders, a GAN's critic)
    once, so that a damaged file is said before the folder is read, which can take minutes. Raises
    CheckpointError naming the file."""
    from musicstudio.generators.checkpoint import weights_header

    weights_header(base_folder)
    for name in backend.weight_folders:
        if (base_folder / name).is_dir():
            weights_header(base_folder / name)


def fine_tune(job: FineTuneJob, events: Events | None = None, cancel=None, folders=None,
              command: str = "") -> FineTuneResult:
    """Run ``job``. Raises FineTuneError (bad input, said plainly), FineTuneCancelled (``cancel.cancelled``
    became true; resume later), CheckpointError (a damaged base model)."""
    emit = events or (lambda event: None)
    midi = Path(job.folder)
    if job.epochs < 1:
        raise FineTuneError("the number of epochs must be at least 1")
    base_folder = _resolve_base(job.base, folders).resolve()
    config = read_config(base_folder)
    try:
        backend = backend_named(config["backend"])
    except UnknownBackend as e:
        raise CheckpointError(base_folder / "config.json", str(e)) from None
    if backend.fine_tuner is None:
        raise FineTuneError(f"{backend.name} models cannot be fine-tuned: the backend declares no fine-tuner "
                            f"(these can: {', '.join(fine_tunable())})")
    base_name = config.get("name", base_folder.name)
    if not midi.is_dir():
        raise FineTuneError(f"there is no folder at {midi}")
    _check_weights(base_folder, backend)
    out = _prepare_out(job, base_folder, base_name, midi)
    name = job.name or out.name
    emit({"kind": "folder", "out": str(out), "name": name})
    emit({"kind": "stage", "text": f"Reading the MIDI files in {midi} …"})
    try:
        codec = backend.codec(config)
    except (KeyError, TypeError, ValueError) as e:
        raise CheckpointError(base_folder / "config.json", f"its codec cannot be used ({e})") from None

    def reading(done: int, total: int) -> None:
        if cancel is not None and cancel.cancelled:   # nothing is kept: the cache is written at the end
            raise FineTuneCancelled()
        emit({"kind": "reading", "done": done, "total": total})

    data = read_folder(midi, out / RESUME / "corpus", codec, progress=reading,
                       meter_classes=backend.fine_tune_meters)
    work = Work(job, base_folder, config, out, name, data, emit, cancel,
                command or f"musicstudio finetune {base_folder} {midi} --out {out} --epochs {job.epochs}")
    emit({"kind": "stage", "text": f"Fine-tuning {base_name} on {len(data.train)} pieces "
                                   f"({len(data.valid)} for validation) …"})
    result = backend.fine_tune(work)
    shutil.rmtree(out / RESUME, ignore_errors=True)   # the model is written; the work in progress goes
    return result
