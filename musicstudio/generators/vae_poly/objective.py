"""The polyphonic VAE's objective (MusicVAE's: reconstruction summed over the phrase's cells plus beta times
the KL above the free bits), greedy reconstruction per step, and encoding rolls."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from musicstudio.generators.vae_poly.model import PolyVAE, kl_per_dim
from musicstudio.generators.vae_poly.roll import HOLD, OFF, ONSET, roll_features


def as_features(rolls) -> torch.Tensor:
    return torch.from_numpy(roll_features(rolls))


def state_features(states: torch.Tensor) -> torch.Tensor:
    """Onset and sounding multi-hots ``(..., steps, 2 * pitches)`` of states: :func:`~.roll.roll_features` in
    torch."""
    return torch.cat([states == ONSET, states != OFF], dim=-1).float()


def roll_targets(features: torch.Tensor, pitches: int) -> torch.Tensor:
    """The states (off 0, onset 1, hold 2) ``(batch, steps, pitches)`` of onset and sounding multi-hots: the
    inverse of :func:`state_features`."""
    onset, sounding = features[..., :pitches] > 0.5, features[..., pitches:] > 0.5
    return torch.where(onset, ONSET, torch.where(sounding, HOLD, OFF)).long()


def phrase_objective(logits: torch.Tensor, states: torch.Tensor, kl: torch.Tensor, beta: float,
                     free_bits: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Per phrase: (the objective, its reconstruction part): the states' cross-entropy under ``logits`` summed
    over the phrase's cells, plus ``beta`` times the KL (``kl``, per phrase) above ``free_bits`` nats."""
    recon = F.cross_entropy(logits.reshape(-1, 3), states.reshape(-1).long(), reduction="none")
    recon = recon.view(len(states), -1).sum(dim=1)
    return recon + beta * torch.clamp(kl - free_bits, min=0.0), recon


def phrase_loss(model: PolyVAE, rolls: torch.Tensor, slots, beta: float, free_bits: float, sample: bool = True):
    """(mean loss, reconstruction, KL per phrase, logits, features) for a batch of rolls of one meter; without
    ``sample`` the decoder reads the posterior mean (beta 0 then makes a deterministic autoencoder)."""
    features = state_features(rolls)
    logits, mu, logvar = model(features, slots, sample)
    kl = kl_per_dim(mu, logvar).sum(dim=1)
    loss, recon = phrase_objective(logits, rolls, kl, beta, free_bits)
    return loss.mean(), recon.detach(), kl.detach(), logits, features


def soft_features(logits: torch.Tensor) -> torch.Tensor:
    """Onset and sounding probabilities ``(batch, steps, 2 * pitches)`` of state logits."""
    p = torch.softmax(logits, dim=-1)
    return torch.cat([p[..., ONSET], p[..., ONSET] + p[..., HOLD]], dim=-1)


@torch.no_grad()
def encode_rolls(model: PolyVAE, rolls: np.ndarray, slots, batch: int = 512) -> np.ndarray:
    model.eval()
    return np.concatenate([model.encode(as_features(rolls[i:i + batch]), slots)[0].numpy()
                           for i in range(0, len(rolls), batch)]) if len(rolls) else np.zeros((0, model.config.latent))


@torch.no_grad()
def reconstruct(model: PolyVAE, rolls: np.ndarray, slots, batch: int = 256) -> np.ndarray:
    """Greedy decoding of each roll's posterior mean."""
    model.eval()
    out = []
    for i in range(0, len(rolls), batch):
        mu, _ = model.encode(as_features(rolls[i:i + batch]), slots)
        out.append(model.decode_states(mu, slots).numpy())
    return np.concatenate(out)


def step_accuracy(decoded: np.ndarray, rolls: np.ndarray) -> float:
    """Share of steps whose every pitch's state (off, onset, hold) is right."""
    return float((np.asarray(decoded) == np.asarray(rolls)).all(axis=-1).mean())
