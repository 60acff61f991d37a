"""Which steps of the bar an added part's kick and snare hit: the set that can expect to overlap the song's most.

Add drums predicts, step by step, where the song's kick and snare land in two ways: the listener's chances
(:mod:`.listener`, the share of bars each drum hits each step) and the kick and snare of the library grooves
whose band sounds nearest (:class:`Nearest`, each weighed by nearness). Their mixture
(:func:`.add.mixed_kit`) ranks the steps. How many to hit is the harder question, and the mixture answers it
badly on its own: it is an average, and an average blurs. A snare that some neighbours play on 2 and 4 and
others on every beat averages to a snare on every beat leaning to 2 and 4, and the overlap of a set of steps
with that blur (the rule used until 2026-12-04, :func:`.listener.kit_pattern` of the mixture sharpened by
``GAMMA``) is not the overlap the set can expect with either.

:func:`expected_pattern` scores each candidate, the mixture's likeliest k steps hit alike (k = 1 to the bar's
steps), by its mean overlap (the measure's: the overlapping area of the onset-position histograms) with truths
drawn from the predictions themselves: :data:`SAMPLES` bars drawn step by step from the listener's chances,
and each near groove's own kick and snare by its weight, the two weighed as the mixture weighs them. The
candidate of highest expectation is played: minimum-Bayes-risk decoding (Kumar and Byrne, "Minimum Bayes-Risk
Decoding for Statistical Machine Translation", 2004) under the measure, as :func:`.add.consensus` does for the
drafts. The draws come from a fixed seed, so a song gets the same pattern every time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAMPLES = 400        # bars drawn from the listener's chances for each drum's expectation
SEED = 0             # the draws' seed: the same song, the same pattern


@dataclass(frozen=True)
class Nearest:
    """The library grooves nearest a band: ``weights`` ``(grooves,)`` summing to 1, and their kick and snare
    onset-position histograms ``kits`` ``(grooves, 2, bar)`` (a row all 0 where a groove lacks the drum)."""
    weights: np.ndarray
    kits: np.ndarray

    @property
    def mean(self) -> np.ndarray:
        """``(2, bar)``: the kits averaged by weight."""
        return np.tensordot(self.weights, self.kits, axes=1)


def _candidates(ranking: np.ndarray) -> np.ndarray:
    """``(n, n)``: row k - 1 the histogram of hitting ``ranking``'s likeliest k steps alike."""
    n = len(ranking)
    order = np.argsort(-ranking, kind="stable")
    out = np.zeros((n, n))
    for k in range(1, n + 1):
        out[k - 1, order[:k]] = 1.0 / k
    return out


def _mean_overlap(candidates: np.ndarray, truths: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """``(candidates,)``: each candidate's overlap with ``truths`` (histograms, one a row), averaged by
    ``weights`` (alike when None)."""
    overlaps = np.minimum(candidates[:, None, :], truths[None, :, :]).sum(axis=2)
    return overlaps.mean(axis=1) if weights is None else overlaps @ (weights / weights.sum())


def expected_pattern(mixture: np.ndarray, chances: np.ndarray, nearest: Nearest | None = None,
                     share: float = 0.0, samples: int = SAMPLES, seed: int = SEED) -> np.ndarray:
    """``(2, bar)`` booleans: the steps kick and snare hit, at least one each. ``mixture`` ranks the steps,
    ``chances`` (the listener's) and ``nearest`` (weighed ``share``; the listener alone when None, or where no
    near groove plays the drum) give the truths a candidate is scored against (see the module's note)."""
    rng = np.random.default_rng(seed)
    out = np.zeros(mixture.shape, bool)
    for drum, ranking in enumerate(mixture):
        candidates = _candidates(ranking)
        drawn = (rng.random((samples, len(ranking))) < np.clip(chances[drum], 0.0, 1.0)).astype(float)
        drawn = drawn[drawn.sum(axis=1) > 0]
        listener = _mean_overlap(candidates, drawn / drawn.sum(axis=1, keepdims=True)) if len(drawn) else None
        near = None
        if nearest is not None and share > 0.0:
            rows = nearest.kits[:, drum, :]
            plays = rows.sum(axis=1) > 0
            if plays.any() and nearest.weights[plays].sum() > 0:
                near = _mean_overlap(candidates, rows[plays], nearest.weights[plays])
        if listener is None and near is None:
            score = (candidates * ranking).sum(axis=1)      # nothing drawn: the ranking's own mass
        elif near is None:
            score = listener
        elif listener is None:
            score = near
        else:
            score = (1.0 - share) * listener + share * near
        out[drum, np.flatnonzero(candidates[int(np.argmax(score))])] = True
    return out
