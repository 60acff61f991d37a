"""The torch training loop every neural backend shares.

Seeds fixed, a live progress line, validation each epoch, early stopping, a learning-rate schedule
(reduce on plateau or cosine), gradient clipping, resume from the folder's last epoch, and
DistributedDataParallel when started by ``torchrun`` (gloo on the CPU, nccl on GPUs): each process
takes every ``world``-th batch, gradients are averaged, validation losses are summed over processes,
and only the first process writes files.

Resume state lives in ``<model>/resume/``: ``state.safetensors`` (model and optimizer tensors) and
``state.json`` (epoch, best loss, history, scheduler, random states); never a pickle.
"""

from __future__ import annotations

import json
import math
import random
import sys
import time
from dataclasses import dataclass, fields
from functools import partial
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import torch
from torch import nn

RESUME = "resume"


@dataclass
class LoopConfig:
    epochs: int = 20
    lr: float = 1e-3
    weight_decay: float = 0.0
    clip_norm: float = 1.0
    patience: int = 4               # epochs without a better validation loss before stopping
    schedule: str = "plateau"       # "plateau" (halve after 1 flat epoch), "cosine" or "none"
    min_lr: float = 1e-5
    seed: int = 1234
    max_minutes: float = 0.0        # stop after this much wall time (0: no limit); the epoch in progress ends
    # "bf16": training passes under bfloat16 autocast (weights and validation fp32); "auto": bf16 on a
    # CUDA GPU that has it (mixed precision helps there), fp32 elsewhere (on a CPU only AVX512-BF16 gains)
    precision: str = "auto"

    @classmethod
    def from_dict(cls, d: dict) -> LoopConfig:
        names = {f.name for f in fields(cls)}
        unknown = set(d) - names
        if unknown:
            raise ValueError(f"unknown training settings: {', '.join(sorted(unknown))}")
        if d.get("precision", "auto") not in PRECISIONS:
            raise ValueError(f"train.precision is {', '.join(PRECISIONS)}, not {d['precision']!r}")
        return cls(**d)


PRECISIONS = ("auto", "fp32", "bf16")


def autocast_bf16(precision: str, device: torch.device) -> bool:
    """Whether training passes run under bfloat16 autocast: asked for, or ``auto`` on a CUDA GPU with bf16."""
    if precision == "auto":
        return device.type == "cuda" and torch.cuda.is_bf16_supported()
    return precision == "bf16"


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


# -- distributed ------------------------------------------------------------------------------------------
def start_distributed(run) -> None:
    if run.world > 1 and not torch.distributed.is_initialized():
        backend = "nccl" if run.device.startswith("cuda") else "gloo"
        if run.device.startswith("cuda"):
            import os
            run.device = f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}"
            torch.cuda.set_device(torch.device(run.device))
        torch.distributed.init_process_group(backend)


def stop_distributed() -> None:
    """Leave the process group together: every rank waits at a barrier first, so none tears down its gloo
    transport while a peer still talks to it (on a loaded machine one rank aborted in gloo at exit)."""
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        torch.distributed.barrier()
        torch.distributed.destroy_process_group()


def _all_sum(values: list[float], device: str) -> list[float]:
    if not (torch.distributed.is_available() and torch.distributed.is_initialized()):
        return values
    t = torch.tensor(values, dtype=torch.float64, device=device)
    torch.distributed.all_reduce(t)
    return t.tolist()


# -- resume state -----------------------------------------------------------------------------------------
def _save_state(folder: Path, model: nn.Module, optimizer: torch.optim.Optimizer, info: dict) -> None:
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    tensors = {f"model.{k}": v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    opt = optimizer.state_dict()
    for index, state in opt["state"].items():
        for name, value in state.items():
            tensors[f"optim.{index}.{name}"] = (value if torch.is_tensor(value) else torch.tensor(value)).cpu()
    info = {**info, "param_groups": opt["param_groups"]}
    tmp = folder / "state.safetensors.tmp"
    save_file(tensors, str(tmp))
    tmp.replace(folder / "state.safetensors")
    (folder / "state.json.tmp").write_text(json.dumps(info, indent=1), "utf-8")
    (folder / "state.json.tmp").replace(folder / "state.json")


def _load_state(folder: Path, model: nn.Module, optimizer: torch.optim.Optimizer) -> dict:
    from safetensors.torch import load_file

    from musicstudio.generators.checkpoint import CheckpointError

    try:
        info = json.loads((folder / "state.json").read_text("utf-8"))
        tensors = load_file(str(folder / "state.safetensors"))
    except FileNotFoundError:
        raise CheckpointError(folder, "there is nothing to resume (no resume/state.json): train without "
                                      "--resume") from None
    except Exception as e:  # damaged JSON or tensors
        raise CheckpointError(folder, f"the resume state is damaged ({e})") from None
    model_state = {k[len("model."):]: v for k, v in tensors.items() if k.startswith("model.")}
    try:
        model.load_state_dict(model_state)
    except RuntimeError as e:
        raise CheckpointError(folder, f"the resume state does not fit this config ({str(e)[:200]})") from None
    opt_state: dict = {}
    for key, value in tensors.items():
        if key.startswith("optim."):
            _, index, name = key.split(".", 2)
            opt_state.setdefault(int(index), {})[name] = value
    optimizer.load_state_dict({"state": opt_state, "param_groups": info.pop("param_groups")})
    return info


# -- progress ---------------------------------------------------------------------------------------------
class ProgressLine:
    """``epoch 3/20 [#####.....] 52% loss 1.234 | 12 s`` rewritten in place on stderr."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr is not None
        self._last = 0.0

    def show(self, epoch: int, epochs: int, done: int, total: int, loss: float, started: float) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self._last < 0.5 and done < total):
            return
        self._last = now
        share = done / max(total, 1)
        bar = "#" * int(share * 20)
        print(f"\repoch {epoch}/{epochs} [{bar:<20}] {share:4.0%} loss {loss:.4f} | {now - started:.0f} s",
              end="", file=sys.stderr, flush=True)

    def end(self, text: str) -> None:
        if self.enabled:
            print("\r" + text.ljust(78), file=sys.stderr, flush=True)


# -- the loop ---------------------------------------------------------------------------------------------
Batch = object
LossFn = Callable[[nn.Module, Batch], tuple[torch.Tensor, float]]  # (mean loss, weight: items in the batch)


def fit(run, model: nn.Module, train_batches: Callable[[int, np.random.Generator], list], valid_batches: Iterable,
        loss_fn: LossFn, loop: LoopConfig, save_best: Callable[[nn.Module, dict], None],
        extra_columns: Callable[[nn.Module], dict] | None = None) -> list[dict]:
    """Train ``model`` and return the history (one dict per epoch).

    ``train_batches(epoch, rng)`` gives the epoch's batches (all processes get the same list and take
    their share); ``loss_fn(model, batch)`` the mean loss and its weight; ``save_best(model, row)`` is called
    on the first process whenever the validation loss improves.
    """
    seed_everything(loop.seed + run.rank)
    start_distributed(run)
    device = torch.device(run.device)
    model.to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=loop.lr, weight_decay=loop.weight_decay)
    history: list[dict] = []
    best, stale, first_epoch = math.inf, 0, 1
    resume_dir = run.out / RESUME
    if run.resume:
        info = _load_state(resume_dir, model, optimizer)
        history, best, stale = info["history"], info["best"], info["stale"]
        first_epoch = info["epoch"] + 1
        run.log(f"{run.name}: resuming after epoch {info['epoch']} (best validation loss {best:.4f})")
    trained = model
    if run.world > 1:
        trained = nn.parallel.DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda"
                                                      else None)
    progress = ProgressLine(run.main and not run.quiet)
    started = time.monotonic()
    budget = loop.max_minutes * 60
    previous_seconds = history[-1]["seconds"] if history else 0.0
    for epoch in range(first_epoch, loop.epochs + 1):
        rng = np.random.default_rng(loop.seed * 1000 + epoch)
        batches = train_batches(epoch, rng)
        mine = batches[run.rank::run.world]
        mine = mine[:len(batches) // run.world] if run.world > 1 else mine  # equal counts for allreduce
        total, weight = _train_pass(trained, model, mine, loss_fn, optimizer, loop, device,
                                    partial(progress.show, epoch, loop.epochs, started=started))
        v_total, v_weight = _valid_pass(run, model, valid_batches, loss_fn)
        total, weight, v_total, v_weight = _all_sum([total, weight, v_total, v_weight], run.device)
        train_loss, valid_loss = total / max(weight, 1e-9), v_total / max(v_weight, 1e-9)
        lr = optimizer.param_groups[0]["lr"]
        row = {"epoch": epoch, "train_loss": round(train_loss, 5), "valid_loss": round(valid_loss, 5),
               "lr": lr, "seconds": round(previous_seconds + time.monotonic() - started, 1)}
        if extra_columns is not None:
            row.update(extra_columns(model))
        history.append(row)
        improved = valid_loss < best - 1e-4
        if improved:
            best, stale = valid_loss, 0
            if run.main:
                save_best(model, row)
        else:
            stale += 1
        # share of the run behind us: of its epochs, or of its time budget when that runs out first (so a
        # cosine cut by the budget still ends at the bottom); the processes agree on the slowest one's
        spent = _all_sum([time.monotonic() - started], run.device)[0] / run.world if budget else 0.0
        done = max(epoch / loop.epochs, spent / budget if budget else 0.0)
        _schedule(optimizer, loop, min(done, 1.0), improved)
        progress.end(f"epoch {epoch}/{loop.epochs}: train {train_loss:.4f}, valid {valid_loss:.4f}"
                     f"{' (best)' if improved else ''}, lr {lr:.2g}")
        if run.main:
            _save_state(resume_dir, model, optimizer, {"epoch": epoch, "best": best, "stale": stale,
                                                       "history": history})
        if stale >= loop.patience:
            run.log(f"{run.name}: stopping early, no better validation loss for {stale} epochs")
            break
        if budget and spent > budget:
            run.log(f"{run.name}: stopping at the time budget ({loop.max_minutes:g} min)")
            break
    stop_distributed()
    return history


def _train_pass(trained: nn.Module, model: nn.Module, batches: list, loss_fn: LossFn, optimizer: torch.optim.Optimizer,
                loop: LoopConfig, device: torch.device, show: Callable[..., None]) -> tuple[float, float]:
    """One epoch's training steps on this process's ``batches``: (sum of loss x weight, sum of weights);
    ``show(done, total, mean loss)`` after each."""
    trained.train()
    total, weight = 0.0, 0.0
    for i, batch in enumerate(batches, 1):
        # bfloat16 autocast: about 1.8x the tokens per second for the LSTM on a CPU with AVX512-BF16
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=autocast_bf16(loop.precision, device)):
            loss, w = loss_fn(trained, batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if loop.clip_norm > 0:
            nn.utils.clip_grad_norm_(model.parameters(), loop.clip_norm)
        optimizer.step()
        total += float(loss.detach()) * w
        weight += w
        show(i, len(batches), total / max(weight, 1e-9))
    return total, weight


def _valid_pass(run, model: nn.Module, batches: Iterable, loss_fn: LossFn) -> tuple[float, float]:
    """This process's share of the validation batches: (sum of loss x weight, sum of weights)."""
    model.eval()
    total, weight = 0.0, 0.0
    with torch.no_grad():
        for j, batch in enumerate(batches):
            if j % run.world != run.rank:
                continue
            loss, w = loss_fn(model, batch)
            total += float(loss) * w
            weight += w
    return total, weight


def _schedule(optimizer: torch.optim.Optimizer, loop: LoopConfig, done: float, improved: bool) -> None:
    """The learning rate for the next epoch; ``done`` is the share of the run behind us (of its epochs, or
    of its time budget when that runs out first)."""
    for group in optimizer.param_groups:
        if loop.schedule == "plateau" and not improved:
            group["lr"] = max(loop.min_lr, group["lr"] * 0.5)
        elif loop.schedule == "cosine":
            group["lr"] = loop.min_lr + 0.5 * (loop.lr - loop.min_lr) * (1 + math.cos(math.pi * done))
