"""The polyphonic VAE's latent sliders, as MusicVAE's: an attribute vector is the mean z of the phrases in the
attribute's top quartile minus that of its bottom quartile (quartiles within each meter, so that no slider is a
meter); the leading principal components of the encoded phrases (two standard deviations long) follow."""

from __future__ import annotations

import numpy as np
import torch

from musicstudio.generators.vae.attributes import _group_means, attribute_vector
from musicstudio.generators.vae_poly.model import PolyConfig, PolyVAE
from musicstudio.generators.vae_poly.objective import encode_rolls
from musicstudio.generators.vae_poly.phrases import ATTRIBUTES, attribute_table

COMPONENTS = 3


def slider_rows(model: PolyVAE, groups: dict, low: int, seed: int = 0) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(names, directions ``(n, latent)``, centre) from the phrases of ``groups`` (``{meter: rolls}``)."""
    rng = np.random.default_rng(seed)
    meters = list(groups)
    z = np.concatenate([encode_rolls(model, groups[m], model.config.slots(m, groups[m].shape[1])) for m in meters])
    labels = np.concatenate([np.full(len(groups[m]), k) for k, m in enumerate(meters)])
    tables = [attribute_table(groups[m], low, m) for m in meters]
    names, rows = [], []
    for name in ATTRIBUTES:
        names.append(name)
        rows.append(attribute_vector(z, np.concatenate([t[name] for t in tables]), rng, labels))
    _, s, vt = np.linalg.svd(z - _group_means(z, labels), full_matrices=False)
    sd = s / np.sqrt(max(len(z) - 1, 1))
    for k in range(min(COMPONENTS, len(vt))):
        v = vt[k] * np.sign(vt[k][np.argmax(np.abs(vt[k]))])
        names.append(f"component_{k + 1}")
        rows.append(2.0 * sd[k] * v)
    return names, np.stack(rows).astype(np.float32), z


def prior_scale(codes: np.ndarray) -> np.ndarray:
    """The Cholesky factor of the codes' covariance: ``centre + scale @ eps`` for standard normal ``eps`` draws from
    the Gaussian fitted to them (ex-post density estimation: Ghosh, Sajjadi, Vergari, Black & Schölkopf, "From
    Variational to Deterministic Autoencoders", 2020)."""
    cov = np.cov(np.asarray(codes, np.float64).T)
    return np.linalg.cholesky(cov + 1e-5 * np.eye(len(cov))).astype(np.float32)


def with_sliders(model: PolyVAE, groups: dict, low: int, fitted_prior: bool | None = None) -> tuple[PolyVAE, list[str]]:
    """The trained model with its slider buffer filled (and, with ``fitted_prior``, default the config's, its
    prior fitted to the same phrases' codes), and the sliders' names."""
    names, directions, z = slider_rows(model, groups, low)
    fitted = model.config.fitted_prior if fitted_prior is None else fitted_prior
    final = PolyVAE(PolyConfig(**{**model.config.to_dict(), "directions": len(names), "fitted_prior": fitted}))
    state = {k: v for k, v in model.state_dict().items() if k != "prior_scale"}
    state["directions"] = torch.from_numpy(directions)
    state["centre"] = torch.from_numpy(z.mean(axis=0).astype(np.float32))
    if fitted:
        state["prior_scale"] = torch.from_numpy(prior_scale(z))
    final.load_state_dict(state)
    return final.eval(), names
