"""The melody VAE's objective and the phrase-level helpers training and fine-tuning share: the loss per
phrase (MusicVAE's: reconstruction plus beta times the KL above the free bits), greedy reconstruction,
encoding phrases, and the latent sliders computed on encoded phrases."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from musicstudio.generators.codecs import MelodyCodec, codec_from_spec
from musicstudio.generators.vae.model import MelodyVAE, VAEConfig, kl_per_dim


def phrase_loss(model, tokens: torch.Tensor, beta: float, free_bits: float, slots=None):
    """(mean loss, reconstruction, KL, teacher-forced hits) for a batch of phrases (of one meter: ``slots``
    are their steps' position slots for a meter-aware model)."""
    logits, mu, logvar = model(tokens, slots=slots)
    recon = F.cross_entropy(logits.transpose(1, 2), tokens, reduction="none").sum(dim=1)
    kl = kl_per_dim(mu, logvar).sum(dim=1)
    loss = recon + beta * torch.clamp(kl - free_bits, min=0.0)
    hits = (logits.argmax(dim=-1) == tokens).float().mean(dim=1)
    return loss.mean(), recon.detach(), kl.detach(), hits.detach()


def group_slots(config: VAEConfig, meter: tuple[int, int], steps: int) -> np.ndarray | None:
    """The position slots of a phrase of ``steps`` steps in ``meter`` from a bar line (None without meters)."""
    return config.slots(meter, steps) if config.meters else None


@torch.no_grad()
def greedy_accuracy(model: MelodyVAE, windows: np.ndarray, batch: int = 512,
                    meter: tuple[int, int] = (4, 4)) -> float:
    """Per-step accuracy of decoding each phrase's posterior mean greedily (phrases of one meter)."""
    from musicstudio.generators.vae.decoding import decode_tokens

    model.eval()
    slots = group_slots(model.config, meter, windows.shape[1])
    hits = []
    for i in range(0, len(windows), batch):
        x = torch.from_numpy(windows[i:i + batch].astype(np.int64))
        mu, _ = model.encode(x, slots)
        hits.append(decode_tokens(model, mu.numpy(), slots=slots) == windows[i:i + batch])
    return float(np.concatenate(hits).mean()) if hits else float("nan")


@torch.no_grad()
def encode_windows(model: MelodyVAE, windows: np.ndarray, batch: int = 1024,
                   meter: tuple[int, int] = (4, 4)) -> tuple[np.ndarray, np.ndarray]:
    """(mu, logvar) of every window (phrases of one meter)."""
    model.eval()
    slots = group_slots(model.config, meter, windows.shape[1])
    mus, lvs = [], []
    for i in range(0, len(windows), batch):
        mu, lv = model.encode(torch.from_numpy(windows[i:i + batch].astype(np.int64)), slots)
        mus.append(mu.numpy())
        lvs.append(lv.numpy())
    return np.concatenate(mus), np.concatenate(lvs)


def melody_codec(spec: dict) -> MelodyCodec:
    codec = codec_from_spec(spec)
    if not isinstance(codec, MelodyCodec):
        raise ValueError("the VAE works on the melody codec")
    return codec


def with_sliders(model: MelodyVAE, groups: dict[tuple[int, int], np.ndarray], low: int) -> tuple[MelodyVAE, list[str]]:
    """The trained ``model`` with the latent slider directions computed on the phrases of ``groups`` (by
    meter: each attribute's quartiles are taken within a meter, so that no slider is a meter), and their
    names."""
    from musicstudio.generators.vae.attributes import slider_directions

    meters = list(groups)
    mu = [encode_windows(model, groups[m], meter=m)[0] for m in meters]
    labels = np.concatenate([np.full(len(groups[m]), k) for k, m in enumerate(meters)])
    names, directions, centre = slider_directions(np.concatenate(mu), [w for m in meters for w in groups[m]], low,
                                                  groups=labels)
    final = MelodyVAE(VAEConfig(**{**model.config.to_dict(), "directions": len(names)}))
    state = model.state_dict()
    state["directions"] = torch.from_numpy(directions)
    state["centre"] = torch.from_numpy(centre)
    final.load_state_dict(state)
    return final, names
