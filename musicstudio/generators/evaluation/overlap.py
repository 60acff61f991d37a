"""Yang & Lerch's comparison of two sets of phrases: distance distributions, their overlap and divergence.

For each feature of :mod:`.features`:

1. every phrase gives a feature value (histograms and matrices flattened to vectors);
2. the **intra-set** distances of a set are the Euclidean distances between all pairs of its phrases
   (each unordered pair once; mgeval's leave-one-out loop counts each twice, which does not change a density);
   the **inter-set** distances are those between every generated and every reference phrase;
3. each distance sample is smoothed into a density by a Gaussian kernel density estimate with Scott's
   bandwidth (``std(ddof=1) * n ** -0.2``, as ``scipy.stats.gaussian_kde``), from at most 5,000 distances
   per sample (drawn at random with a fixed seed; big sets give hundreds of thousands);
4. the **overlapping area** (OA) is the integral of the smaller of two densities, and the **KL divergence**
   KL(P || Q) is taken on the same grid (in nats). mgeval integrates OA only between the samples' extremes and
   evaluates KL's two densities on two different grids; here both use one common grid that reaches four
   bandwidths past the extremes, so identical samples give an OA of 1 and a KL of 0.

:func:`compare_sets` reports, per feature, ``oa`` / ``kl`` between the *reference* intra-set density and the
inter-set density (a generator that draws from the reference distribution makes the two alike), and
``oa_generated`` / ``kl_generated`` for the generated intra-set density (low when the generator repeats
itself or wanders off). NaN feature values (say, groove consistency of a one-bar phrase) leave that phrase
out of that feature; a feature with fewer than two phrases in a set is NaN.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from musicstudio.core.note import Note
from musicstudio.generators.evaluation.features import BAR_TICKS, FEATURE_NAMES, phrase_features

GRID_POINTS = 2000
MAX_GRID_POINTS = 20_000
MAX_DISTANCES = 5_000    # larger distance samples are thinned at random (seed 0) before smoothing
KL_FLOOR = 1e-12   # the smallest density Q may take in KL(P || Q), so that the divergence stays finite


def _distance_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distances between the rows of ``a`` and of ``b``, a block of rows at a time."""
    a = np.asarray(a, dtype=float).reshape(len(a), -1)
    b = np.asarray(b, dtype=float).reshape(len(b), -1)
    out = np.empty((len(a), len(b)))
    block = max(1, 2**22 // max(1, len(b) * a.shape[1]))
    for i in range(0, len(a), block):
        out[i:i + block] = np.linalg.norm(a[i:i + block, None, :] - b[None, :, :], axis=2)
    return out


def pairwise_distances(values: np.ndarray) -> np.ndarray:
    """Euclidean distances between all pairs of rows (i < j) of an (n, d) array: n (n - 1) / 2 values."""
    return _distance_matrix(values, values)[np.triu_indices(len(values), k=1)]


def cross_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distances between every row of ``a`` and every row of ``b``: len(a) * len(b) values."""
    return _distance_matrix(a, b).ravel()


def scott_bandwidth(samples: np.ndarray) -> float:
    """Scott's rule for one dimension: the sample standard deviation times n ** (-1/5); 0 for a constant."""
    samples = np.asarray(samples, dtype=float)
    if len(samples) < 2:
        return 0.0
    return float(np.std(samples, ddof=1) * len(samples) ** -0.2)


def kde(samples: np.ndarray, points: np.ndarray, bandwidth: float | None = None) -> np.ndarray:
    """A Gaussian kernel density estimate of ``samples`` evaluated at ``points``."""
    samples = np.asarray(samples, dtype=float)
    points = np.asarray(points, dtype=float)
    h = scott_bandwidth(samples) if bandwidth is None else bandwidth
    if h <= 0:
        raise ValueError("a kernel density needs a positive bandwidth")
    out = np.empty(len(points))
    block = max(1, 2**22 // max(1, len(samples)))   # points at a time: about 32 MB of kernel values
    for i in range(0, len(points), block):
        z = (points[i:i + block, None] - samples[None, :]) / h
        out[i:i + block] = np.exp(-0.5 * z * z).sum(axis=1)
    return out / (len(samples) * h * np.sqrt(2 * np.pi))


def _densities(p: np.ndarray, q: np.ndarray, points: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Both samples' densities on one grid. A constant sample (bandwidth 0) gets a bandwidth of 1% of the
    pooled spread (or of 1 when everything is one value), so that it is a narrow bump, not an error."""
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    both = np.concatenate([p, q])
    spread = float(both.max() - both.min()) or max(1.0, float(np.abs(both).max()))
    hp, hq = (scott_bandwidth(s) or 0.01 * spread for s in (p, q))
    lo, hi = both.min() - 4 * max(hp, hq), both.max() + 4 * max(hp, hq)
    n = int(min(MAX_GRID_POINTS, max(points, np.ceil((hi - lo) / (min(hp, hq) / 8)))))
    grid = np.linspace(lo, hi, n)
    return grid, kde(p, grid, hp), kde(q, grid, hq)


def overlap_and_kl(p: np.ndarray, q: np.ndarray, points: int = GRID_POINTS) -> tuple[float, float]:
    """:func:`overlap_area` and :func:`kl_divergence` of the same two samples, smoothing each once."""
    grid, dp, dq = _densities(p, q, points)
    low = np.minimum(dp, dq)
    oa = float(np.sum((low[1:] + low[:-1]) * np.diff(grid)) / 2)   # the trapezoid rule
    dp, dq = dp / dp.sum(), dq / dq.sum()
    dq = np.maximum(dq, KL_FLOOR * dq.max())
    mask = dp > 0
    kl = max(0.0, float(np.sum(dp[mask] * np.log(dp[mask] / dq[mask]))))   # no -1e-17 from rounding
    return oa, kl


def overlap_area(p: np.ndarray, q: np.ndarray, points: int = GRID_POINTS) -> float:
    """Area under the smaller of the two samples' densities: 1 for the same distribution, 0 for disjoint."""
    return overlap_and_kl(p, q, points)[0]


def kl_divergence(p: np.ndarray, q: np.ndarray, points: int = GRID_POINTS) -> float:
    """KL(P || Q) in nats between the densities of samples ``p`` and ``q`` on a common grid, each normalised
    to sum 1 there (as ``scipy.stats.entropy`` does); Q is floored at :data:`KL_FLOOR` of its peak."""
    return overlap_and_kl(p, q, points)[1]


def _thinned(distances: np.ndarray, most: int = MAX_DISTANCES) -> np.ndarray:
    """At most ``most`` of the distances, drawn without replacement with a fixed seed: a density of 5,000
    values is close to one of a million, for a small share of the work. The means are taken before thinning."""
    if len(distances) <= most:
        return distances
    return np.random.default_rng(0).choice(distances, most, replace=False)


def _feature_matrix(features: Sequence[dict], name: str) -> np.ndarray:
    """The feature's values of every phrase as rows, phrases with a NaN value left out."""
    rows = [np.asarray(f[name], dtype=float).ravel() for f in features]
    return np.array([r for r in rows if not np.isnan(r).any()])


def compare_features(generated: Sequence[dict], reference: Sequence[dict],
                     names: Iterable[str] = FEATURE_NAMES, points: int = GRID_POINTS) -> dict[str, dict[str, float]]:
    """:func:`compare_sets` on feature dicts already computed (by :func:`.features.phrase_features`)."""
    out = {}
    for name in names:
        gen, ref = _feature_matrix(generated, name), _feature_matrix(reference, name)
        result = {"oa": float("nan"), "kl": float("nan"), "oa_generated": float("nan"),
                  "kl_generated": float("nan"), "intra_generated_mean": float("nan"),
                  "intra_reference_mean": float("nan"), "inter_mean": float("nan")}
        if len(gen) >= 2 and len(ref) >= 2:
            intra_gen, intra_ref, inter = pairwise_distances(gen), pairwise_distances(ref), cross_distances(gen, ref)
            result.update(intra_generated_mean=float(intra_gen.mean()), intra_reference_mean=float(intra_ref.mean()),
                          inter_mean=float(inter.mean()))
            intra_gen, intra_ref, inter = _thinned(intra_gen), _thinned(intra_ref), _thinned(inter)
            oa, kl = overlap_and_kl(intra_ref, inter, points)
            oa_generated, kl_generated = overlap_and_kl(intra_gen, inter, points)
            result.update(oa=oa, kl=kl, oa_generated=oa_generated, kl_generated=kl_generated)
        out[name] = result
    return out


def compare_sets(generated: Sequence[Sequence[Note]], reference: Sequence[Sequence[Note]],
                 names: Iterable[str] = FEATURE_NAMES, bar_ticks: int = BAR_TICKS,
                 points: int = GRID_POINTS) -> dict[str, dict[str, float]]:
    """Per feature: ``oa`` and ``kl`` (reference intra-set vs inter-set), ``oa_generated`` and ``kl_generated``
    (generated intra-set vs inter-set), and the mean intra- and inter-set distances."""
    gen = [phrase_features(p, bar_ticks) for p in generated]
    ref = [phrase_features(p, bar_ticks) for p in reference]
    return compare_features(gen, ref, names, points)


def mean_oa(comparison: dict[str, dict[str, float]], key: str = "oa") -> float:
    """The mean overlapping area over the features of a :func:`compare_sets` result (NaN features left out)."""
    values = [v[key] for v in comparison.values() if not np.isnan(v[key])]
    return float(np.mean(values)) if values else float("nan")
