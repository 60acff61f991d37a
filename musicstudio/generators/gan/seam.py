"""The first bar of a take, chosen among several draws by how it joins the seed (a model's ``first_bar``
in its config: ``{"draws": k, "chord_weight": w}``).

MidiNet's generator sees the bar before through its conditioner, but nothing in its losses asks that the
bar it writes *sound* like a continuation of that bar: a draw of noise can land on a bar whose harmony is
far from the seed's last bar. With ``k`` draws the first bar after the seed is written ``k`` times per
variation (the variation's own noise and ``k - 1`` more, from a stream of the request's seed of their own)
and each variation keeps the draw with the smallest

    d(draw, seed's last bar) + w * d(draw, the bar's chord)

where d is the distance between tonal centroids (Harte, Sandler & Gasser, "Detecting harmonic change in
musical audio", 2006): the first term is the bar-to-bar tonal distance issue 8's seam figure measures, the
second keeps the draw on the chord it was asked to follow (the seam alone pulls the first bar towards the
seed's last chord, away from the progression's, which starts again from the seed's first bar). Every later
bar is one draw, as before; one draw (no ``first_bar``: every model trained before) writes bit for bit what
it wrote before. A bar costs about a millisecond, so ``k`` draws of the first bar cost ``k - 1`` bars more
per request.
"""

from __future__ import annotations

import numpy as np

from musicstudio.generators.evaluation.musegan import centroid_of_chroma
from musicstudio.generators.gan.chords import roll_chroma

SOUNDING = 0


def extra_noise(random_seed: int, draws: int, rows: int, size: int, temperature: float) -> np.ndarray:
    """The noise of the first bar's ``draws - 1`` further draws per variation, (draws - 1) * rows vectors, from
    a generator of their own (the request's noise stays what it was)."""
    rng = np.random.default_rng([int(random_seed) & 0xFFFFFFFF, 0x5EA])
    return rng.standard_normal(((draws - 1) * rows, size)).astype(np.float32) * temperature


def nearest_draws(bars: np.ndarray, seed_chroma: np.ndarray, low: int, chord_chroma: np.ndarray | None = None,
                  chord_weight: float = 0.0) -> np.ndarray:
    """For draws ``bars`` (draws, rows, planes, steps, pitches) of the first bar, the index of the draw each
    row keeps: the one whose tonal centroid is nearest ``seed_chroma``'s (12,), plus ``chord_weight`` times
    its distance from the centroid of the bar's chord (``chord_chroma``, its triad's pitch classes; none for
    "no chord"); a silent draw goes last, and the first draw is kept where the seed's last bar is silent (or
    every draw is)."""
    draws, rows = bars.shape[:2]
    target = centroid_of_chroma(np.asarray(seed_chroma, dtype=float))
    if np.isnan(target).any():
        return np.zeros(rows, dtype=int)
    chroma = roll_chroma(bars[:, :, SOUNDING].reshape(draws * rows, *bars.shape[3:]), low)
    centroids = centroid_of_chroma(chroma)
    distance = np.linalg.norm(centroids - target, axis=-1)
    chord = None if chord_chroma is None else centroid_of_chroma(np.asarray(chord_chroma, dtype=float))
    if chord_weight and chord is not None and not np.isnan(chord).any():
        distance = distance + chord_weight * np.linalg.norm(centroids - chord, axis=-1)
    distance = np.where(np.isnan(distance), np.inf, distance).reshape(draws, rows)
    return distance.argmin(axis=0)   # the first of equals: draw 0 where all are silent
