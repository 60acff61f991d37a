"""Training the harmonizer on Bach's chorales: ``musicstudio train harmonizer --config harmonizer-nc`` (or
``python -m musicstudio.generators.harmonizer.training OUT``).

Windows of ``window`` 16th steps from the training chorales in every key that fits (:mod:`.data`), masked
as :mod:`.masks` says; cross-entropy of the masked steps' tokens; Adam, the rate falling linearly to a tenth
over the last 30% of the wall-clock cap (``train.max_minutes``). Every ``eval_every`` batches the validation
chorales (as written) are scored with fixed masks: the alto, tenor and bass given the soprano (the
*harmonize loss*) and Coconet's random masks; the best harmonize loss is kept. The run writes
``weights.safetensors``, ``config.json`` (``trained_on: ["bach"]``: a non-commercial model),
``history.csv``. ``train.init`` (a model folder) starts from its weights instead of at random."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from musicstudio.generators.checkpoint import save_tensors, write_config
from musicstudio.generators.harmonizer.batches import IGNORE, batch
from musicstudio.generators.harmonizer.data import chorales, training_voices, voice_ranges
from musicstudio.generators.harmonizer.masks import HARMONIZE, training_mask
from musicstudio.generators.harmonizer.model import HarmonizerConfig, HarmonizerNet
from musicstudio.generators.harmonizer.voices import CODEC, TOKENS


def loss_of(model: HarmonizerNet, b) -> torch.Tensor:
    logits = model(b.roll, b.mask, b.planes)
    return nn.functional.cross_entropy(logits.reshape(-1, TOKENS), b.targets.reshape(-1), ignore_index=IGNORE)


def valid_losses(model: HarmonizerNet, lines, window: int, batches: int = 12) -> dict[str, float]:
    """Mean masked cross-entropy on fixed validation windows: harmonize (alto, tenor, bass masked whole)
    and Coconet's random masks."""
    model.eval()
    out = {}
    with torch.no_grad():
        for name, masks in (("harmonize", lambda rng, n: np.repeat(HARMONIZE[:, None], n, axis=1)),
                            ("random", training_mask)):
            rng = np.random.default_rng(1)
            out[name] = float(np.mean([float(loss_of(model, batch(lines, rng, 16, window, masks)))
                                       for _ in range(batches)]))
    model.train()
    return out


def fit(out: Path, settings: dict, command: str, log=print) -> dict:
    train_settings = settings["train"]
    torch.manual_seed(train_settings.get("seed", 0))
    rng = np.random.default_rng(train_settings.get("seed", 0))
    started = time.monotonic()
    from musicstudio.generators.corpus import load_corpus

    corpus = load_corpus(settings["data"].get("corpus", "cache/corpus"), verify=False)
    train, valid = chorales(corpus, "train"), chorales(corpus, "valid")
    lines = [v for c in train for v in training_voices(c, augment=True)]
    valid_lines = [v for c in valid for v in training_voices(c, augment=False)]
    log(f"{len(train)} training chorales ({len(lines)} with transpositions), {len(valid)} validation")
    network = HarmonizerConfig(**settings["model"])
    model = HarmonizerNet(network)
    if train_settings.get("init"):     # go on from a model folder's weights (a second run at a lower rate)
        from musicstudio.generators.checkpoint import load_state_into

        load_state_into(model, train_settings["init"])
        log(f"starting from {train_settings['init']}")
    base_lr, window, size = train_settings.get("lr", 1e-3), train_settings["window"], train_settings["batch"]
    optimiser = torch.optim.Adam(model.parameters(), lr=base_lr)
    cap = train_settings.get("max_minutes", 40) * 60
    best, history, step = float("inf"), [], 0
    summary = {"train_chorales": len(train), "valid_chorales": len(valid), "train_lines": len(lines),
               "parameters": sum(p.numel() for p in model.parameters())}
    running = []
    while time.monotonic() - started < cap:
        frac = (time.monotonic() - started) / cap
        for group in optimiser.param_groups:
            group["lr"] = base_lr * (1.0 if frac < 0.7 else max(0.1, (1 - frac) / 0.3))
        loss = loss_of(model, batch(lines, rng, size, window))
        optimiser.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        running.append(float(loss.detach()))
        step += 1
        if step % train_settings.get("eval_every", 150) == 0:
            losses = valid_losses(model, valid_lines, window)
            seconds = time.monotonic() - started
            history.append((step, float(np.mean(running)), losses["harmonize"], losses["random"], seconds))
            running = []
            log(f"batch {step}: train {history[-1][1]:.3f} valid harmonize {losses['harmonize']:.3f} "
                f"random {losses['random']:.3f} ({seconds:.0f} s)")
            if losses["harmonize"] < best:
                best = losses["harmonize"]
                summary.update(best_batch=step, valid_harmonize=round(best, 4), valid_random=round(losses["random"], 4))
                out.mkdir(parents=True, exist_ok=True)
                save_tensors(out, model.state_dict())
                _write(out, network, settings, command, summary, history, train)
    summary["wall_seconds"] = round(time.monotonic() - started)
    summary["batches"] = step
    _write(out, network, settings, command, summary, history, train)
    return summary


def _write(out: Path, network: HarmonizerConfig, settings: dict, command: str, summary: dict, history, train) -> None:
    out.mkdir(parents=True, exist_ok=True)
    write_config(out, "harmonizer", network.to_dict(), CODEC.vocabulary(), name=out.name, trained_on=["bach"],
                 data=settings["data"], ranges=[list(r) for r in voice_ranges(train)],
                 decoding=settings.get("decoding", {}), command=command, training=settings["train"], summary=summary)
    (out / "history.csv").write_text("batch,train_nats,valid_harmonize_nats,valid_random_nats,seconds\n" + "".join(
        f"{s},{a:.4f},{b:.4f},{c:.4f},{t:.1f}\n" for s, a, b, c, t in history))


def train(run) -> None:
    """The backend's training entry (``musicstudio train harmonizer --config harmonizer-nc [--corpus DIR]
    [--set train.max_minutes=N]``)."""
    settings = {**run.config, "data": {**run.config.get("data", {}), "corpus": str(run.corpus_dir)}}
    fit(Path(run.out), settings, run.command, log=run.log)


if __name__ == "__main__":
    from musicstudio.generators.harmonizer.configs import CONFIGS

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/harmonize/harmonizer-nc")
    config = dict(CONFIGS["harmonizer-nc"])
    if len(sys.argv) > 2:
        config["train"] = {**config["train"], "max_minutes": float(sys.argv[2])}
    print(fit(target, config, "python -m musicstudio.generators.harmonizer.training " + " ".join(sys.argv[1:])))
