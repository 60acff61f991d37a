"""Decoding z into tokens one step at a time, with masks (key lock, pitch range), temperature and top-p.

Randomness comes from a numpy generator the caller seeds, so the same request gives the same phrase.
``temperature=0`` decodes greedily (the most likely allowed token each step), which is how reconstruction
accuracy and interpolations are measured.
"""

from __future__ import annotations

import numpy as np
import torch

from musicstudio.generators.sampling import sample, shaped
from musicstudio.generators.vae.model import MelodyVAE


@torch.no_grad()
def decode_tokens(model: MelodyVAE, z: np.ndarray, temperature: float = 0.0, top_p: float = 1.0,
                  allowed: np.ndarray | None = None, rng: np.random.Generator | None = None,
                  steps: int | None = None) -> np.ndarray:
    """``(rows, steps)`` tokens for latent vectors ``z`` ``(rows, latent)``."""
    device = next(model.parameters()).device
    zt = torch.as_tensor(np.asarray(z, np.float32), device=device)
    rows = zt.shape[0]
    steps = steps or model.config.steps
    state = model.initial_state(zt)
    previous = torch.full((rows,), model.start_token, dtype=torch.long, device=device)
    mask = None
    if allowed is not None and not np.asarray(allowed).all():
        mask = torch.as_tensor(~np.asarray(allowed, bool), device=device)
    out = np.zeros((rows, steps), dtype=np.int64)
    for t in range(steps):
        logits, state = model.step(zt, previous, state)
        if temperature <= 0:
            if mask is not None:
                logits = logits.masked_fill(mask, float("-inf"))
            tokens = logits.argmax(dim=-1).cpu().numpy()
        else:
            log_p = torch.log_softmax(logits.float(), dim=-1).cpu().numpy()
            tokens = sample(shaped(log_p, temperature, top_p, allowed), rng or np.random.default_rng(0))
        out[:, t] = tokens
        previous = torch.as_tensor(tokens, device=device)
    return out


def slerp(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    """Spherical interpolation between two latent vectors (linear where they are nearly parallel)."""
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na < 1e-8 or nb < 1e-8:
        return (1 - t) * a + t * b
    cos = float(np.clip(np.dot(a / na, b / nb), -1.0, 1.0))
    omega = np.arccos(cos)
    if omega < 1e-4:
        return (1 - t) * a + t * b
    return (np.sin((1 - t) * omega) * a + np.sin(t * omega) * b) / np.sin(omega)
