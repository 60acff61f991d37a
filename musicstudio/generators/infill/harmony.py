"""Hearing the other tracks: a harmony prior over the pitches of the gap.

The infill network learned from single-line tunes (the licence-clean corpus has no parts to hear), so it
cannot read a song's other tracks. What a part most needs from them is the harmony: at each step of the gap,
the pitch classes the other tracks sound there. So each note the network proposes is weighed by the
intervals it would make with them, a small log-linear model beside the network:

    log p'(note) = log p(note) + sum over k of w[k] * [the others sound the pitch class k semitones above it]
                   - log Z

with twelve weights ``w`` (unison, minor second, ... major seventh), renormalised among the note-on tokens
only, so the chance of *a* note at this step (the rhythm) stays the network's and only the choice of pitch
moves. Where the other tracks are silent nothing changes. This is the product-of-experts / shallow-fusion way
of joining a sequence model with an outside score (Hinton, "Training Products of Experts by Minimizing
Contrastive Divergence", 2002; Gulcehre et al., "On Using Monolingual Corpora in Neural Machine Translation",
2015).

The weights live in a model's ``config.json`` (``"decoding": {"harmony": {"intervals": [12 numbers]}}``), fitted
by the cross-entropy of true gaps among the other parts of licence-clean multi-part pieces
(:mod:`musicstudio.generators.evaluation.infill_others`); without them a model decodes exactly as before.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from musicstudio.core.clip import Clip

INTERVALS = 12
# ROTATIONS[c, k]: the pitch class k semitones above pitch class c
ROTATIONS = (np.arange(INTERVALS)[:, None] + np.arange(INTERVALS)[None, :]) % INTERVALS
LIMIT = 10.0      # no weight beyond this many nats


@dataclass(frozen=True)
class HarmonyPrior:
    """The prior's weights (module docstring): ``intervals[k]`` for a sounding pitch class k semitones above."""

    intervals: tuple[float, ...] = (0.0,) * INTERVALS

    def __post_init__(self) -> None:
        w = self.intervals
        if not isinstance(w, (tuple, list)) or len(w) != INTERVALS or any(
                isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x) or abs(x) > LIMIT
                for x in w):
            raise ValueError(f"harmony intervals must be {INTERVALS} numbers from -{LIMIT:g} to {LIMIT:g}, not {w!r}")
        object.__setattr__(self, "intervals", tuple(float(x) for x in w))

    @property
    def silent(self) -> bool:
        return not any(self.intervals)

    @classmethod
    def from_config(cls, decoding) -> HarmonyPrior | None:
        """The prior a config's ``decoding`` section asks for (None when it asks for none); ValueError,
        saying what is wrong, for a damaged entry."""
        if not isinstance(decoding, dict) or decoding.get("harmony") is None:
            return None
        harmony = decoding["harmony"]
        if not isinstance(harmony, dict) or set(harmony) != {"intervals"}:
            raise ValueError(f"decoding.harmony must be an object {{'intervals': [{INTERVALS} numbers]}}, "
                             f"not {harmony!r}")
        return cls(harmony["intervals"])

    def to_config(self) -> dict:
        return {"harmony": {"intervals": [round(x, 4) for x in self.intervals]}}

    def scores(self, heard: np.ndarray) -> np.ndarray:
        """``(rows, 12)``: each pitch class's score against the pitch classes ``heard`` ``(rows, 12)``."""
        w = np.asarray(self.intervals)
        # score[r, c] = sum_k w[k] * heard[r, (c + k) % 12]
        return heard[:, ROTATIONS].astype(np.float64) @ w

    def apply(self, log_probs: np.ndarray, heard: np.ndarray, classes: np.ndarray) -> np.ndarray:
        """``(rows, vocab)`` log-probabilities with the prior applied to the note-on tokens (the first
        ``len(classes)``, of pitch classes ``classes``); ``heard`` ``(rows, 12)``: the pitch classes the other
        tracks sound at each row's step. Rows where nothing is heard are returned as they were."""
        rows = heard.any(axis=1)
        if self.silent or not rows.any():
            return log_probs
        pitches = len(classes)
        out = np.array(log_probs, np.float64)
        notes = out[rows, :pitches]
        before = _logsumexp(notes)
        moved = notes + self.scores(heard[rows])[:, classes]
        out[rows, :pitches] = moved - (_logsumexp(moved) - before)[:, None]
        return out


def _logsumexp(x: np.ndarray) -> np.ndarray:
    top = np.max(np.where(np.isfinite(x), x, -np.inf), axis=1)
    top = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        return top + np.log(np.exp(x - top[:, None]).sum(axis=1))


def sounding(others: tuple[Clip, ...] | list[Clip], step_ticks: int, steps: int) -> np.ndarray:
    """``(steps, 12)``: which pitch classes the ``others`` (ticks from the seed's start) sound at each step
    of the grid, a note counting from the step it starts in to the step its end reaches into."""
    out = np.zeros((max(0, int(steps)), 12), bool)
    for clip in others:
        for n in clip.notes:
            first = max(0, n.start // step_ticks)
            last = min(steps, -(-(n.start + max(1, n.duration)) // step_ticks))
            if first < last:
                out[first:last, n.pitch % 12] = True
    return out


class HarmonyModel:
    """A token model (:class:`~musicstudio.generators.continuation.TokenModel`) whose note-on choices are
    weighed by the intervals they make with the pitch classes the other tracks sound at each step
    (:class:`HarmonyPrior`).

    ``sounding``: :func:`sounding` from the seed's start; ``classes``: each note-on token's pitch class as
    the song hears it (the codec's pitch less the seed's transposition); ``steps_of``: each token's length in
    steps, by which the rows' steps advance."""

    def __init__(self, inner, prior: HarmonyPrior, sounding_steps: np.ndarray, classes: np.ndarray,
                 steps_of: np.ndarray):
        self.inner, self.prior, self.sounding = inner, prior, sounding_steps
        self.classes, self.steps_of = np.asarray(classes, np.int64), np.asarray(steps_of, np.int64)

    def begin(self, seed: np.ndarray, rows: int, meter: tuple[int, int]):
        at = np.full(rows, int(self.steps_of[np.asarray(seed, np.int64)].sum()), np.int64)
        return self.inner.begin(seed, rows, meter), at

    def heard(self, at: np.ndarray) -> np.ndarray:
        """``(rows, 12)``: the pitch classes the others sound at each row's step (none past their end)."""
        if not len(self.sounding):
            return np.zeros((len(at), INTERVALS), bool)
        inside = (at >= 0) & (at < len(self.sounding))
        return np.where(inside[:, None], self.sounding[np.clip(at, 0, len(self.sounding) - 1)], False)

    def log_probs(self, state) -> np.ndarray:
        inner, at = state
        return self.prior.apply(self.inner.log_probs(inner), self.heard(at), self.classes)

    def push(self, state, tokens: np.ndarray):
        inner, at = state
        tokens = np.asarray(tokens, np.int64)
        return self.inner.push(inner, tokens), at + self.steps_of[tokens]
