"""Training the melody VAE on 2-bar phrases of the corpus (``musicstudio train vae``).

Phrases come grouped by the meter the model reads them in (:func:`~.phrases.meter_groups`: one 4/4 group of
32-step windows for a model without meters). Each training batch is drawn from one meter, the meter picked
in proportion to its phrases, so that a batch has one length and one run of position slots and needs no
padding; validation keeps every meter's batches. The objective is :func:`~.backend.phrase_loss`, with beta
annealed over the training batches (validation at the final beta). After training, the latent sliders are
computed on untransposed training phrases (:func:`~.backend.with_sliders`) and saved with the weights.
"""

from __future__ import annotations

import numpy as np
import torch

from musicstudio.generators.checkpoint import load_state_into
from musicstudio.generators.vae import BACKEND as FAMILY
from musicstudio.generators.vae.model import MelodyVAE, VAEConfig
from musicstudio.generators.vae.objective import greedy_accuracy, group_slots, melody_codec, phrase_loss, with_sliders

Groups = dict[tuple[int, int], np.ndarray]


def share(groups: Groups, total: int, rng: np.random.Generator) -> Groups:
    """At most ``total`` phrases in all, each meter keeping its share (at least one), drawn at random."""
    count = sum(len(w) for w in groups.values())
    out = {}
    for meter, w in groups.items():
        n = max(1, round(total * len(w) / max(count, 1)))
        out[meter] = w[rng.permutation(len(w))[:n]]
    return out


class PhraseObjective:
    """The loss of :func:`phrase_loss` for :func:`~musicstudio.generators.training.loop.fit` on batches of
    ``(meter, tokens)``, with beta annealed over the training batches (validation at the final beta), and the
    history's extra columns: reconstruction, KL and ELBO per phrase, teacher-forced and greedy accuracy, beta."""

    def __init__(self, objective: dict, valid: Groups, device: torch.device):
        self.objective, self.valid, self.device = objective, valid, device
        self.sums = {"train": np.zeros(4), "valid": np.zeros(4)}
        self.steps = 0

    def beta_now(self) -> float:
        ramp = self.objective.get("anneal_steps", 0)
        return self.objective["beta"] * (min(1.0, self.steps / ramp) if ramp else 1.0)

    def __call__(self, m, batch):
        meter, tokens = batch
        x = tokens.to(self.device)
        if m.training:
            self.steps += 1
            beta, side = self.beta_now(), "train"
        else:
            beta, side = self.objective["beta"], "valid"
        slots = group_slots(_config(m), meter, x.shape[1])
        loss, recon, kl, hits = phrase_loss(m, x, beta, self.objective["free_bits"], slots)
        self.sums[side] += [len(x), float(recon.sum()), float(kl.sum()), float(hits.sum())]
        return loss, float(len(x))

    def columns(self, m) -> dict:
        row = {}
        for side in ("train", "valid"):
            n, recon, kl, hits = self.sums[side]
            n = max(n, 1)
            row.update({f"{side}_recon": round(recon / n, 3), f"{side}_kl": round(kl / n, 3),
                        f"{side}_elbo": round(-(recon + kl) / n, 3)})
            self.sums[side] = np.zeros(4)
        row["valid_tf_accuracy"] = round(hits / n, 4)
        row["valid_greedy_accuracy"] = round(self.greedy(m), 4)
        row["beta"] = round(self.beta_now(), 4)
        return row

    def greedy(self, m, phrases: int = 512) -> float:
        """Greedy reconstruction accuracy per step over about ``phrases`` validation phrases, every meter."""
        picked = share(self.valid, phrases, np.random.default_rng(7))
        hits = [(greedy_accuracy(m, w, meter=meter), w.size) for meter, w in picked.items()]
        return float(sum(a * n for a, n in hits) / max(1, sum(n for _, n in hits)))


def _config(m) -> VAEConfig:
    return getattr(m, "module", m).config     # DistributedDataParallel wraps the model


def batches_of(groups: Groups, count: int, size: int, rng: np.random.Generator) -> list:
    """``count`` batches of ``size`` phrases, each from one meter (picked in proportion to its phrases)."""
    meters = list(groups)
    weights = np.array([len(groups[m]) for m in meters], dtype=np.float64)
    picks = rng.choice(len(meters), size=count, p=weights / weights.sum())
    out = []
    for k in picks:
        w = groups[meters[k]]
        rows = rng.integers(0, len(w), size=size)
        out.append((meters[k], torch.from_numpy(w[rows].astype(np.int64))))
    return out


def train(run) -> None:
    from musicstudio.generators.training.loop import LoopConfig, fit, seed_everything
    from musicstudio.generators.training.outputs import ModelFolder
    from musicstudio.generators.vae.phrases import meter_groups
    from musicstudio.generators.vae.pictures import elbo_curves_png

    cfg = run.config
    if cfg.get("threads"):
        torch.set_num_threads(int(cfg["threads"]))
    codec = melody_codec(cfg["codec"])
    loop = LoopConfig.from_dict(cfg.get("train", {}))
    b, obj, cut = cfg["batches"], cfg["objective"], cfg.get("phrases", {})
    model_config = VAEConfig(vocab=codec.size, **cfg["model"])
    run.log(f"{run.name}: reading the corpus ...")
    train_g = {m: w.astype(np.uint8) for m, w in meter_groups(run.corpus, "train", codec, run.data, model_config,
                                                              **cut).items()}
    plain_g = meter_groups(run.corpus, "train", codec, run.data, model_config, augment=False, **cut)
    valid_g = meter_groups(run.corpus, "valid", codec, run.data, model_config, **cut)
    if not train_g or not valid_g:
        raise ValueError("no 2-bar phrases in the training or validation split: widen the data filters")
    valid_g = share(valid_g, b["valid_phrases"], np.random.default_rng(5))
    counts = ", ".join(f"{n}/{d} {len(w):,}" for (n, d), w in sorted(train_g.items(), key=lambda i: -len(i[1])))
    run.log(f"{run.name}: {sum(map(len, train_g.values())):,} training phrases ({counts}), "
            f"{sum(map(len, valid_g.values())):,} validation phrases")
    seed_everything(loop.seed)
    model = MelodyVAE(model_config)
    bs = b["batch_size"]
    valid_batches = [(m, torch.from_numpy(w[i:i + bs].astype(np.int64)))
                     for m, w in valid_g.items() for i in range(0, len(w), bs)]
    objective = PhraseObjective(obj, valid_g, torch.device(run.device))
    folder = ModelFolder(run, FAMILY.name, codec)
    history = fit(run, model, lambda epoch, rng: batches_of(train_g, b["per_epoch"], bs, rng), valid_batches,
                  objective, loop, folder.best_saver(model_config), objective.columns)
    if not run.main:
        return
    run.log(f"{run.name}: computing the latent sliders ...")
    model = MelodyVAE(model_config)
    load_state_into(model, run.out)
    model.eval()
    sample = share(plain_g, b["slider_phrases"], np.random.default_rng(6))
    final, names = with_sliders(model, sample, codec.low)
    _finish(run, folder, final, names, history, obj, train_g, sample)
    elbo_curves_png(run.out / "history.csv", run.out / "elbo.png", f"{run.name}: ELBO, reconstruction and KL")


def _finish(run, folder, final: MelodyVAE, names: list[str], history: list[dict], obj: dict, train_g: Groups,
            sample: Groups) -> None:
    best = min(history, key=lambda r: r["valid_loss"])
    folder.save(final.state_dict(), final.config.to_dict(), best_epoch=best["epoch"], sliders=names, objective=obj)
    per_meter = ", ".join(f"{n}/{d} {len(w):,}" for (n, d), w in train_g.items())
    folder.finish(history, loss_title=f"{run.name}: loss per phrase (reconstruction + beta * KL above free bits)",
                  evaluation=f" and `python -m musicstudio.generators.vae.report {run.out}`",
                  metrics={"best epoch": best["epoch"], "valid loss per phrase (nats)": best["valid_loss"],
                           "valid reconstruction per phrase (nats)": best.get("valid_recon"),
                           "valid KL per phrase (nats)": best.get("valid_kl"),
                           "valid ELBO per phrase (nats)": best.get("valid_elbo"),
                           "valid teacher-forced accuracy": best.get("valid_tf_accuracy"),
                           "valid greedy reconstruction accuracy (512 phrases)": best.get("valid_greedy_accuracy"),
                           "training phrases (with transpositions)": sum(len(w) for w in train_g.values())},
                  parameters=sum(p.numel() for p in final.parameters()),
                  notes=[f"trained with {run.world} processes" if run.world > 1 else "trained in one process",
                         f"training phrases by meter (with transpositions): {per_meter}",
                         f"sliders (from {sum(len(w) for w in sample.values()):,} untransposed training phrases): "
                         f"{', '.join(names)}",
                         "elbo.png: ELBO, reconstruction and KL per phrase against epochs"])
