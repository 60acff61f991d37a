"""Training the 4-bar conductor (:mod:`.conductor`) against the frozen 2-bar polyphonic VAE: the data (4-bar
phrases and their chunks' codes), the training loop, the fitted prior of z4 and the validation score. Safe to
import: no side effects."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from musicstudio.generators.vae_poly.conductor_model import (
    OBJECTIVES,
    Conductor,
    ConductorSpec,
    code_nll,
    kl_per_row,
    load_conductor,
    save_conductor,
)


# -- data -------------------------------------------------------------------------------------------------------
def phrase_groups(vae, cache, split: str, bars: int = 4, hop_bars: int = 2, transpose=(0,),
                  per_meter: int | None = None, seed: int = 0) -> dict:
    """``{meter: rolls (n, steps, pitches)}``: the split's phrases of ``bars`` bars (``bars / 2`` chunks)."""
    from musicstudio.generators.vae_poly.data import read_cache
    from musicstudio.generators.vae_poly.phrases import meter_groups, pick

    if bars % 2:
        raise ValueError(f"a phrase of the conductor is whole 2-bar chunks, not {bars} bars")
    groups, _ = meter_groups(read_cache(cache) if not isinstance(cache, tuple) else cache, split, vae.codec,
                             vae.config, transpose, bars=bars, hop_bars=hop_bars)
    return pick(groups, per_meter, seed) if per_meter else groups


def chunk_codes(vae, rolls: np.ndarray, meter, refined: bool = False, batch: int = 1024) -> np.ndarray:
    """Codes ``(n, chunks, latent)`` of phrases ``(n, steps, pitches)``: the encoder's means of their 2-bar
    chunks, or with ``refined`` the codes the model's encode path gives (:mod:`.refine`)."""
    from musicstudio.generators.vae_poly.objective import as_features

    size = vae.phrase_steps(meter)
    n, steps = rolls.shape[:2]
    chunks = np.ascontiguousarray(rolls.reshape(-1, size, rolls.shape[-1]))
    if refined:
        codes = vae.encode_rolls(chunks, meter)
    else:
        slots = vae.config.slots(meter, size)
        with torch.no_grad():
            codes = np.concatenate([vae.model.encode(as_features(chunks[i:i + batch]), slots)[0].numpy()
                                    for i in range(0, len(chunks), batch)])
    return codes.reshape(n, steps // size, -1)


# -- training ---------------------------------------------------------------------------------------------------
def _decoder_term(kernel, conductor: Conductor, written: torch.Tensor, phrases, rows: int):
    """The frozen decoder's teacher-forced loss of the phrases' chunks at the written codes (per row), and a
    surrogate whose gradient through ``written`` is that loss's (the kernel's gradient, fed back)."""
    flat = written.reshape(-1, conductor.code)
    loss, grad = kernel.objective(flat.detach(), phrases)
    per_row = loss.view(rows, -1).sum(dim=1)
    return per_row, (grad * flat).sum(dim=1).view(rows, -1).sum(dim=1)


def prepared(vae, cache, split: str, hop_bars: int, transpose=(0,), per_meter: int | None = None, seed: int = 0):
    """``[(meter, rolls, slots, codes)]`` of the split's 4-bar phrases, the codes the encoder's means."""
    out = []
    for meter, rolls in phrase_groups(vae, cache, split, 4, hop_bars, transpose, per_meter, seed).items():
        slots = vae.config.slots(meter, vae.phrase_steps(meter))
        out.append((meter, rolls, slots, torch.from_numpy(chunk_codes(vae, rolls, meter))))
    return out


def _start(train_groups, code: int, latent: int, hidden: int, init: Path | None) -> Conductor:
    """A conductor from ``init``, or a new one whose codes are normalised by the training codes' mean and spread."""
    if init is not None:
        return load_conductor(Path(init), code, ConductorSpec(Path(init).name, latent, hidden, 2, True)).train()
    conductor = Conductor(code, latent, hidden, 2)
    every = torch.cat([g[3].reshape(-1, code) for g in train_groups])
    conductor.offset.copy_(every.mean(dim=0))
    conductor.spread.copy_(every.std(dim=0).clamp_min(1e-3))
    return conductor.train()


def _batch_loss(kernel, conductor: Conductor, objective: str, rolls, slots, codes, beta: float, free_bits: float):
    """The batch's mean loss to minimise, and its reconstruction terms and KLs per row (for the log)."""
    from musicstudio.generators.vae_poly.objective import as_features

    written, mu, logvar = conductor(codes)
    kl = kl_per_row(mu, logvar)
    prior = beta * torch.clamp(kl - free_bits, min=0.0)
    if objective == "code":
        recon = code_nll(conductor, written, codes)
        return (recon + prior).mean(), recon, kl
    size = rolls.shape[1] // conductor.chunks
    x = as_features(np.ascontiguousarray(rolls.reshape(-1, size, rolls.shape[-1])))
    recon, surrogate = _decoder_term(kernel, conductor, written, kernel.phrases(x, slots), len(rolls))
    return (surrogate + prior).mean(), recon, kl


def train(vae, cache, out: Path, latent: int = 64, hidden: int = 256, objective: str = "code", beta: float = 1.0,
          free_bits: float = 0.0, batch: int = 64, lr: float = 1e-3, minutes: float = 5.0,
          validate_every: int = 200, valid_per_meter: int = 100, transpose=(0,), seed: int = 0,
          init: Path | None = None, log=print) -> dict:
    """Train a :class:`~.conductor.Conductor` on the training split's 4-bar phrases (hop 2 bars; each training
    piece in every transposition of ``transpose``; the chunk codes are the encoder's means) for ``minutes``, each
    batch drawn from one meter in proportion to the meters' phrases; every ``validate_every`` batches score it on
    a fixed pick of the valid split's 4-bar phrases (hop 4 bars) and keep the best by the frozen decoder's
    teacher-forced loss of the phrases at the codes written from z4's mean, written to ``out``; ``init``: a
    conductor of the same shape to start from. ``objective``: ``code`` or ``decoder`` (:mod:`.conductor`).
    Returns the history."""
    from musicstudio.generators.vae_poly.kernel import Kernel

    if objective not in OBJECTIVES:
        raise ValueError(f"no objective {objective!r} ({' or '.join(OBJECTIVES)})")
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    kernel = Kernel(vae.model.eval())
    train_groups = prepared(vae, cache, "train", 2, transpose, seed=seed)
    valid_groups = prepared(vae, cache, "valid", 4, (0,), valid_per_meter, seed)
    sizes = np.array([len(g[1]) for g in train_groups], float)
    log(f"training phrases: {int(sizes.sum())} in {len(sizes)} meters; valid pick: "
        f"{sum(len(g[1]) for g in valid_groups)}")
    conductor = _start(train_groups, vae.model.config.latent, latent, hidden, init)
    optimiser = torch.optim.Adam(conductor.parameters(), lr=lr)
    history, best = [], None
    started = time.monotonic()
    batches = 0

    def validate():
        nonlocal best
        conductor.eval()
        s = score(vae, kernel, conductor, valid_groups)
        conductor.train()
        row = {"minutes": round((time.monotonic() - started) / 60, 2), "batches": batches, **s}
        history.append(row)
        log(json.dumps(row))
        if best is None or s["decoder_loss"] < best["decoder_loss"]:
            best = row
            save_conductor(conductor, out)

    validate()
    while time.monotonic() - started < minutes * 60:
        _, rolls, slots, codes = train_groups[rng.choice(len(sizes), p=sizes / sizes.sum())]
        rows = rng.choice(len(rolls), size=min(batch, len(rolls)), replace=False)
        loss, recon, kl = _batch_loss(kernel, conductor, objective, rolls[rows], slots, codes[rows], beta, free_bits)
        optimiser.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(conductor.parameters(), 1.0)
        optimiser.step()
        batches += 1
        if batches % 100 == 0:
            log(f"batch {batches}: reconstruction {float(recon.detach().mean()):.1f}, "
                f"kl {float(kl.detach().mean()):.1f}")
        if batches % validate_every == 0:
            validate()
    validate()
    return {"history": history, "best": best}


def fit_prior(vae, conductor: Conductor, cache, transpose=(0,)) -> None:
    """Fit ``prior_centre`` / ``prior_scale`` to the z4 means of the training split's 4-bar phrases (the
    Cholesky factor of their covariance, a little ridge added)."""
    means = []
    for meter, rolls in phrase_groups(vae, cache, "train", 4, 2, transpose).items():
        with torch.no_grad():
            means.append(conductor.encode(torch.from_numpy(chunk_codes(vae, rolls, meter)))[0])
    m = torch.cat(means).double()
    cov = torch.cov(m.T) + 1e-4 * torch.eye(m.shape[1], dtype=torch.float64)
    conductor.prior_centre.copy_(m.mean(dim=0).float())
    conductor.prior_scale.copy_(torch.linalg.cholesky(cov).float())


def score(vae, kernel, conductor: Conductor, groups, batch: int = 256) -> dict:
    """On phrases ``[(meter, rolls, slots, codes)]``: the frozen decoder's teacher-forced loss per chunk of the
    phrases at the codes written from z4's mean (and at their own codes: the flat path), greedy step accuracy
    of both, the code objective, and z4's mean KL."""
    from musicstudio.generators.vae_poly.objective import as_features

    losses, flat_losses, hits, flat_hits, nll, kl = [], [], [], [], [], []
    for _, rolls, slots, codes in groups:
        size = rolls.shape[1] // conductor.chunks
        for i in range(0, len(rolls), batch):
            r = rolls[i:i + batch]
            c = codes[i:i + batch]
            with torch.no_grad():
                mu, logvar = conductor.encode(c)
                written = conductor.decode(mu)
                nll.append(code_nll(conductor, written, c).numpy())
            kl.append(kl_per_row(mu, logvar).numpy())
            x = as_features(np.ascontiguousarray(r.reshape(-1, size, r.shape[-1])))
            phrases = kernel.phrases(x, slots)
            flat_z, hier_z = c.reshape(-1, conductor.code), written.reshape(-1, conductor.code)
            losses.append(kernel.objective(hier_z, phrases, grad=False)[0].numpy())
            flat_losses.append(kernel.objective(flat_z, phrases, grad=False)[0].numpy())
            target = r.reshape(-1, size, r.shape[-1])
            hits.append((kernel.decode(hier_z, slots).numpy() == target).all(axis=-1).ravel())
            flat_hits.append((kernel.decode(flat_z, slots).numpy() == target).all(axis=-1).ravel())
    def mean(values, places):
        return round(float(np.concatenate(values).mean()), places)

    return {"decoder_loss": mean(losses, 2), "flat_decoder_loss": mean(flat_losses, 2),
            "step_accuracy": mean(hits, 4), "flat_step_accuracy": mean(flat_hits, 4),
            "code_nll": mean(nll, 2), "kl": mean(kl, 2)}
