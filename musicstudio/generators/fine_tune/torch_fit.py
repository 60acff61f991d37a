"""What the torch fine-tunes (:mod:`.lstm`, :mod:`.vae`) share: the base model measured on the folder's
validation data, then trained on with the shared loop (:func:`musicstudio.generators.training.loop.fit`:
resume, early stopping, the learning rate halved after a flat epoch), reporting every batch and epoch,
stopping within a batch when cancelled, and keeping the best epoch's weights in ``resume/`` until the end.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

from musicstudio.generators.fine_tune.folder import FineTuneCancelled

BEST = "best.safetensors"


@dataclass(frozen=True)
class FitSettings:
    epochs: int
    per_epoch: int          # training batches per epoch
    lr: float
    min_lr: float
    patience: int = 3
    clip_norm: float = 1.0


class _Run:
    """What :func:`fit` needs to know about the run (the train command's TrainingRun, for one process)."""

    rank, world, quiet, main = 0, 1, True, True

    def __init__(self, work, device: str):
        self.out, self.name, self.device = work.out, work.name, device
        self.resume = work.job.resume and (work.out / "resume" / "state.json").is_file()

    def log(self, message: str) -> None:
        pass


def fit_from_base(work, model, device: str, make_batches: Callable, valid_batches: list, batch_loss: Callable,
                  settings: FitSettings) -> tuple[list[dict], float]:
    """Train ``model`` (already holding the base weights) and return (history, the base model's validation
    loss). ``make_batches(epoch, rng)`` gives an epoch's batches; ``batch_loss(model, batch)`` gives
    ``(mean loss tensor, weight)``. Afterwards ``model`` holds the best epoch's weights."""
    import torch
    from safetensors.torch import load_file, save_file

    from musicstudio.generators.training.loop import LoopConfig, fit

    state = {"epoch": 0, "batches": 0, "train": [0.0, 0.0], "valid": [0.0, 0.0]}
    resume_dir = work.out / "resume"

    def train_batches(epoch, rng) -> list:
        work.check()
        state.update(epoch=epoch, batches=0, train=[0.0, 0.0], valid=[0.0, 0.0])
        return make_batches(epoch, rng)

    def loss_fn(m, batch):
        loss, weight = batch_loss(m, batch)
        totals = state["train" if m.training else "valid"]
        totals[0] += float(loss.detach()) * weight
        totals[1] += weight
        if m.training:
            if work.cancel is not None and work.cancel.cancelled:
                raise FineTuneCancelled()
            state["batches"] += 1
            work.emit({"kind": "progress", "epoch": state["epoch"], "epochs": settings.epochs,
                       "done": state["batches"] / settings.per_epoch})
        return loss, weight

    def mean(totals) -> float:
        return round(totals[0] / max(totals[1], 1e-9), 5)

    before_file = resume_dir / "before.json"
    if work.job.resume and before_file.is_file():
        before = json.loads(before_file.read_text("utf-8"))["valid_loss"]
    else:
        work.emit({"kind": "stage", "text": f"Measuring {work.base_name} on the validation pieces …"})
        model.to(torch.device(device)).eval()
        with torch.no_grad():
            for batch in valid_batches:
                loss_fn(model, batch)
        before = mean(state["valid"])
        state["valid"] = [0.0, 0.0]
        before_file.write_text(json.dumps({"valid_loss": before}), "utf-8")

    def epoch_done(m) -> dict:
        """Called by fit at the end of each epoch, after validation: the live loss curve's next point."""
        work.emit({"kind": "epoch", "epoch": state["epoch"], "epochs": settings.epochs,
                   "train_loss": mean(state["train"]), "valid_loss": mean(state["valid"]), "before": before})
        return {}

    def save_best(m, row) -> None:
        tmp = resume_dir / (BEST + ".tmp")
        save_file({k: v.detach().contiguous().cpu() for k, v in m.state_dict().items()}, str(tmp))
        tmp.replace(resume_dir / BEST)

    run = _Run(work, device)
    if run.resume:   # the curve so far, from the saved state
        for row in json.loads((resume_dir / "state.json").read_text("utf-8")).get("history", []):
            work.emit({"kind": "epoch", "epoch": row["epoch"], "epochs": settings.epochs,
                       "train_loss": row["train_loss"], "valid_loss": row["valid_loss"], "before": before})
    loop = LoopConfig(epochs=settings.epochs, lr=settings.lr, min_lr=settings.min_lr, patience=settings.patience,
                      clip_norm=settings.clip_norm, schedule="plateau")
    history = fit(run, model, train_batches, valid_batches, loss_fn, loop, save_best, epoch_done)
    work.check()
    if not history or not (resume_dir / BEST).is_file():
        raise FineTuneCancelled()
    model.load_state_dict(load_file(str(resume_dir / BEST)))
    return history, before
