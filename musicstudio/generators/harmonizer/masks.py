"""The masks the harmonizer learns under: Coconet's orderless masks (a random share of the steps of a random
set of voices), weighted towards the masks it is asked to fill: the alto, tenor and bass given the soprano
(Harmonize) and one whole voice given the other three (Add a part)."""

from __future__ import annotations

import numpy as np

HARMONIZE = np.array([0, 1, 1, 1], bool)


def voice_set(rng: np.random.Generator) -> np.ndarray:
    """Which voices are (partly) masked: alto, tenor and bass 35% of the time, one voice 25%, else each
    voice with probability one half (at least one)."""
    draw = rng.random()
    if draw < 0.35:
        return HARMONIZE.copy()
    if draw < 0.6:
        return np.eye(4, dtype=bool)[rng.integers(4)]
    chosen = rng.random(4) < 0.5
    if not chosen.any():
        chosen[rng.integers(4)] = True
    return chosen


def training_mask(rng: np.random.Generator, steps: int) -> np.ndarray:
    """(4, steps) bool: the steps to predict. The chosen voices are masked whole 40% of the time, else at a
    rate drawn uniformly from 0.05..1, as blocked Gibbs sampling masks them (:mod:`.gibbs`)."""
    voices = voice_set(rng)
    rate = 1.0 if rng.random() < 0.4 else rng.uniform(0.05, 1.0)
    return (rng.random((4, steps)) < rate) & voices[:, None]
