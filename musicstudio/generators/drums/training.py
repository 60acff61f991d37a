"""Training the drum LSTM on mma's grooves: ``musicstudio train drums --config drums`` (or
``python -m musicstudio.generators.drums.training OUT``).

Each window of ``window_bars`` bars (12: a 4-bar seed and its 8-bar take; :func:`.data.windows`) starts
with the start token on a bar line, as a seed does; the position input is the step's slot in its meter's
run (the LSTM backend's meter-aware slots). Adam, cross-entropy per step, padding masked out; the best
epoch on the validation grooves is kept. The run writes ``weights.safetensors``, ``config.json`` (model,
codec vocabulary, ``trained_on: ["mma"]``), ``history.csv`` and the figures the card (:mod:`.card`)
reports.
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from musicstudio.generators.checkpoint import save_tensors, write_config
from musicstudio.generators.codecs.drums import DrumCodec
from musicstudio.generators.drums.data import DRUM_METERS, distinct, grooves_of, split_of, windows
from musicstudio.generators.drums.grooves import CACHE, load
from musicstudio.generators.lstm.model import EventLSTM, LSTMConfig

IGNORE = -100


def batches(codec_windows, model_config: LSTMConfig, size: int, rng: np.random.Generator | None):
    """(inputs, slots, targets) tensors of ``size`` windows each, padded (targets with IGNORE)."""
    order = rng.permutation(len(codec_windows)) if rng is not None else np.arange(len(codec_windows))
    for i in range(0, len(order), size):
        chosen = [codec_windows[j] for j in order[i:i + size]]
        width = max(len(t) for t, _ in chosen)
        inputs = np.full((len(chosen), width), model_config.vocab, np.int64)
        slots = np.zeros((len(chosen), width), np.int64)
        targets = np.full((len(chosen), width), IGNORE, np.int64)
        for row, (tokens, meter) in enumerate(chosen):
            n = len(tokens)
            inputs[row, 1:n] = tokens[:-1]
            slots[row, :] = model_config.position_slots(np.arange(width), meter)
            targets[row, :n] = tokens
        yield torch.from_numpy(inputs), torch.from_numpy(slots), torch.from_numpy(targets)


def mean_loss(model: EventLSTM, data, size: int = 64) -> float:
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for x, p, y in batches(data, model.config, size, None):
            logits, _ = model(x, p)
            loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1),
                                               ignore_index=IGNORE, reduction="sum")
            total += float(loss)
            count += int((y != IGNORE).sum())
    return total / max(1, count)


def fit(out: Path, records: list[dict], settings: dict, command: str, log=print) -> dict:
    """Train on ``records`` (the cached grooves) into ``out``; the summary figures."""
    torch.manual_seed(settings.get("seed", 0))
    started = time.monotonic()
    grooves = grooves_of(records)
    train = [g for g in grooves if split_of(g) == "train"]
    valid = [g for g in grooves if split_of(g) == "valid"]
    codec = DrumCodec.fit(((g.notes, g.steps) for g in train), settings.get("max_vocab", 512))
    model_config = LSTMConfig.meter_aware(codec.vocab_size, DRUM_METERS, **settings["model"])
    model = EventLSTM(model_config)
    bars = settings.get("window_bars", 8)
    train_w, valid_w = windows(codec, train, bars), windows(codec, valid, bars)
    optimiser = torch.optim.Adam(model.parameters(), lr=settings.get("lr", 2e-3))
    rng = np.random.default_rng(0)
    best, history, best_epoch = math.inf, [], 0
    for epoch in range(1, settings["epochs"] + 1):
        model.train()
        seen, total = 0, 0.0
        for x, p, y in batches(train_w, model_config, settings.get("batch", 32), rng):
            logits, _ = model(x, p)
            loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1),
                                               ignore_index=IGNORE)
            optimiser.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            count = int((y != IGNORE).sum())
            seen, total = seen + count, total + float(loss.detach()) * count
        train_loss, valid_loss = total / max(1, seen), mean_loss(model, valid_w)   # train: the epoch's batches
        history.append((epoch, train_loss, valid_loss, time.monotonic() - started))
        log(f"epoch {epoch}: train {train_loss:.3f} valid {valid_loss:.3f} nats/step "
            f"({time.monotonic() - started:.0f} s)")
        if valid_loss < best:
            best, best_epoch = valid_loss, epoch
            out.mkdir(parents=True, exist_ok=True)
            save_tensors(out, model.state_dict())
        if time.monotonic() - started > settings.get("minutes", 15) * 60:
            break
    summary = {"train_grooves": len(train), "distinct_train": len(distinct(train)), "valid_grooves": len(valid),
               "train_windows": len(train_w), "best_epoch": best_epoch, "valid_loss": round(best, 4),
               "wall_seconds": round(time.monotonic() - started), "vocab": codec.vocab_size,
               "parameters": sum(p.numel() for p in model.parameters())}
    write_config(out, "drums", model_config.to_dict(), codec.vocabulary(), name=out.name, trained_on=["mma"],
                 command=command, training=settings, summary=summary)
    (out / "history.csv").write_text("epoch,train_nats_per_step,valid_nats_per_step,seconds\n" + "".join(
        f"{e},{a:.4f},{b:.4f},{s:.1f}\n" for e, a, b, s in history))
    return summary


def train(run) -> None:
    """The backend's training entry (``musicstudio train drums --config drums``; ``--set grooves=FILE``
    reads grooves from elsewhere than the cache)."""
    fit(Path(run.out), load(Path(run.config.get("grooves", CACHE))), run.config, run.command, log=run.log)


if __name__ == "__main__":
    from musicstudio.generators.drums.configs import CONFIGS

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("models/drums")
    print(fit(target, load(), CONFIGS["drums"], "python -m musicstudio.generators.drums.training " + str(target)))
