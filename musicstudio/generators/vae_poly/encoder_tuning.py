"""Training a polyphonic VAE's encoder alone against its frozen decoder: closing the amortisation gap.

``python -m musicstudio.generators.vae_poly.encoder_tuning SRC_FOLDER --out DIR --max-minutes N [--lr 1e-3]
[--feedback trained|teacher]`` copies the model folder ``SRC_FOLDER`` to ``DIR`` and trains there only the
encoder's parameters (the step embedding ``embed``, the bidirectional GRU ``encoder`` and the mean/log-variance
head ``to_posterior``); the decoder, the position embedding it shares with the encoder, and every buffer (sliders,
centre, fitted prior) stay as they are, bit for bit, while training. The objective is the model's own
(:func:`~.objective.phrase_loss` at its config's beta and free bits) on the training phrases of the piece cache,
the same meter batches and transpositions as :mod:`.training`; the decoder is fed the previous steps as it was
trained (``trained``: the config's feedback dropout) or all of them (``teacher``). Every ``--validate-minutes``
the greedy step accuracy from the encoder's mean on a fixed set of validation phrases is measured; the encoder
weights with the best one are kept. At the end the model's fitted prior and its sliders are recomputed from the
new codes (:func:`~.fit_prior.fit_prior`), so ``DIR`` is a complete model folder.

A decoder that reproduces a phrase from some code while the encoder does not find that code is the amortisation
gap (Cremer, Li & Duvenaud, "Inference Suboptimality in Variational Autoencoders", 2018); :mod:`.refine` closes
it per phrase at encode time, this closes it in the encoder by training the inference network alone, as He,
Spokoyny, Neubig & Berg-Kirkpatrick ("Lagging Inference Networks and Posterior Collapse in Variational
Autoencoders", 2019) do in their aggressive inner loop.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import shutil
import time
from pathlib import Path

import numpy as np
import torch

from musicstudio.generators.checkpoint import load_state_into, read_config, save_tensors
from musicstudio.generators.vae_poly.data import DEFAULT_CACHE, read_cache
from musicstudio.generators.vae_poly.model import PolyConfig, PolyVAE
from musicstudio.generators.vae_poly.objective import phrase_loss, reconstruct, step_accuracy
from musicstudio.generators.vae_poly.phrases import meter_groups
from musicstudio.generators.vae_poly.refine import refine_codes
from musicstudio.generators.vae_poly.roll import RollCodec
from musicstudio.generators.vae_poly.training import pick_batch, write_rows

ENCODER = ("embed.", "encoder.", "to_posterior.")
FEEDBACK = ("trained", "teacher")
HISTORY = "encoder-history.csv"


def is_encoder(name: str) -> bool:
    return name.startswith(ENCODER)


def tuning_model(config: dict, folder: Path, feedback: str) -> PolyVAE:
    """The folder's model with only its encoder's parameters trainable; with ``teacher`` feedback its decoder is
    fed every true previous step while training (no feedback dropout)."""
    if feedback not in FEEDBACK:
        raise ValueError(f"no feedback {feedback!r} ({' or '.join(FEEDBACK)})")
    codec = RollCodec.from_spec(config["codec"])
    model_config = PolyConfig(pitches=codec.pitches, **config["model"])
    if feedback == "teacher":
        model_config = dataclasses.replace(model_config, feedback_dropout=0.0)
    model = PolyVAE(model_config)
    load_state_into(model, folder)
    for name, p in model.named_parameters():
        p.requires_grad_(is_encoder(name))
    return model


class EncoderTuner:
    """Adam on the encoder's parameters, the learning rate falling from ``lr`` to a tenth of it along a half
    cosine over the time budget. With ``distill`` (steps, weight), each batch's codes are also refined
    (:func:`~.refine.refine_codes`: that many Adam steps at lr 0.1 from the encoder's mean, the same objective)
    and the squared distance of the encoder's mean to them, times the weight, joins the loss."""

    def __init__(self, model: PolyVAE, objective: dict, groups: dict, batch_size: int, lr: float, seed: int = 0,
                 distill: tuple[int, float] = (0, 0.0)):
        self.model, self.objective, self.groups, self.batch_size, self.lr = model, objective, groups, batch_size, lr
        self.distill = distill
        self.params = [p for p in model.parameters() if p.requires_grad]
        self.opt = torch.optim.Adam(self.params, lr=lr)
        self.rng = np.random.default_rng(seed)
        torch.manual_seed(seed)
        self.steps, self.losses = 0, []

    def schedule(self, done: float) -> None:
        for group in self.opt.param_groups:
            group["lr"] = self.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, done))))

    def step(self, meter=None, rolls=None) -> float:
        """One batch (drawn from the training groups unless given); the batch's loss before the step."""
        if rolls is None:
            meter, rolls = pick_batch(self.groups, self.batch_size, self.rng)
        self.model.train()
        o, slots = self.objective, self.model.config.slots(meter, rolls.shape[1])
        loss, *_, features = phrase_loss(self.model, rolls, slots, o["beta"], o["free_bits"], o.get("sample", True))
        if self.distill[0] > 0:
            target, _ = refine_codes(self.model, features, slots, self.distill[0], 0.1, o["beta"], o["free_bits"])
            mu, _ = self.model.encode(features, slots)
            loss = loss + self.distill[1] * (mu - target).pow(2).sum(dim=1).mean()
        self.opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.params, 1.0)
        self.opt.step()
        self.steps += 1
        self.losses.append(float(loss.detach()))
        return self.losses[-1]


def valid_set(table, codec, config: PolyConfig, size: int, seed: int = 5) -> dict:
    """A fixed sample of ``size`` validation phrases, drawn in proportion from each meter."""
    groups, _ = meter_groups(table, "valid", codec, config)
    total = sum(map(len, groups.values()))
    rng = np.random.default_rng(seed)
    return {m: v[rng.permutation(len(v))[:max(1, size * len(v) // total)]] for m, v in groups.items()}


def greedy_accuracy(model: PolyVAE, groups: dict) -> float:
    """Greedy step accuracy from the encoder's mean over ``groups`` (``{meter: rolls}``), weighted by steps."""
    hits = [(step_accuracy(reconstruct(model, r, model.config.slots(m, r.shape[1])), r), r.size)
            for m, r in groups.items()]
    return sum(a * n for a, n in hits) / sum(n for _, n in hits)


def tune(src: Path, out: Path, cache, minutes: float, lr: float, feedback: str, every: float = 2.0,
         valid_phrases: int = 512, sample: bool = True, distill: tuple[int, float] = (0, 0.0),
         log=print) -> list[dict]:
    """Copy ``src`` to ``out``, train its encoder for ``minutes`` keeping the best weights by validation greedy
    accuracy, then refit its prior and sliders. The validation curve, one row per check."""
    from musicstudio.generators.vae_poly.fit_prior import fit_prior

    src, out = Path(src), Path(out)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(src, out)
    config = read_config(out)
    codec = RollCodec.from_spec(config["codec"])
    model = tuning_model(config, out, feedback)
    table = read_cache(cache)
    groups, _ = meter_groups(table, "train", codec, model.config, config["data"]["transpose"])
    valid = valid_set(table, codec, model.config, valid_phrases)
    tuner = EncoderTuner(model, {**config["objective"], "sample": sample}, groups, config["batch_size"], lr,
                         distill=distill)
    start, history, best = time.monotonic(), [], -1.0

    def check() -> None:
        nonlocal best
        row = {"minutes": round((time.monotonic() - start) / 60, 2), "batches": tuner.steps,
               "train_loss": round(float(np.mean(tuner.losses)), 2) if tuner.losses else None,
               "valid_greedy_step_accuracy": round(greedy_accuracy(model, valid), 4)}
        tuner.losses = []
        history.append(row)
        log(json.dumps(row))
        write_rows(out / HISTORY, history)
        if row["valid_greedy_step_accuracy"] > best:
            best = row["valid_greedy_step_accuracy"]
            save_tensors(out, model.state_dict())

    check()
    last = time.monotonic()
    while (time.monotonic() - start) / 60 < minutes:
        tuner.schedule((time.monotonic() - start) / 60 / minutes)
        tuner.step()
        if (time.monotonic() - last) / 60 >= every:
            check()
            last = time.monotonic()
    check()
    config["encoder_tuning"] = {"source": str(src), "feedback": feedback, "sample": sample, "lr": lr,
                                "distill": list(distill), "minutes": minutes, "batches": tuner.steps,
                                "valid_greedy_step_accuracy": [history[0]["valid_greedy_step_accuracy"], best]}
    (out / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", "utf-8")
    fit_prior(out, cache)
    return history


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m musicstudio.generators.vae_poly.encoder_tuning",
                                description="train a polyphonic VAE's encoder alone against its frozen decoder")
    p.add_argument("src", help="the trained model's folder (e.g. models/vae-poly)")
    p.add_argument("--out", required=True, help="the new model folder (replaced if it exists)")
    p.add_argument("--max-minutes", type=float, required=True)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--feedback", choices=FEEDBACK, default="trained",
                   help="the decoder's previous steps while training: as it was trained (feedback dropout) or all")
    p.add_argument("--mean", action="store_true",
                   help="decode the posterior mean while training (the objective refine.py minimises), not a sample")
    p.add_argument("--distill", type=float, nargs=2, default=(0, 0.0), metavar=("STEPS", "WEIGHT"),
                   help="pull the encoder's mean toward each batch's codes refined that many steps (refine.py)")
    p.add_argument("--validate-minutes", type=float, default=2.0)
    p.add_argument("--valid-phrases", type=int, default=512)
    p.add_argument("--cache", default=DEFAULT_CACHE)
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    tune(args.src, args.out, args.cache, args.max_minutes, args.lr, args.feedback, args.validate_minutes,
         args.valid_phrases, not args.mean, (int(args.distill[0]), args.distill[1]), lambda m: print(m, flush=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
