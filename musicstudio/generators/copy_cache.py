"""Copying from the music the model is given: a continuous cache / pointer mixture over token ids, shared by
the infill backend (the bars before and after a gap) and the lstm backend (the seed).

Folk tunes repeat (AABB, the turn after a repeat), and a good share of a gap's (or a continuation's) bars appear
verbatim in the bars around it; an LSTM that read those bars many steps ago copies them poorly. So at each step
the next token's distribution is mixed with a *copy* distribution read off the context:

* the source is the context the model is given, each part on its own (for the infill model the bars after
  the gap, then the bars before it; for a left-only model such as the lstm the seed, the bars before), followed
  by the gap (the take) so far;
* where the last tokens of the history (the bars before the gap and the gap so far) match a place in the
  source, the token that followed there is a candidate; the candidates of the longest match (at most
  :data:`LONGEST` tokens) share the copy distribution ``p_copy`` equally;
* ``p = (1 - w) p_model + w p_copy``, with ``w`` from the match length ``L``: 0 below ``min_match`` tokens,
  ``weight`` at ``min_match``, growing by ``per_token`` a token up to ``max_weight`` (a longer match, more
  trust);
* with ``aligned``, a place counts only where it sits at the same step of the bar as the next token (each
  part's time is counted from its own bar line), so a copied bar is copied in its place.

This is Grave, Joulin & Usunier, "Improving Neural Language Models with a Continuous Cache" (2017) and the
mixture of Merity, Xiong, Bradbury & Socher, "Pointer Sentinel Mixture Models" (2017), with exact n-gram
matches over token ids standing in for the learned similarity (pure numpy, a few array operations a step).
The parameters live in a model's ``config.json`` (``"decoding": {"copy": {...}}``), chosen on the validation
split's gaps (:mod:`musicstudio.generators.evaluation.infill_tuning`); without that section a model decodes
exactly as before.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from functools import cached_property

import numpy as np

from musicstudio.generators.codecs.grid import steps_in_bar
from musicstudio.generators.lstm.model import step_positions

LONGEST = 32       # match lengths are counted up to this many tokens
SEPARATOR = -1     # between the source's parts: no match runs across it


@dataclass(frozen=True)
class CopyCache:
    """The copy mixture's parameters (module docstring)."""

    min_match: int = 4          # tokens a match needs before it counts
    aligned: bool = True        # only places at the next token's step of the bar
    weight: float = 0.3         # w at a match of min_match tokens,
    per_token: float = 0.0      # growing by this a token longer,
    max_weight: float = 0.9     # up to this

    def __post_init__(self) -> None:
        if isinstance(self.min_match, bool) or not isinstance(self.min_match, int) \
                or not 1 <= self.min_match <= LONGEST:
            raise ValueError(f"copy min_match must be a whole number of tokens from 1 to {LONGEST}, "
                             f"not {self.min_match!r}")
        for name in ("weight", "per_token", "max_weight"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                    or not 0 <= value <= 1:
                raise ValueError(f"copy {name} must be a number from 0 to 1, not {value!r}")
        if self.max_weight < self.weight:
            raise ValueError(f"copy max_weight ({self.max_weight}) is below weight ({self.weight})")
        if not isinstance(self.aligned, bool):
            raise ValueError(f"copy aligned must be true or false, not {self.aligned!r}")

    @classmethod
    def from_config(cls, decoding) -> CopyCache | None:
        """The cache a config's ``decoding`` section asks for (None when it asks for none); ValueError,
        saying what is wrong, for a damaged section."""
        if decoding is None:
            return None
        if not isinstance(decoding, dict) or set(decoding) - {"copy", "draws", "harmony"}:
            raise ValueError(f"decoding must be an object with at most 'copy', 'draws' and 'harmony' entries, "
                             f"not {decoding!r}")
        copy = decoding.get("copy")
        if copy is None:
            return None
        known = {f.name for f in fields(cls)}
        if not isinstance(copy, dict) or set(copy) - known:
            raise ValueError(f"decoding.copy must be an object of {sorted(known)}, not {copy!r}")
        return cls(**copy)

    def to_config(self) -> dict:
        return {"copy": {f.name: getattr(self, f.name) for f in fields(self)}}

    def weights(self, lengths: np.ndarray) -> np.ndarray:
        """``w`` for match lengths ``lengths``."""
        lengths = np.asarray(lengths)
        grown = np.minimum(self.max_weight, self.weight + self.per_token * (lengths - self.min_match))
        return np.where(lengths >= self.min_match, grown, 0.0)

    @cached_property
    def _by_length(self) -> np.ndarray:
        """:meth:`weights` of every match length a :class:`Matcher` counts (0 to :data:`LONGEST`), looked up
        at each sampling step instead of computed again."""
        return self.weights(np.arange(LONGEST + 1))

    def mix(self, log_probs: np.ndarray, matcher: Matcher) -> np.ndarray:
        """The mixture's log-probabilities for each row of a model's ``(rows, vocab)`` ones. The copy
        distribution is only gathered when some row's match is long enough to weigh."""
        lengths, eligible = matcher.matches()
        w = self._by_length[lengths]
        if not w.any():
            return log_probs
        copy = matcher.distribution(lengths, eligible, log_probs.shape[1])
        log_probs = np.asarray(log_probs, np.float64)    # float64: no token the network allows underflows to 0
        p = np.exp(log_probs - log_probs.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        p *= (1 - w)[:, None]
        copy *= w[:, None]
        p += copy
        return np.log(p, out=p)


class Matcher:
    """The source (context parts, then the history as it grows) of ``rows`` rows and, for every place in it,
    how many tokens before it match the end of the history. The last part given is where the history starts
    (the bars before the gap); each step :meth:`push` adds the rows' next tokens to both.

    Each place also keeps its *phase*: its step of the bar when the matcher is ``aligned`` (0 for every place
    when it is not), -1 for a separator. A place is a candidate for the next token when its phase is the next
    token's (:attr:`now`): one comparison a step instead of a modulo and three masks over the whole source."""

    def __init__(self, parts: list[np.ndarray], rows: int, steps_of: np.ndarray, bar_steps: int,
                 aligned: bool = True):
        self.steps_of, self.bar, self.aligned = steps_of, max(1, int(bar_steps)), aligned
        tokens, positions = [], []
        for k, part in enumerate(parts):
            part = np.asarray(part, np.int64)
            if k:
                tokens.append([SEPARATOR])
                positions.append([-1])
            tokens.append(part)
            positions.append(step_positions(part, steps_of))
        last = np.asarray(parts[-1], np.int64) if parts else np.zeros(0, np.int64)
        self.n = n = int(sum(len(t) for t in tokens))
        source = np.concatenate(tokens).astype(np.int64) if tokens else np.zeros(0, np.int64)
        place = np.concatenate(positions).astype(np.int64) if positions else np.zeros(0, np.int64)
        self.src = np.full((rows, n + 64), SEPARATOR, np.int64)
        self.pos = np.full((rows, n + 64), -1, np.int64)
        self.phase = np.full((rows, n + 64), -1, np.int64)
        self.src[:, :n], self.pos[:, :n] = source, place
        self.phase[:, :n] = np.where((source >= 0) & (place >= 0), self._phase_of(place), -1)
        self.at = np.full(rows, int(steps_of[last].sum()), np.int64)   # the step of the next token
        self.now = self._phase_of(self.at)                              # and its phase
        self.length = np.zeros((rows, n + 64), np.int64)
        self.length[:, :n] = _initial_lengths(source, len(last))

    def _phase_of(self, steps: np.ndarray) -> np.ndarray:
        return steps % self.bar if self.aligned else np.zeros_like(steps)

    def matches(self) -> tuple[np.ndarray, np.ndarray]:
        """Each row's longest match (0: none), and the match length of every place that may be copied next
        (``(rows, n)``: 0 at the places of another phase and at separators)."""
        n = self.n
        eligible = np.where(self.phase[:, :n] == self.now[:, None], self.length[:, :n], 0)
        return (eligible.max(axis=1) if n else np.zeros(len(self.src), np.int64)), eligible

    def distribution(self, longest: np.ndarray, eligible: np.ndarray, vocab: int) -> np.ndarray:
        """The copy distribution ``(rows, vocab)`` over the tokens that followed each row's longest matches
        (from :meth:`matches`; zeros where there is none)."""
        row, place = _longest_places(longest, eligible)
        counts = np.bincount(row * vocab + self.src[row, place], minlength=len(self.src) * vocab)
        counts = counts.reshape(len(self.src), vocab)
        return counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)

    def copy(self, vocab: int) -> tuple[np.ndarray, np.ndarray]:
        """The longest match of each row (0: none) and the copy distribution ``(rows, vocab)`` over the
        tokens that followed its longest matches (zeros where there is none)."""
        longest, eligible = self.matches()
        return longest, self.distribution(longest, eligible, vocab)

    def push(self, tokens: np.ndarray) -> None:
        """The rows' next tokens join the history and the source."""
        tokens = np.asarray(tokens, np.int64)
        n = self.n
        if n + 1 >= self.src.shape[1]:
            grow = self.src.shape[1]
            self.src = np.pad(self.src, ((0, 0), (0, grow)), constant_values=SEPARATOR)
            self.pos = np.pad(self.pos, ((0, 0), (0, grow)), constant_values=-1)
            self.phase = np.pad(self.phase, ((0, 0), (0, grow)), constant_values=-1)
            self.length = np.pad(self.length, ((0, 0), (0, grow)))
        same = self.src[:, :n] == tokens[:, None]
        self.length[:, 1:n + 1] = np.where(same, np.minimum(self.length[:, :n] + 1, LONGEST), 0)  # [:, 0] stays 0
        self.src[:, n], self.pos[:, n], self.phase[:, n] = tokens, self.at, self.now
        self.at = self.at + self.steps_of[tokens]
        self.now = self._phase_of(self.at)
        self.n = n + 1


def _longest_places(longest: np.ndarray, eligible: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The (row, place) pairs whose match is their row's longest (none in a row without a match)."""
    return np.nonzero(eligible == np.where(longest > 0, longest, -1)[:, None])


def candidate_places(matcher: Matcher) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where the copy distribution of :meth:`Matcher.copy` points: each row's longest match (0: none) and the
    (row, place) pairs of the source whose match is that long (each place's token, ``matcher.src[row, place]``,
    is a candidate with an equal share; the ``longest`` tokens before it are the matched run). For the
    saliency's copy attribution (:mod:`musicstudio.generators.saliency.pointer`)."""
    longest, eligible = matcher.matches()
    return (longest, *_longest_places(longest, eligible))


def _initial_lengths(source: np.ndarray, history: int) -> np.ndarray:
    """For each place ``j`` of ``source``, how many tokens before ``j`` match the source's last ones (the
    history's, of which there are ``history``; the end itself is no place)."""
    n = len(source)
    length = np.zeros(n, np.int64)
    alive = np.arange(n) > 0
    for k in range(1, min(LONGEST, history) + 1):
        before = np.arange(n) - k
        alive &= (before >= 0) & (source[np.maximum(before, 0)] == source[n - k])
        if not alive.any():
            break
        length += alive
    return length


class CachedModel:
    """A token model (:class:`~musicstudio.generators.continuation.TokenModel`) whose next-token
    distributions are mixed with the copy distribution over ``context(seed)`` (the parts before the seed in
    the source, e.g. the bars after the gap) and the seed and takes so far."""

    def __init__(self, inner, cache: CopyCache, steps_of: np.ndarray, steps_per_quarter: int, context=None):
        self.inner, self.cache, self.steps_of = inner, cache, steps_of
        self.steps_per_quarter, self.context = steps_per_quarter, context or (lambda seed: [])

    def begin(self, seed: np.ndarray, rows: int, meter: tuple[int, int]):
        matcher = Matcher([*self.context(seed), np.asarray(seed, np.int64)], rows, self.steps_of,
                          steps_in_bar(meter, self.steps_per_quarter), self.cache.aligned)
        return self.inner.begin(seed, rows, meter), matcher

    def log_probs(self, state) -> np.ndarray:
        return self.cache.mix(self.inner.log_probs(state[0]), state[1])

    def push(self, state, tokens: np.ndarray):
        state[1].push(tokens)
        return self.inner.push(state[0], tokens), state[1]


def with_cache(model, cache: CopyCache | None, phrases, context=None):
    """The token model a generator samples from: ``model`` itself without a cache, else ``model`` mixed with
    copying from the seed and the take so far (:class:`CachedModel`, on ``phrases``' grid; ``context`` as
    there: more to copy from, such as the bars after a gap)."""
    if cache is None:
        return model
    return CachedModel(model, cache, phrases.steps_of(), phrases.codec.steps_per_quarter, context)


@dataclass(frozen=True)
class CopyStatistics:
    """For each token of a true gap: the longest match before it and the copy distribution's probability of
    it."""

    lengths: np.ndarray
    p_copy: np.ndarray


def copy_statistics(parts: list[np.ndarray], gap: np.ndarray, steps_of: np.ndarray, bar_steps: int,
                    aligned: bool) -> CopyStatistics:
    """The statistics (:class:`CopyStatistics`) of a true ``gap`` after the context ``parts`` (the last part:
    the bars before it)."""
    matcher = Matcher(parts, 1, steps_of, bar_steps, aligned)
    stats = CopyStatistics(np.zeros(len(gap), np.int64), np.zeros(len(gap)))
    vocab = len(steps_of)
    for i, token in enumerate(np.asarray(gap, np.int64)):
        longest, copy = matcher.copy(vocab)
        stats.lengths[i], stats.p_copy[i] = longest[0], copy[0, token]
        matcher.push(np.array([token]))
    return stats


def mixed_log_probs(cache: CopyCache, log_p: np.ndarray, stats: CopyStatistics) -> np.ndarray:
    """The mixture's log-probability of each true token, from the model's (``log_p``) and the copy
    statistics (:func:`copy_statistics`)."""
    w = cache.weights(stats.lengths)
    return np.log((1 - w) * np.exp(log_p) + w * stats.p_copy)
