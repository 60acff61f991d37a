"""Decoding z into tokens one step at a time, with masks (key lock, pitch range), temperature and top-p.

Randomness comes from a numpy generator the caller seeds, so the same request gives the same phrase.
``temperature=0`` decodes greedily (the most likely allowed token each step), which is how reconstruction
accuracy and interpolations are measured.

On the CPU a one-layer decoder steps in numpy (:class:`NumpyDecoder`), as the LSTM backend's sampler
does: z's share of the gates is computed once per phrase, the token embedding is folded into a table,
and a step is one small matrix product and a ``tanh``. Decoding 2 bars then takes about a millisecond
instead of tens (torch's per-call overhead dominates at a handful of rows). A meter-aware model's position
slots are folded into a table the same way: a step adds its slot's row to the gates.
"""

from __future__ import annotations

import numpy as np
import torch

from musicstudio.generators.sampling import sample, shaped
from musicstudio.generators.vae.model import MelodyVAE


class NumpyDecoder:
    """The decoder LSTM's equations on numpy arrays (one layer), for the CPU."""

    def __init__(self, model: MelodyVAE):
        c = model.config
        p = {k: v.detach().float().cpu().numpy() for k, v in model.state_dict().items()}
        H, E, L = c.decoder, c.embed, c.latent
        w_ih = p["decoder.weight_ih_l0"]
        self.hidden = H
        self.token_table = (p["embed.weight"] @ w_ih[:, :E].T).astype(np.float32)
        self.z_weight = np.ascontiguousarray(w_ih[:, E:E + L].T)
        self.slot_table = (p["position.weight"] @ w_ih[:, E + L:].T).astype(np.float32) \
            if "position.weight" in p else None
        self.bias = (p["decoder.bias_ih_l0"] + p["decoder.bias_hh_l0"]).astype(np.float32)
        self.recurrent = np.ascontiguousarray(p["decoder.weight_hh_l0"].T)
        self.state_w, self.state_b = np.ascontiguousarray(p["to_state.weight"].T), p["to_state.bias"]
        self.head_w, self.head_b = np.ascontiguousarray(p["head.weight"].T), p["head.bias"]
        self.start_token = model.start_token

    def begin(self, z: np.ndarray):
        s = np.tanh(z @ self.state_w + self.state_b)
        H = self.hidden
        return s[:, :H].copy(), s[:, H:].copy(), z @ self.z_weight + self.bias

    def step(self, previous: np.ndarray, h: np.ndarray, c: np.ndarray, z_gates: np.ndarray, slot: int | None = None):
        H = self.hidden
        gates = self.token_table[previous] + z_gates + h @ self.recurrent
        if slot is not None and self.slot_table is not None:
            gates = gates + self.slot_table[slot]
        i = 1.0 / (1.0 + np.exp(-gates[:, :H]))
        f = 1.0 / (1.0 + np.exp(-gates[:, H:2 * H]))
        g = np.tanh(gates[:, 2 * H:3 * H])
        o = 1.0 / (1.0 + np.exp(-gates[:, 3 * H:]))
        c = f * c + i * g
        h = o * np.tanh(c)
        return h @ self.head_w + self.head_b, h, c


def _numpy_decoder(model: MelodyVAE) -> NumpyDecoder | None:
    if model.config.decoder_layers != 1 or next(model.parameters()).device.type != "cpu":
        return None
    cached = getattr(model, "_numpy_decoder", None)
    if cached is None or cached[0] != model.decoder.weight_hh_l0._version:
        cached = (model.decoder.weight_hh_l0._version, NumpyDecoder(model))
        object.__setattr__(model, "_numpy_decoder", cached)
    return cached[1]


def _choose(logits: np.ndarray, temperature: float, top_p: float, allowed, rng) -> np.ndarray:
    if temperature <= 0:
        if allowed is not None:
            logits = np.where(allowed, logits, -np.inf)
        return logits.argmax(axis=1)
    logits = logits - logits.max(axis=1, keepdims=True)
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return sample(shaped(log_p, temperature, top_p, allowed), rng or np.random.default_rng(0))


@torch.no_grad()
def decode_tokens(model: MelodyVAE, z: np.ndarray, temperature: float = 0.0, top_p: float = 1.0,
                  allowed: np.ndarray | None = None, rng: np.random.Generator | None = None,
                  steps: int | None = None, slots: np.ndarray | None = None) -> np.ndarray:
    """``(rows, steps)`` tokens for latent vectors ``z`` ``(rows, latent)``; a meter-aware model needs
    ``slots``, the position slot of each step (their number is the steps then)."""
    if allowed is not None and np.asarray(allowed).all():
        allowed = None
    if model.position is not None and slots is None:
        slots = model.config.slots((4, 4), steps or model.config.steps)
    if model.position is None:
        slots = None
    steps = len(slots) if slots is not None else steps or model.config.steps
    at = (lambda t: int(slots[t])) if slots is not None else (lambda t: None)
    fast = None if model.training else _numpy_decoder(model)
    if fast is not None:
        z = np.asarray(z, np.float32)
        h, c, z_gates = fast.begin(z)
        previous = np.full(len(z), fast.start_token, dtype=np.int64)
        out = np.zeros((len(z), steps), dtype=np.int64)
        for t in range(steps):
            logits, h, c = fast.step(previous, h, c, z_gates, at(t))
            previous = _choose(logits, temperature, top_p, allowed, rng)
            out[:, t] = previous
        return out
    device = next(model.parameters()).device
    zt = torch.as_tensor(np.asarray(z, np.float32), device=device)
    rows = zt.shape[0]
    state = model.initial_state(zt)
    previous = torch.full((rows,), model.start_token, dtype=torch.long, device=device)
    mask = None if allowed is None else torch.as_tensor(~np.asarray(allowed, bool), device=device)
    out = np.zeros((rows, steps), dtype=np.int64)
    for t in range(steps):
        logits, state = model.step(zt, previous, state, at(t))
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
