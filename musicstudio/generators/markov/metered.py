"""A meter-aware n-gram interpolated with a plain one: what the shipped Markov models are.

A model that holds the bar slot in every context (:mod:`.bar_slots`) puts its onsets where the meter
does, but it splits every context's counts by slot: in the meters the corpus has few tunes of (3/4 and
4/4 in O'Neill's and Ryan's), a long context is rarely seen at the slot asked, and the model falls back to
what the slot alone says. A plain n-gram has no such gaps and no idea of the bar. Linear interpolation of
the two (Jelinek & Mercer, "Interpolated estimation of Markov source parameters from sparse data", 1980),

    P(v | slot, h) = w * P_bar(v | slot, h) + (1 - w) * P_plain(v | h),

with ``w`` chosen on the validation split, predicts better than either alone in every meter, and keeps
the onsets on the meter's positions (the figures are in docs/markov.md).
"""

from __future__ import annotations

import numpy as np

from musicstudio.generators.markov.lookup import LevelLookup, backed_off, rows_of
from musicstudio.generators.markov.ngram import CHUNK_CELLS, NGramModel

BAR, PLAIN = "bar.", "plain."


class MeteredNGram:
    """``weight`` * the meter-aware ``bar`` model + (1 - ``weight``) * the ``plain`` one. It answers as an
    :class:`~musicstudio.generators.markov.ngram.NGramModel` does (``order`` is the longer of the two;
    ``slots``, ``discount`` and ``min_count`` are the meter-aware model's)."""

    def __init__(self, bar: NGramModel, plain: NGramModel, weight: float):
        if not bar.slots or plain.slots or bar.vocab != plain.vocab:
            raise ValueError("a metered n-gram mixes a meter-aware model with a plain one of the same vocabulary")
        if not 0 < weight <= 1:
            raise ValueError(f"the meter-aware model's weight must be in (0, 1], not {weight}")
        self.bar, self.plain, self.weight = bar, plain, float(weight)
        self.vocab, self.slots, self.discount, self.min_count = bar.vocab, bar.slots, bar.discount, bar.min_count
        self.order = max(bar.order, plain.order)

    def distribution(self, contexts: np.ndarray, positions: np.ndarray | None = None) -> np.ndarray:
        """Both models' distributions mixed; both are looked up in one pass (:mod:`.lookup`), with the
        arithmetic of each model's own :meth:`NGramModel.distribution`."""
        contexts = np.asarray(contexts, dtype=np.int64).reshape(len(contexts), -1)
        rows, V = contexts.shape[0], self.vocab
        lookup = self.__dict__.get("_lookup")
        if lookup is None:
            lookup = self._lookup = LevelLookup(self.bar.lookup_levels() + self.plain.lookup_levels(), V)
        split = self.bar.levels - 1
        out = np.empty((rows, V))
        chunk = max(1, CHUNK_CELLS // ((self.bar.levels + self.plain.levels) * V))
        for i in range(0, rows, chunk):
            at = slice(i, i + chunk)
            slots = None if positions is None else np.asarray(positions).reshape(-1)[at]
            ids = np.concatenate([self.bar.level_ids(contexts[at], slots), self.plain.level_ids(contexts[at])])
            seen, scaled, gamma = lookup.find(ids)
            n = len(contexts[at])
            bar = backed_off(rows_of(self.bar.unigram(), n), seen[:split], scaled[:split], gamma[:split])
            plain = backed_off(rows_of(self.plain.unigram(), n), seen[split:], scaled[split:], gamma[split:])
            out[at] = self.weight * bar + (1 - self.weight) * plain
        return out

    def contexts_of(self, sequence: np.ndarray) -> np.ndarray:
        return self.bar.contexts_of(sequence) if self.bar.order == self.order else self.plain.contexts_of(sequence)

    # log-probability of each token given what precedes it and the slot it falls on (``positions``), and
    # whether it was the most likely token: the plain model's chunked scoring over this mixture
    score = NGramModel.score

    def arrays(self) -> dict[str, np.ndarray]:
        return {**{BAR + k: v for k, v in self.bar.arrays().items()},
                **{PLAIN + k: v for k, v in self.plain.arrays().items()}}

    @staticmethod
    def parts(arrays: dict[str, np.ndarray]) -> tuple[dict, dict]:
        """A weights file's arrays split into the meter-aware model's and the plain one's."""
        return ({k[len(BAR):]: v for k, v in arrays.items() if k.startswith(BAR)},
                {k[len(PLAIN):]: v for k, v in arrays.items() if k.startswith(PLAIN)})
