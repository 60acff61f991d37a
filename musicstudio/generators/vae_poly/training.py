"""Training the polyphonic VAE (and its VAE-GAN twin) on 2-bar rolls of the piece cache.

``python -m musicstudio.generators.vae_poly.training CONFIG --out FOLDER [--cache cache/poly-pieces.npz]``
(``musicstudio train vae-poly`` runs the same). Each batch holds phrases of one meter (picked in proportion
to its phrases). The objective is :func:`~.objective.phrase_loss` with beta annealed over the first batches;
a config with ``adversary`` adds the discriminator (:mod:`.adversary`) after ``start`` of the time budget.
The weights with the lowest validation loss (the ELBO part, at the final beta) are kept; the latent sliders
are computed on untransposed training phrases at the end.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import time
from pathlib import Path

import numpy as np
import torch

from musicstudio.generators.checkpoint import save_tensors, write_config
from musicstudio.generators.vae_poly.adversary import Discriminator, discriminator_loss, generator_terms
from musicstudio.generators.vae_poly.data import COLLECTIONS, DEFAULT_CACHE, SPLIT_RULE, read_cache
from musicstudio.generators.vae_poly.model import PolyConfig, PolyVAE
from musicstudio.generators.vae_poly.objective import phrase_loss, reconstruct, soft_features, step_accuracy
from musicstudio.generators.vae_poly.phrases import meter_groups
from musicstudio.generators.vae_poly.roll import RollCodec
from musicstudio.generators.vae_poly.sliders import with_sliders
from musicstudio.generators.vae_poly.warm import warm_state


def pick_batch(groups, size: int, rng: np.random.Generator):
    meters = list(groups)
    weights = np.array([len(groups[m]) for m in meters], np.float64)
    meter = meters[rng.choice(len(meters), p=weights / weights.sum())]
    return meter, torch.from_numpy(groups[meter][rng.integers(0, len(groups[meter]), size)].astype(np.int64))


class Trainer:
    def __init__(self, cfg: dict, groups: dict, valid: dict, log=print):
        self.cfg, self.groups, self.valid, self.log = cfg, groups, valid, log
        torch.manual_seed(cfg.get("seed", 0))
        self.model = PolyVAE(PolyConfig(pitches=RollCodec.from_spec(cfg["codec"]).pitches, **cfg["model"]))
        train = cfg["train"]
        if train.get("warm_start"):     # continue from saved weights (free bits, beta, lr may differ)
            self.model.load_state_dict(warm_state(self.model, train["warm_start"], cfg.get("seed", 0)))
        self.opt = torch.optim.Adam(self.model.parameters(), lr=train["lr"])
        self.adversary = cfg.get("adversary")
        if self.adversary:
            c = self.model.config
            self.d = Discriminator(c.pitches, c.positions)
            self.d_opt = torch.optim.Adam(self.d.parameters(), lr=self.adversary["lr"], betas=(0.5, 0.9))
        self.steps, self.rng = 0, np.random.default_rng(cfg.get("seed", 0))
        self.sums = np.zeros(6)

    def beta(self) -> float:
        o = self.cfg["objective"]
        return o["beta"] * min(1.0, self.steps / max(1, o["anneal_steps"]))

    def schedule(self, done: float) -> None:
        """With ``train.lr_final``, the learning rate falls from ``lr`` to it along a half cosine over the time
        budget (``done``: the share of it spent); without, it stays ``lr``."""
        t = self.cfg["train"]
        if "lr_final" in t:
            lr = t["lr_final"] + (t["lr"] - t["lr_final"]) * 0.5 * (1 + math.cos(math.pi * min(1.0, done)))
            for group in self.opt.param_groups:
                group["lr"] = lr

    def batch(self, adversarial: bool) -> None:
        self.model.train()
        meter, rolls = pick_batch(self.groups, self.cfg["batch_size"], self.rng)
        slots = self.model.config.slots(meter, rolls.shape[1])
        o = self.cfg["objective"]
        loss, recon, kl, logits, real = phrase_loss(self.model, rolls, slots, self.beta(), o["free_bits"],
                                                    o.get("sample", True))
        extra = [0.0, 0.0, 0.0]
        if adversarial:
            a = self.adversary
            z = torch.randn(max(2, len(rolls) // 4), self.model.config.latent)
            prior = self.model.soft_decode(z, slots)
            recon_soft = soft_features(logits)
            self.d_opt.zero_grad()
            d_loss = discriminator_loss(self.d, real, [recon_soft, prior], slots)
            d_loss.backward()
            self.d_opt.step()
            matching, fooling = generator_terms(self.d, real, recon_soft, prior, slots)
            loss = loss + a["matching"] * matching + a["adversarial"] * fooling
            extra = [float(d_loss.detach()), float(matching.detach()), float(fooling.detach())]
        self.opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.cfg["train"].get("clip_norm", 1.0))
        self.opt.step()
        self.steps += 1
        self.sums += [float(recon.mean()), float(kl.mean()), *extra, 1.0]

    @torch.no_grad()
    def validate(self) -> dict:
        self.model.eval()
        o, total, recon, kl, hits, n = self.cfg["objective"], 0.0, 0.0, 0.0, [], 0
        for meter, rolls in self.valid.items():
            slots = self.model.config.slots(meter, rolls.shape[1])
            x = torch.from_numpy(rolls.astype(np.int64))
            loss, r, k, _, _ = phrase_loss(self.model, x, slots, o["beta"], o["free_bits"])
            total, recon, kl, n = total + float(loss) * len(x), recon + float(r.sum()), kl + float(k.sum()), n + len(x)
            picked = rolls[:max(1, 256 * len(rolls) // sum(len(v) for v in self.valid.values()))]
            hits.append((step_accuracy(reconstruct(self.model, picked, slots), picked), len(picked)))
        greedy = sum(a * m for a, m in hits) / max(1, sum(m for _, m in hits))
        return {"valid_loss": round(total / n, 3), "valid_recon": round(recon / n, 3), "valid_kl": round(kl / n, 3),
                "valid_greedy_step_accuracy": round(greedy, 4)}

    def epoch_row(self, epoch: int, seconds: float) -> dict:
        s = self.sums / max(1.0, self.sums[-1])
        self.sums = np.zeros(6)
        return {"epoch": epoch, "seconds": round(seconds, 1), "batches": self.steps, "beta": round(self.beta(), 4),
                "lr": round(self.opt.param_groups[0]["lr"], 6),
                "train_recon": round(s[0], 3), "train_kl": round(s[1], 3), "d_loss": round(s[2], 4),
                "feature_matching": round(s[3], 3), "adversarial": round(s[4], 4), **self.validate()}


def train_model(cfg: dict, out: str | Path, cache: str | Path = DEFAULT_CACHE, log=print, name: str = "") -> list:
    if cfg.get("threads"):
        torch.set_num_threads(int(cfg["threads"]))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    codec = RollCodec.from_spec(cfg["codec"])
    table = read_cache(cache)
    probe = PolyConfig(pitches=codec.pitches, **cfg["model"])
    groups, used = meter_groups(table, "train", codec, probe, cfg["data"]["transpose"])
    valid, valid_used = meter_groups(table, "valid", codec, probe)
    cap = cfg["data"].get("valid_phrases", 1024)
    rng = np.random.default_rng(5)
    valid = {m: v[rng.permutation(len(v))[:max(1, cap * len(v) // sum(map(len, valid.values())))]]
             for m, v in valid.items()}
    log(f"{name}: {sum(map(len, groups.values())):,} training phrases (with transpositions), "
        f"{sum(map(len, valid.values())):,} validation phrases")
    trainer = Trainer(cfg, groups, valid, log)
    t = cfg["train"]
    start, history, best = time.monotonic(), [], float("inf")
    for epoch in range(1, t["epochs"] + 1):
        for _ in range(t["per_epoch"]):
            elapsed = (time.monotonic() - start) / 60
            trainer.schedule(elapsed / t["max_minutes"])
            trainer.batch(bool(trainer.adversary) and elapsed >= trainer.adversary["start"] * t["max_minutes"])
        history.append(trainer.epoch_row(epoch, time.monotonic() - start))
        log(f"{name}: {history[-1]}")
        write_rows(out / "history.csv", history)
        if history[-1]["valid_loss"] < best:
            best = history[-1]["valid_loss"]
            save_tensors(out, trainer.model.state_dict())
            _config(out, cfg, trainer.model.config, codec, name, history[-1]["epoch"], [])
        if (time.monotonic() - start) / 60 >= t["max_minutes"]:
            break
    _finish(out, cfg, trainer, codec, table, name, history, used, valid_used)
    return history


def slider_sample(table, codec, config, cap: int) -> dict:
    """The untransposed training phrases the sliders (and a fitted prior) are computed on: ``cap`` of them, drawn
    in proportion from each meter."""
    plain, _ = meter_groups(table, "train", codec, config)
    rng = np.random.default_rng(6)
    total = sum(map(len, plain.values()))
    return {m: v[rng.permutation(len(v))[:max(1, cap * len(v) // total)]] for m, v in plain.items()}


def _finish(out, cfg, trainer, codec, table, name, history, used, valid_used) -> None:
    from musicstudio.generators.checkpoint import load_state_into

    load_state_into(trainer.model, out)
    sample = slider_sample(table, codec, trainer.model.config, cfg["data"].get("slider_phrases", 6000))
    final, names = with_sliders(trainer.model, sample, codec.low)
    save_tensors(out, final.state_dict())
    best = min(history, key=lambda r: r["valid_loss"])["epoch"]
    _config(out, cfg, final.config, codec, name, best, names)
    _, test_used = meter_groups(table, "test", codec, trainer.model.config)
    (out / "pieces.json").write_text(json.dumps({"split_rule": SPLIT_RULE, "train": used, "valid": valid_used,
                                                 "test": test_used}, indent=1) + "\n", "utf-8")


def _config(out, cfg, model_config, codec, name, best_epoch, sliders) -> None:
    model = {k: v for k, v in model_config.to_dict().items() if k != "pitches"}
    write_config(out, "vae-poly", model, codec.spec(), name=name, best_epoch=best_epoch, sliders=list(sliders),
                 trained_on=list(COLLECTIONS), data=cfg["data"], objective=cfg["objective"],
                 adversary=cfg.get("adversary"), train=cfg["train"], summary=cfg.get("summary", ""),
                 batch_size=cfg["batch_size"])


def write_rows(path: Path, rows: list[dict]) -> None:
    """``rows`` (dicts with the same keys) as a CSV file with a header."""
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def override(cfg: dict, item: str) -> None:
    """``section.key=value`` into ``cfg`` (the value read as JSON, else kept as a string)."""
    key, _, text = item.partition("=")
    *path, last = key.split(".")
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = text
    node = cfg
    for part in path:
        node = node.setdefault(part, {})
    node[last] = value


def main(argv=None) -> int:
    from musicstudio.generators.vae_poly.configs import CONFIGS

    parser = argparse.ArgumentParser(description="train a polyphonic VAE (or VAE-GAN) on the piece cache")
    parser.add_argument("config", choices=sorted(CONFIGS))
    parser.add_argument("--out", required=True)
    parser.add_argument("--cache", default=DEFAULT_CACHE)
    parser.add_argument("--max-minutes", type=float)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=JSON",
                        help="override a config entry: objective.free_bits=512, train.warm_start=models/vae-poly")
    args = parser.parse_args(argv)
    cfg = json.loads(json.dumps(CONFIGS[args.config]))
    if args.max_minutes:
        cfg["train"]["max_minutes"] = args.max_minutes
    for item in args.set:
        override(cfg, item)
    train_model(cfg, args.out, args.cache, lambda m: print(m, flush=True), args.config)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
