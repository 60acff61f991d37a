"""The VAE backend: training configs, training on 2-bar phrases of the corpus, and loading.

Objective per phrase (MusicVAE's): reconstruction cross-entropy summed over the 32 steps plus
``beta * max(KL - free_bits, 0)``, beta rising linearly from 0 over the first ``anneal_steps`` batches.
Validation always uses the final beta, so epochs compare. The history also holds reconstruction, KL and
ELBO per phrase (the MGU-V curves, drawn in ``elbo.png``), and teacher-forced and greedy reconstruction
accuracy on validation phrases. After training, the latent sliders are computed on the training phrases
and saved with the weights.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from musicstudio.generators.checkpoint import CheckpointError, build_checked, load_state_into
from musicstudio.generators.codecs import MelodyCodec, codec_from_spec
from musicstudio.generators.vae.model import MelodyVAE, VAEConfig, kl_per_dim

BACKEND = "vae"
_CODEC = {"codec": "melody", "low": 48, "high": 84}
_DATA = {"collections": None, "meter_classes": ["bar"], "transpose": list(range(-5, 7))}
_PHRASES = {"hop": 16, "min_notes": 2, "min_sounding": 0.5}
_MELODY_VAE = {"codec": _CODEC, "model": {"embed": 32, "encoder": 128, "decoder": 256, "decoder_layers": 1,
                                          "latent": 128},
               "data": _DATA, "phrases": _PHRASES, "threads": 1,
               "batches": {"batch_size": 128, "per_epoch": 300, "valid_phrases": 2048, "slider_phrases": 30000}}
CONFIGS = {
    "vae": {"summary": "MusicVAE-style 2-bar melody VAE (bidirectional LSTM encoder, LSTM decoder on z, "
                       "free bits), with latent sliders", **_MELODY_VAE,
            "objective": {"beta": 0.2, "free_bits": 96.0, "anneal_steps": 2000},
            "train": {"epochs": 22, "lr": 1e-3, "clip_norm": 1.0, "patience": 5, "schedule": "cosine",
                      "max_minutes": 38}},
    "vae-hikl": {"summary": "the same 2-bar melody VAE with twice the free bits (a higher-KL latent), for "
                            "reconstruction and interpolation (Magenta ships such a pair)", **_MELODY_VAE,
                 "objective": {"beta": 0.2, "free_bits": 192.0, "anneal_steps": 2000},
                 "train": {"epochs": 26, "lr": 1e-3, "clip_norm": 1.0, "patience": 5, "schedule": "cosine",
                           "max_minutes": 45}},
    "vae-tiny": {"summary": "a tiny melody VAE for tests (about 30 s on one thread)", "codec": _CODEC,
                 "model": {"embed": 16, "encoder": 48, "decoder": 64, "decoder_layers": 1, "latent": 16},
                 "data": {**_DATA, "meter_classes": None, "transpose": [0, 2, -2]},
                 "phrases": _PHRASES, "threads": 1,
                 "objective": {"beta": 0.2, "free_bits": 24.0, "anneal_steps": 50},
                 "batches": {"batch_size": 32, "per_epoch": 50, "valid_phrases": 64, "slider_phrases": 2000},
                 "train": {"epochs": 14, "lr": 8e-3, "patience": 14}},
}


def phrase_loss(model, tokens: torch.Tensor, beta: float, free_bits: float):
    """(mean loss, reconstruction, KL, teacher-forced hits) for a batch of phrases."""
    logits, mu, logvar = model(tokens)
    recon = F.cross_entropy(logits.transpose(1, 2), tokens, reduction="none").sum(dim=1)
    kl = kl_per_dim(mu, logvar).sum(dim=1)
    loss = recon + beta * torch.clamp(kl - free_bits, min=0.0)
    hits = (logits.argmax(dim=-1) == tokens).float().mean(dim=1)
    return loss.mean(), recon.detach(), kl.detach(), hits.detach()


@torch.no_grad()
def greedy_accuracy(model: MelodyVAE, windows: np.ndarray, batch: int = 512) -> float:
    """Per-step accuracy of decoding each phrase's posterior mean greedily."""
    from musicstudio.generators.vae.decoding import decode_tokens

    model.eval()
    hits = []
    for i in range(0, len(windows), batch):
        x = torch.from_numpy(windows[i:i + batch].astype(np.int64))
        mu, _ = model.encode(x)
        hits.append(decode_tokens(model, mu.numpy()) == windows[i:i + batch])
    return float(np.concatenate(hits).mean()) if hits else float("nan")


@torch.no_grad()
def encode_windows(model: MelodyVAE, windows: np.ndarray, batch: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """(mu, logvar) of every window."""
    model.eval()
    mus, lvs = [], []
    for i in range(0, len(windows), batch):
        mu, lv = model.encode(torch.from_numpy(windows[i:i + batch].astype(np.int64)))
        mus.append(mu.numpy())
        lvs.append(lv.numpy())
    return np.concatenate(mus), np.concatenate(lvs)


def melody_codec(spec: dict) -> MelodyCodec:
    codec = codec_from_spec(spec)
    if not isinstance(codec, MelodyCodec):
        raise ValueError("the VAE works on the melody codec")
    return codec


def with_sliders(model: MelodyVAE, phrases: np.ndarray, low: int) -> tuple[MelodyVAE, list[str]]:
    """The trained ``model`` with the latent slider directions computed on ``phrases``, and their names."""
    from musicstudio.generators.vae.attributes import slider_directions

    mu, _ = encode_windows(model, phrases)
    names, directions, centre = slider_directions(mu, phrases, low)
    final = MelodyVAE(VAEConfig(**{**model.config.to_dict(), "directions": len(names)}))
    state = model.state_dict()
    state["directions"] = torch.from_numpy(directions)
    state["centre"] = torch.from_numpy(centre)
    final.load_state_dict(state)
    return final, names


class PhraseObjective:
    """The loss of :func:`phrase_loss` for :func:`~musicstudio.generators.training.loop.fit`, with beta
    annealed over the training batches (validation at the final beta), and the history's extra columns:
    reconstruction, KL and ELBO per phrase, teacher-forced and greedy accuracy, beta."""

    def __init__(self, objective: dict, valid_phrases: np.ndarray, device: torch.device):
        self.objective, self.valid_phrases, self.device = objective, valid_phrases, device
        self.sums = {"train": np.zeros(4), "valid": np.zeros(4)}
        self.steps = 0

    def beta_now(self) -> float:
        ramp = self.objective.get("anneal_steps", 0)
        return self.objective["beta"] * (min(1.0, self.steps / ramp) if ramp else 1.0)

    def __call__(self, m, batch):
        x = batch.to(self.device)
        if m.training:
            self.steps += 1
            beta, side = self.beta_now(), "train"
        else:
            beta, side = self.objective["beta"], "valid"
        loss, recon, kl, hits = phrase_loss(m, x, beta, self.objective["free_bits"])
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
        row["valid_greedy_accuracy"] = round(greedy_accuracy(m, self.valid_phrases[:512]), 4)
        row["beta"] = round(self.beta_now(), 4)
        return row


def train(run) -> None:
    from musicstudio.generators.training.data import split_sequences
    from musicstudio.generators.training.loop import LoopConfig, fit, seed_everything
    from musicstudio.generators.training.outputs import ModelFolder
    from musicstudio.generators.vae.phrases import phrase_windows
    from musicstudio.generators.vae.pictures import elbo_curves_png

    cfg = run.config
    if cfg.get("threads"):
        torch.set_num_threads(int(cfg["threads"]))
    codec = melody_codec(cfg["codec"])
    loop = LoopConfig.from_dict(cfg.get("train", {}))
    b, obj, cut = cfg["batches"], cfg["objective"], cfg.get("phrases", _PHRASES)
    data = run.data
    run.log(f"{run.name}: reading the corpus ...")
    train_w = phrase_windows(split_sequences(run.corpus, "train", codec, data), **cut).astype(np.uint8)
    plain_w = phrase_windows(split_sequences(run.corpus, "train", codec, data, augment=False), **cut)
    valid_w = phrase_windows(split_sequences(run.corpus, "valid", codec, data), **cut)
    if not len(train_w) or not len(valid_w):
        raise ValueError("no 2-bar phrases in the training or validation split: widen the data filters")
    valid_w = valid_w[np.random.default_rng(5).permutation(len(valid_w))[:b["valid_phrases"]]]
    run.log(f"{run.name}: {len(train_w):,} training phrases ({len(plain_w):,} untransposed), "
            f"{len(valid_w):,} validation phrases")
    model_config = VAEConfig(vocab=codec.size, **cfg["model"])
    seed_everything(loop.seed)
    model = MelodyVAE(model_config)
    bs = b["batch_size"]
    valid_batches = [torch.from_numpy(valid_w[i:i + bs]) for i in range(0, len(valid_w), bs)]
    objective = PhraseObjective(obj, valid_w, torch.device(run.device))

    def train_batches(epoch: int, rng: np.random.Generator) -> list:
        picks = rng.integers(0, len(train_w), size=b["per_epoch"] * bs)
        return [torch.from_numpy(train_w[picks[i:i + bs]].astype(np.int64)) for i in range(0, len(picks), bs)]

    folder = ModelFolder(run, BACKEND, codec)
    history = fit(run, model, train_batches, valid_batches, objective, loop, folder.best_saver(model_config),
                  objective.columns)
    if not run.main:
        return
    run.log(f"{run.name}: computing the latent sliders ...")
    model = MelodyVAE(model_config)
    load_state_into(model, run.out)
    model.eval()
    sample = plain_w[np.random.default_rng(6).permutation(len(plain_w))[:b["slider_phrases"]]]
    final, names = with_sliders(model, sample, codec.low)
    best = min(history, key=lambda r: r["valid_loss"])
    folder.save(final.state_dict(), final.config.to_dict(), best_epoch=best["epoch"], sliders=names, objective=obj)
    folder.finish(history, loss_title=f"{run.name}: loss per phrase (reconstruction + beta * KL above free bits)",
                  evaluation=f" and `python -m musicstudio.generators.vae.report {run.out}`",
                  metrics={"best epoch": best["epoch"], "valid loss per phrase (nats)": best["valid_loss"],
                           "valid reconstruction per phrase (nats)": best.get("valid_recon"),
                           "valid KL per phrase (nats)": best.get("valid_kl"),
                           "valid ELBO per phrase (nats)": best.get("valid_elbo"),
                           "valid teacher-forced accuracy": best.get("valid_tf_accuracy"),
                           "valid greedy reconstruction accuracy (512 phrases)": best.get("valid_greedy_accuracy"),
                           "training phrases (with transpositions)": len(train_w)},
                  parameters=sum(p.numel() for p in final.parameters()),
                  notes=[f"trained with {run.world} processes" if run.world > 1 else "trained in one process",
                         f"sliders (from {len(sample):,} untransposed training phrases): {', '.join(names)}",
                         "elbo.png: ELBO, reconstruction and KL per phrase against epochs"])
    elbo_curves_png(run.out / "history.csv", run.out / "elbo.png", f"{run.name}: ELBO, reconstruction and KL")


def load(folder: Path, config: dict, device: str = "cpu"):
    from musicstudio.generators.phrases import TokenPhrases
    from musicstudio.generators.vae.generator import VAEGenerator

    folder = Path(folder)
    try:
        phrases = TokenPhrases.from_vocabulary(config["codec"])
        if not phrases.is_melody:
            raise ValueError("the VAE works on the melody codec")
        model_config = VAEConfig(**config["model"])
        if model_config.vocab != phrases.vocab_size:
            raise ValueError(f"the model's vocabulary ({model_config.vocab}) is not the codec's "
                             f"({phrases.vocab_size})")
        sliders = list(config.get("sliders", []))
        if len(sliders) != model_config.directions:
            raise ValueError(f"{len(sliders)} slider names for {model_config.directions} directions")
    except (KeyError, TypeError, ValueError) as e:
        raise CheckpointError(folder / "config.json", f"it does not describe a melody VAE ({e})") from None
    model = build_checked(lambda: MelodyVAE(model_config), folder, "a melody VAE")
    return VAEGenerator(config.get("name", folder.name), model, phrases, sliders, device)
