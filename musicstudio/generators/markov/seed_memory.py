"""What a Markov take remembers of its seed, and of the notes it is holding.

An n-gram model sees only its last few tokens. Two things follow, both heard in practice: a seed whose
last bars rest gives every song the same context (a run of time shifts), so takes from different songs
came out identical; and a note whose start has slid out of the context is never ended on purpose, so
notes rang on for bars.

* **The seed's own statistics.** As in multiple-viewpoint models (Conklin & Witten, "Multiple viewpoint
  systems for music prediction", 1995; Pearce, "The construction and evaluation of statistical models of
  melodic structure in music perception and composition", 2005), a *short-term* model counted on the seed
  alone is mixed with the corpus's *long-term* model at every step, each weighted by how sure it is
  (the inverse of its relative entropy). The take follows the seed's pitches and rhythms where the seed
  has an opinion, and the corpus where it has not.
* **Notes end, and so do rests.** Each row keeps how long its sounding notes have lasted and how long
  it has been silent; once a note has sounded longer than the seed's longest note, or a rest lasted
  longer than the seed's longest rest between notes (each at least two bars), carrying on is made all but
  impossible, so the model ends the note, or plays, as the data would.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from musicstudio.generators.codecs.grid import STEP_TICKS
from musicstudio.generators.codecs.melody import FIRST_NOTE, HOLD, NOTE_OFF
from musicstudio.generators.markov.ngram import NGramModel
from musicstudio.generators.phrases import TokenPhrases

SHORTEST_LIMIT = 32      # no limit is shorter than two 4/4 bars of 16th steps: a whole note tied over
                         # a bar line is music; a note that rings on for bars of its own accord is not
ENTROPY_BIAS = 1.0       # Pearce's b: how strongly the surer model wins (weight = relative entropy^-b)
SUREST = 0.1             # relative entropy below this counts as this: a seed of a few dozen tokens is
                         # "certain" of much it has seen once, and must not shut the corpus out
UNLIKELY = np.log(1e-9)  # "all but impossible": still above zero, so no mask can leave a row empty


class SeedMemory(NamedTuple):
    """Per request: the short-term model (None without a seed), and the longest note and the longest rest
    allowed, in steps."""

    short: NGramModel | None
    limit: int
    rest_limit: int


def remember(phrases: TokenPhrases, long: NGramModel, seed: np.ndarray,
             slots: np.ndarray | None = None) -> SeedMemory:
    """Count the seed's n-grams (the short-term model; with each token's bar slot, ``slots``, when the
    corpus's model is meter-aware) and find the longest note it holds."""
    seed = np.asarray(seed, np.int64)
    notes = phrases.codec.decode(seed) if len(seed) else ()
    # a seed of rests alone says nothing about what to play
    short = NGramModel.fit([seed], long.vocab, long.order, long.discount, add_one=False, slots=long.slots,
                           positions=None if slots is None else [slots]) if notes else None
    longest = max((-(-n.duration // STEP_TICKS) for n in notes), default=0)
    return SeedMemory(short, max(SHORTEST_LIMIT, longest), max(SHORTEST_LIMIT, _longest_rest(notes)))


def _longest_rest(notes) -> int:
    """The longest silence between notes, in steps (not before the first or after the last)."""
    longest, sounding_until = 0, None
    for n in sorted(notes, key=lambda n: n.start):
        if sounding_until is not None and n.start > sounding_until:
            longest = max(longest, (n.start - sounding_until) // STEP_TICKS)
        sounding_until = n.end if sounding_until is None else max(sounding_until, n.end)
    return longest


class Distributions:
    """An n-gram model's next-token distributions, remembered per context: a take revisits the same
    contexts often (runs of time shifts, a repeated figure), and each costs a dozen array searches."""

    def __init__(self, model: NGramModel, size: int = 4096):
        self.model, self.size = model, size
        self.known: dict[bytes, np.ndarray] = {}

    def __call__(self, contexts: np.ndarray, slots: np.ndarray | None = None,
                 base: np.ndarray | None = None) -> np.ndarray:
        """The distributions after each row of ``contexts`` (at each row's bar slot, meter-aware; backing
        off to ``base`` instead of the unigram, which must depend on nothing but the context and slot)."""
        keys = [row.tobytes() for row in (contexts if slots is None else np.column_stack([contexts, slots]))]
        rows = [self.known.get(key) for key in keys]
        missing = [i for i, row in enumerate(rows) if row is None]
        if missing:
            if len(self.known) + len(missing) > self.size:
                self.known.clear()
            at = None if slots is None else slots[missing]
            found = self.model.distribution(contexts[missing], at) if base is None else \
                self.model.distribution(contexts[missing], at, base[missing])
            for i, row in zip(missing, found):
                rows[i] = self.known[keys[i]] = row
        return np.stack(rows)


def towards_seed(long_p: np.ndarray, short: NGramModel) -> np.ndarray:
    """What a meter-aware seed model backs off to: the corpus model's distributions ``long_p`` (rows, vocab),
    each token's weighted by how often the seed used it (plus 1 / vocab, so no token is ruled out), a product
    of experts (Hinton, "Training products of experts by minimizing contrastive divergence", 2002): the corpus
    says where in the bar a note may start, the seed which notes it likes. The seed's own unigram, backed off
    to alone, put most of its mass on holding (a seed's every context is seen once or twice, and absolute
    discounting hands 75% of a singleton's mass down) and so notes off the beat."""
    weighted = long_p * (short.unigram() + 1.0 / long_p.shape[1])[None, :]
    return weighted / weighted.sum(axis=1, keepdims=True)


def mixed(long_p: np.ndarray, short_p: np.ndarray) -> np.ndarray:
    """The two distributions (rows, vocab) averaged, each row weighted by its model's certainty."""
    h_max = np.log(long_p.shape[1])
    weights = []
    for p in (long_p, short_p):
        h = -(p * np.log(np.maximum(p, 1e-300))).sum(axis=1) / h_max
        weights.append(np.maximum(h, SUREST) ** -ENTROPY_BIAS)
    total = weights[0] + weights[1]
    return (long_p * (weights[0] / total)[:, None]) + (short_p * (weights[1] / total)[:, None])


class Holds:
    """How long each row's sounding notes have lasted, in steps, for the melody or the events codec."""

    def __init__(self, phrases: TokenPhrases, rows: int):
        self.melody = phrases.is_melody
        c = phrases.codec
        self.silent = np.zeros(rows, np.int64)          # steps of silence so far; -1: something sounds
        if self.melody:
            self.held = np.full(rows, -1, np.int64)   # steps the sounding note has lasted; -1: silence
        else:
            self.first_off, self.first_shift = c.first_off, c.first_shift
            self.held = np.full((rows, c.first_off), -1, np.int64)  # per pitch
            self.steps = phrases.steps_of()

    def replay(self, tokens: np.ndarray) -> None:
        """Follow the seed's tokens (every row alike)."""
        for t in np.asarray(tokens, np.int64):
            self.push(np.full(len(self.held), t))

    def push(self, tokens: np.ndarray) -> None:
        held = self.held
        if self.melody:
            onset = tokens >= FIRST_NOTE
            held[:] = np.where(onset, 1, np.where(tokens == NOTE_OFF, -1, np.where(held >= 0, held + 1, -1)))
            self.silent[:] = np.where(held >= 0, -1, np.maximum(self.silent, -1) + 1)
            return
        rows = np.arange(len(tokens))
        on = tokens < self.first_off
        held[rows[on], tokens[on]] = 0
        off = (tokens >= self.first_off) & (tokens < self.first_shift)
        held[rows[off], tokens[off] - self.first_off] = -1
        moved = self.steps[tokens]
        held += np.where(held >= 0, moved[:, None], 0)
        quiet = ~(held >= 0).any(axis=1)
        self.silent[:] = np.where(quiet, np.maximum(self.silent, 0) + moved, -1)

    def ended_where_overdue(self, log_p: np.ndarray, memory: SeedMemory) -> np.ndarray:
        """``log_p`` with going on made all but impossible for rows holding a note past the seed's longest
        (the melody codec's HOLD, or the events codec's time shifts, with the overdue notes' ends
        favoured) or resting past the seed's longest rest (everything but a new note). Changes ``log_p``,
        this step's own array, in place: no copy on the sampling loop's every step."""
        resting = self.silent >= memory.rest_limit
        if self.melody:
            log_p[self.held >= memory.limit, HOLD] += UNLIKELY
            log_p[resting, HOLD] += UNLIKELY
            log_p[resting, NOTE_OFF] += UNLIKELY
            return log_p
        # events: a time shift may not carry a note past its limit, nor a rest past its own; a note
        # already at its limit has its end favoured over everything else
        open_for = np.where((self.held >= 0).any(axis=1), self.held.max(axis=1), -1)
        headroom = np.where(open_for >= 0, memory.limit - open_for, memory.rest_limit - self.silent)
        too_far = self.steps[None, :] > headroom[:, None]       # only time shifts move time
        log_p[too_far] += UNLIKELY
        log_p[resting, self.first_off:self.first_shift] += UNLIKELY   # ending nothing is no way out of a rest
        overdue = self.held >= memory.limit
        rows = np.flatnonzero(overdue.any(axis=1))
        if len(rows):
            log_p[rows] += UNLIKELY                                   # everything else unlikely ...
            r, pitch = np.nonzero(overdue[rows])
            log_p[rows[r], self.first_off + pitch] -= UNLIKELY        # ... but the ends of overdue notes
        return log_p
