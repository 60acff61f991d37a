"""Choosing the next token: temperature, nucleus (top-p) and masks, on numpy probabilities.

Every backend that samples tokens uses these, so that the same request means the same thing to all.
"""

from __future__ import annotations

import numpy as np

from musicstudio.generators.watchdog import check_row_sums


def shaped(log_probs: np.ndarray, temperature: float = 1.0, top_p: float = 1.0,
           allowed: np.ndarray | None = None) -> np.ndarray:
    """Probabilities (rows sum to 1) from log-probabilities ``(batch, vocab)``.

    ``allowed`` (bool, ``(vocab,)`` or ``(batch, vocab)``) removes tokens before anything else; a row
    with nothing allowed keeps its unmasked distribution rather than dividing by zero. Temperature
    scales the log-probabilities; top-p keeps the smallest set of most likely tokens whose mass reaches
    ``top_p`` (the most likely token is always kept).
    """
    logits = np.asarray(log_probs, dtype=np.float64)
    if logits.ndim == 1:
        logits = logits[None]
    if allowed is not None:
        mask = np.asarray(allowed, dtype=bool)
        if mask.any(axis=-1).all():     # the usual case: every row allows something (one mask for all, or one each)
            logits = np.where(mask, logits, -np.inf)
        else:
            mask = np.broadcast_to(mask, logits.shape)
            ok = mask.any(axis=1)
            logits = logits.copy()
            logits[ok] = np.where(mask[ok], logits[ok], -np.inf)
    if temperature != 1:
        logits = logits / temperature
    logits = logits - logits.max(axis=1, keepdims=True)   # a new array: the caller's is never changed
    probs = np.exp(logits)
    probs /= probs.sum(axis=1, keepdims=True)
    if top_p < 1.0:
        order = np.argsort(-probs, axis=1, kind="stable")
        sorted_probs = np.take_along_axis(probs, order, axis=1)
        before = np.cumsum(sorted_probs, axis=1) - sorted_probs  # mass of the tokens ranked above
        keep_sorted = before < top_p
        keep = np.zeros_like(keep_sorted)
        np.put_along_axis(keep, order, keep_sorted, axis=1)
        probs = np.where(keep, probs, 0.0)
        probs /= probs.sum(axis=1, keepdims=True)
    return probs


def sample(probs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One token per row of ``probs`` (inverse-CDF sampling, reproducible for a given ``rng``); a row
    that is not a distribution (NaN from a damaged model) raises
    :class:`~musicstudio.generators.watchdog.InvalidProbabilities` instead of always giving token 0."""
    cdf = np.cumsum(probs, axis=1)
    totals = cdf[:, -1]
    check_row_sums(totals)
    draws = rng.random(len(probs)) * totals
    tokens = (cdf < draws[:, None]).sum(axis=1)
    return np.minimum(tokens, probs.shape[1] - 1).astype(np.int64, copy=False)
