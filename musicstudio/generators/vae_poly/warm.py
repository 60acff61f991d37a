"""Warm starts: a polyphonic VAE's weights loaded into a new network to train on, where the new one may have a
wider latent than the old.

Free bits, beta and the learning rate are no shapes: a run that changes only those continues from the saved
weights as they are. A wider latent keeps the old code in its first dimensions; the new dimensions start as
the prior (posterior mean near 0, log-variance 0, so they cost no KL) and are read by the decoder through small
new weights, so the widened network decodes as the old one did at first and learns to use the new dimensions
(the widening of Chen, Goodfellow & Shlens, "Net2Net: Accelerating Learning via Knowledge Transfer", 2016,
made function-preserving by new weights near zero rather than copies). The slider buffers are recomputed at
the end of training and start empty, and so is a fitted prior (:mod:`.fit_prior`).
"""

from __future__ import annotations

from pathlib import Path

import torch

from musicstudio.generators.checkpoint import load_tensors
from musicstudio.generators.vae_poly.model import PolyVAE

_SMALL = 1e-3       # the scale of the new dimensions' weights


def warm_state(model: PolyVAE, folder: str | Path, seed: int = 0) -> dict:
    """The saved network's state shaped for ``model`` (same widths except, possibly, a wider latent)."""
    old = load_tensors(folder)
    new = model.state_dict()
    c = model.config
    before = old["to_state.weight"].shape[1]
    if before > c.latent:
        raise ValueError(f"the saved latent ({before}) is wider than the new one ({c.latent}): cannot warm start")
    gen = torch.Generator().manual_seed(seed)
    out = {}
    for name, value in new.items():
        if name in ("directions", "centre"):
            out[name] = torch.zeros_like(value)
        elif name == "prior_scale":         # fitted again at the end of training
            out[name] = torch.eye(len(value))
        elif name not in old:
            raise ValueError(f"the saved network has no {name}: cannot warm start")
        elif old[name].shape == value.shape:
            out[name] = old[name].clone()
        else:
            out[name] = _widen(name, old[name], value, before, c, gen)
            assert out[name].shape == value.shape, name
    return out


def _small(shape, gen) -> torch.Tensor:
    return torch.randn(shape, generator=gen) * _SMALL


def _widen(name: str, old: torch.Tensor, new: torch.Tensor, before: int, c, gen) -> torch.Tensor:
    latent, extra = c.latent, c.latent - before
    if name == "to_posterior.weight":       # rows: mu (latent), then log-variance (latent)
        mu, logvar = old[:before], old[before:]
        return torch.cat([mu, _small((extra, old.shape[1]), gen), logvar, torch.zeros(extra, old.shape[1])])
    if name == "to_posterior.bias":
        return torch.cat([old[:before], torch.zeros(extra), old[before:], torch.zeros(extra)])
    if name == "to_state.weight":           # columns: z
        return torch.cat([old, _small((old.shape[0], extra), gen)], dim=1)
    if name == "decoder.weight_ih_l0":      # columns: the previous step's multi-hots, z, the slot
        width = 0 if c.decoder_kind == "parallel" else 2 * c.pitches
        return torch.cat([old[:, :width + before], _small((old.shape[0], extra), gen), old[:, width + before:]], 1)
    if name == "decoder.weight_ih_l0_reverse":
        return torch.cat([old[:, :before], _small((old.shape[0], extra), gen), old[:, before:]], dim=1)
    raise ValueError(f"{name}: {tuple(old.shape)} saved, {tuple(new.shape)} wanted (latent {latent}): "
                     "only the latent may widen")
