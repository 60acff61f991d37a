"""Musical attributes of 2-bar melody phrases (in melody-codec tokens) and the latent sliders built from
them, as in MusicVAE: an attribute vector is the mean z of the phrases in the attribute's top quartile
minus the mean z of its bottom quartile; the leading principal components of the encoded corpus
(scaled to two standard deviations) are sliders too.

Attributes of a phrase (``nan`` where undefined, e.g. an interval with fewer than two notes):

* ``note_density``: note starts in the phrase;
* ``pitch_height``: mean pitch of the notes;
* ``pitch_range``: highest minus lowest pitch;
* ``average_interval``: mean absolute interval between successive notes (semitones);
* ``syncopation_8th``: share of notes starting on the off-beat eighth (the "and" of a beat);
* ``syncopation_16th``: share of notes starting on an odd 16th.
"""

from __future__ import annotations

import numpy as np

from musicstudio.generators.codecs.melody import FIRST_NOTE

ATTRIBUTES = ("note_density", "pitch_height", "pitch_range", "average_interval", "syncopation_8th",
              "syncopation_16th")
COMPONENTS = 3


def phrase_attributes(tokens: np.ndarray, low: int = 48) -> dict[str, float]:
    tokens = np.asarray(tokens)
    steps = np.flatnonzero(tokens >= FIRST_NOTE)
    pitches = tokens[steps] - FIRST_NOTE + low
    n = len(steps)
    nan = float("nan")
    return {
        "note_density": float(n),
        "pitch_height": float(pitches.mean()) if n else nan,
        "pitch_range": float(pitches.max() - pitches.min()) if n else nan,
        "average_interval": float(np.abs(np.diff(pitches)).mean()) if n > 1 else nan,
        "syncopation_8th": float((steps % 4 == 2).mean()) if n else nan,
        "syncopation_16th": float((steps % 2 == 1).mean()) if n else nan,
    }


def attribute_table(windows: np.ndarray, low: int = 48) -> dict[str, np.ndarray]:
    rows = [phrase_attributes(w, low) for w in windows]
    return {name: np.array([r[name] for r in rows]) for name in ATTRIBUTES}


def attribute_vector(z: np.ndarray, values: np.ndarray, rng: np.random.Generator,
                     groups: np.ndarray | None = None) -> np.ndarray:
    """Mean z of the top quartile minus the bottom quartile (ties broken at random, nan left out); with
    ``groups`` (a label per phrase: its meter), the quartiles are taken within each group and the groups'
    vectors averaged, weighted by their phrases."""
    if groups is not None and len(np.unique(groups)) > 1:
        labels = np.unique(groups)
        weights = np.array([(groups == g).sum() for g in labels], dtype=np.float64)
        rows = [attribute_vector(z[groups == g], values[groups == g], rng) for g in labels]
        ok = [k for k, r in enumerate(rows) if np.isfinite(r).all()]
        return np.average(np.stack([rows[k] for k in ok]), axis=0, weights=weights[ok])
    ok = np.flatnonzero(~np.isnan(values))
    if not len(ok):
        return np.full(z.shape[1], np.nan)
    order = ok[np.lexsort((rng.random(len(ok)), values[ok]))]
    q = max(1, len(order) // 4)
    return z[order[-q:]].mean(axis=0) - z[order[:q]].mean(axis=0)


def slider_directions(z: np.ndarray, windows, low: int = 48, components: int = COMPONENTS, seed: int = 0,
                      groups: np.ndarray | None = None) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(names, directions ``(n, latent)``, centre ``(latent,)``) from encoded phrases ``z`` and their tokens
    (phrases of different lengths when ``groups`` labels each one's meter: attribute quartiles and the
    principal components are then taken within meters, so that no slider only changes the meter)."""
    rng = np.random.default_rng(seed)
    table = attribute_table(windows, low)
    names, rows = [], []
    for name in ATTRIBUTES:
        names.append(name)
        rows.append(attribute_vector(z, table[name], rng, groups))
    centre = z.mean(axis=0)
    if components:
        within = z - centre if groups is None else z - _group_means(z, groups)
        _, s, vt = np.linalg.svd(within, full_matrices=False)
        sd = s / np.sqrt(max(len(z) - 1, 1))
        for k in range(min(components, len(vt))):
            v = vt[k] * np.sign(vt[k][np.argmax(np.abs(vt[k]))])  # a stable sign
            names.append(f"component_{k + 1}")
            rows.append(2.0 * sd[k] * v)
    return names, np.stack(rows).astype(np.float32), centre.astype(np.float32)


def _group_means(z: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each row's group mean, ``z``'s shape."""
    out = np.empty_like(z)
    for g in np.unique(groups):
        out[groups == g] = z[groups == g].mean(axis=0)
    return out


def coordinates(z: np.ndarray, directions: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """Where ``z`` ``(latent,)`` sits along each direction, 0 at the corpus centre, 1 one vector along."""
    return (directions @ (z - centre)) / np.maximum((directions ** 2).sum(axis=1), 1e-12)
