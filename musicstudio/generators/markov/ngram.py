"""An n-gram model over tokens with interpolated absolute discounting (Ney, Essen & Kneser 1994).

For the order-k estimate of token ``v`` after context ``h`` (the last k-1 tokens)::

    P_k(v | h) = max(c(h, v) - D, 0) / c(h)  +  gamma(h) * P_{k-1}(v | h')

where ``h'`` drops the oldest token, ``c(h)`` counts every time ``h`` was followed by a token, and
``gamma(h)`` is the mass the discount (and the pruning of rare n-grams) frees, so each distribution sums
to 1. An unseen context hands over to the shorter one entirely. The order-1 estimate is add-one smoothed,
so no token ever has probability 0 (a model counted on a seed alone, mixed with the corpus's, keeps the
plain frequencies instead: add-one over a few dozen tokens would make it nearly uniform).

Counts live in sorted int64 key arrays (context id * V + token, with contexts written in base V + 1,
where V marks the start of a sequence), so counting is ``np.unique`` and lookup is ``np.searchsorted``;
the whole model is a handful of arrays that go into a safetensors file as they are.

A *meter-aware* model (``slots`` > 0, :mod:`.bar_slots`) conditions every context on the position slot
of the step the next token falls on: its levels are the unigram, the slot alone, then the slot with the
last 1, 2, ... ``order - 1`` tokens (context ids ``slot + slots * token ids``), so backing off drops the
oldest token first and the bar position last, and an order-n model keeps n + 1 levels of counts.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np

from musicstudio.generators.markov.lookup import LevelLookup, backed_off, rows_of

CHUNK_TOKENS = 4_000_000   # count this many tokens at a time, then merge
CHUNK_CELLS = 2_000_000    # a distribution looks up at most this many (level, row, token) cells at once


def _context_ids(padded: np.ndarray, width: int, base: int) -> np.ndarray:
    """For each position i of ``padded[width:]``, the id of ``padded[i - width + ... i - 1]``
    (``width`` tokens, the newest in the lowest digit)."""
    n = len(padded) - width
    ids = np.zeros(n, dtype=np.int64)
    for j in range(width):  # j = 0 is the newest token of the context
        ids += padded[width - 1 - j: width - 1 - j + n] * base ** j
    return ids


def _ngram_keys(s: np.ndarray, pos: np.ndarray | None, k: int, vocab: int, slots: int) -> np.ndarray:
    """The level-``k`` n-gram ids of every token of ``s`` (``pos``: each token's slot, meter-aware models)."""
    width = k - 1 if slots and k else k
    padded = np.concatenate([np.full(width, vocab, np.int64), s])
    ids = _context_ids(padded, width, vocab + 1)
    if slots and k:
        ids = pos + slots * ids
    return ids * vocab + s


def _merge_counts(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    keys = np.concatenate([k for k, _ in parts])
    counts = np.concatenate([c for _, c in parts])
    unique, inverse = np.unique(keys, return_inverse=True)
    return unique, np.bincount(inverse, weights=counts, minlength=len(unique)).astype(np.int64)


class NGramModel:
    def __init__(self, vocab: int, order: int, discount: float, keys: list[np.ndarray], counts: list[np.ndarray],
                 min_count: int = 1, add_one: bool = True, slots: int = 0):
        levels = order + (1 if slots else 0)
        if order < 1 or not keys or len(keys) != levels or len(counts) != levels:
            raise ValueError("an n-gram model needs one key and count array per order (and one for the slot)")
        if not 0 < discount < 1:
            raise ValueError(f"the discount must be between 0 and 1, not {discount}")
        self.vocab, self.order, self.discount, self.min_count = vocab, order, float(discount), min_count
        self.add_one, self.slots, self.levels = add_one, int(slots), levels
        self.base = vocab + 1
        self.keys = [np.asarray(k, dtype=np.int64) for k in keys]
        self.counts = [np.asarray(c, dtype=np.int64) for c in counts]
        self._context_tables()

    # -- fitting -----------------------------------------------------------------------------------------
    @classmethod
    def fit(cls, sequences: Iterable[np.ndarray], vocab: int, order: int, discount: float = 0.75,
            min_count: int = 1, progress=None, add_one: bool = True, slots: int = 0,
            positions: Iterable[np.ndarray] | None = None) -> NGramModel:
        """Count every n-gram of the sequences. N-grams of order 3 and up (of the slot and a token and up,
        meter-aware) seen fewer than ``min_count`` times are dropped (their mass goes to the shorter
        contexts); totals per context keep them. A meter-aware model (``slots`` > 0) takes each token's
        slot from ``positions``, one array per sequence."""
        if (slots or 1) * (vocab + 1) ** (order - 1) * vocab >= 2 ** 63:
            raise ValueError(f"order {order} is too long for a vocabulary of {vocab} (the n-gram ids would "
                             "not fit in 64 bits)")
        if bool(slots) != (positions is not None):
            raise ValueError("a meter-aware n-gram needs the slot of every token, and only it takes them")
        levels = order + (1 if slots else 0)
        parts: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in range(levels)]
        pending: list[tuple[np.ndarray, np.ndarray | None]] = []
        size = 0

        def flush() -> None:
            nonlocal pending, size
            if not pending:
                return
            for k in range(levels):  # k = context length (the slot counts as one)
                u, c = np.unique(np.concatenate([_ngram_keys(s, pos, k, vocab, slots) for s, pos in pending]),
                                 return_counts=True)
                parts[k].append((u, c))
                if len(parts[k]) > 8:
                    parts[k] = [_merge_counts(parts[k])]
            pending, size = [], 0

        for s, pos in zip(sequences, positions) if slots else ((s, None) for s in sequences):
            s = np.asarray(s, dtype=np.int64)
            if len(s) == 0:
                continue
            if s.min() < 0 or s.max() >= vocab:
                raise ValueError(f"token outside the vocabulary 0..{vocab - 1}")
            if slots:
                pos = np.asarray(pos, dtype=np.int64)
                if pos.shape != s.shape or pos.min() < 0 or pos.max() >= slots:
                    raise ValueError(f"each token needs a slot in 0..{slots - 1}")
            pending.append((s, pos))
            size += len(s)
            if size >= CHUNK_TOKENS:
                flush()
                if progress is not None:
                    progress()
        flush()
        keys, counts = [], []
        for k in range(levels):
            if not parts[k]:
                raise ValueError("no training tokens")
            u, c = _merge_counts(parts[k])
            keys.append(u)
            counts.append(c)
        model = cls(vocab, order, discount, keys, counts, min_count, add_one, slots)
        if min_count > 1:
            model._prune(min_count)
        return model

    def _prune(self, min_count: int) -> None:
        """Drop rare n-grams of order 3 and up; the context totals keep counting them."""
        for k in range(2, self.levels):
            keep = self.counts[k] >= min_count
            self.keys[k], self.counts[k] = self.keys[k][keep], self.counts[k][keep]
        self._context_tables(keep_totals=True)

    def _context_tables(self, keep_totals: bool = False) -> None:
        """Per context: the total count (including pruned n-grams) and the discounted mass kept."""
        old = getattr(self, "_totals", None) if keep_totals else None
        self._lookup = None
        self._ctx, self._totals, self._kept = [], [], []
        for k in range(self.levels):
            ctx = self.keys[k] // self.vocab
            unique, start = np.unique(ctx, return_index=True)
            kept = np.add.reduceat(np.maximum(self.counts[k] - self.discount, 0.0), start) if len(ctx) else \
                np.zeros(0)
            if old is not None:
                oc, ot = old[k]
                total = ot[np.searchsorted(oc, unique)]
                # contexts whose every n-gram was pruned lose their row; that only makes them "unseen"
            else:
                total = np.add.reduceat(self.counts[k], start) if len(ctx) else np.zeros(0, np.int64)
            self._ctx.append(unique)
            self._totals.append((unique, total.astype(np.float64)))
            self._kept.append(kept)

    # -- probabilities -------------------------------------------------------------------------------------
    def level_ids(self, contexts: np.ndarray, positions: np.ndarray | None = None) -> np.ndarray:
        """``(levels - 1, rows)``: each row's context id at the levels 1, 2, ...: one older token each time
        (the slot first, meter-aware)."""
        rows = len(contexts)
        tokens = self.levels - 1 - (1 if self.slots else 0)
        newest_first = contexts[:, contexts.shape[1] - tokens:][:, ::-1]
        ids = np.cumsum(newest_first * self.base ** np.arange(tokens, dtype=np.int64), axis=1).T
        if not self.slots:
            return ids
        if positions is None:
            raise ValueError("a meter-aware n-gram needs the slot of the next token")
        slot = np.asarray(positions, dtype=np.int64).reshape(rows)
        return np.concatenate([slot[None, :], slot + self.slots * ids])

    def lookup_levels(self) -> list[tuple]:
        """The levels 1, 2, ... as :class:`~musicstudio.generators.markov.lookup.LevelLookup` takes them."""
        return [(self.keys[k], np.maximum(self.counts[k] - self.discount, 0.0), self._ctx[k], self._totals[k][1],
                 self._kept[k]) for k in range(1, self.levels)]

    def distribution(self, contexts: np.ndarray, positions: np.ndarray | None = None,
                     base: np.ndarray | None = None) -> np.ndarray:
        """``(rows, vocab)`` probabilities of the next token after each row of ``contexts``
        (``(rows, order - 1)`` token ids, oldest first, ``vocab`` for "before the start"); a meter-aware
        model also takes the slot of each row's next token (``positions``). ``base``, ``(rows, vocab)``: what
        the shortest contexts back off to instead of the model's own unigram."""
        contexts = np.asarray(contexts, dtype=np.int64).reshape(len(contexts), -1)
        rows, V = len(contexts), self.vocab
        p = rows_of(self.unigram(), rows) if base is None else np.array(base, np.float64)
        lookup = self.__dict__.get("_lookup")
        if lookup is None:
            lookup = self._lookup = LevelLookup(self.lookup_levels(), V)
        chunk = max(1, CHUNK_CELLS // (self.levels * V))   # rows at a time: every level's counts are dense
        for i in range(0, rows, chunk):
            at = slice(i, i + chunk)
            ids = self.level_ids(contexts[at], None if positions is None else np.asarray(positions).reshape(-1)[at])
            p[at] = backed_off(p[at], *lookup.find(ids))
        return p

    def unigram(self) -> np.ndarray:
        """The order-1 estimate (add-one smoothed unless ``add_one`` is off), computed once."""
        cached = self.__dict__.get("_unigram_p")
        if cached is None:
            counts = np.zeros(self.vocab)
            counts[self.keys[0] % self.vocab] = self.counts[0]
            smoothing = 1 if self.add_one else 0
            cached = self._unigram_p = (counts + smoothing) / (counts.sum() + smoothing * self.vocab)
        return cached

    def contexts_of(self, sequence: np.ndarray) -> np.ndarray:
        """For each position of ``sequence``, the ``order - 1`` tokens before it (start-padded)."""
        width = self.order - 1
        padded = np.concatenate([np.full(width, self.vocab, np.int64), np.asarray(sequence, np.int64)])
        n = len(sequence)
        if width == 0:
            return np.zeros((n, 0), np.int64)
        return np.stack([padded[j:j + n] for j in range(width)], axis=1)

    def score(self, sequence: np.ndarray, chunk: int = 8192,
              positions: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Log-probability of each token of ``sequence`` given what precedes it (and, meter-aware, the slot
        it falls on: ``positions``), and whether it was the most likely token."""
        sequence = np.asarray(sequence, dtype=np.int64)
        contexts = self.contexts_of(sequence)
        log_p, top = np.empty(len(sequence)), np.empty(len(sequence), dtype=bool)
        for i in range(0, len(sequence), chunk):
            p = self.distribution(contexts[i:i + chunk], None if positions is None else positions[i:i + chunk])
            target = sequence[i:i + chunk]
            log_p[i:i + chunk] = np.log(p[np.arange(len(target)), target])
            top[i:i + chunk] = p.argmax(axis=1) == target
        return log_p, top

    # -- storage -----------------------------------------------------------------------------------------
    def truncated(self, order: int) -> NGramModel:
        """The same counts up to ``order``."""
        arrays = {k: v for k, v in self.arrays().items() if int(k.rsplit(".", 1)[1]) < order + (self.slots > 0)}
        return NGramModel.from_arrays(arrays, self.vocab, order, self.discount, self.min_count, self.slots)

    def arrays(self) -> dict[str, np.ndarray]:
        out = {}
        for k in range(self.levels):
            out[f"keys.{k}"] = self.keys[k]
            out[f"counts.{k}"] = self.counts[k].astype(np.int32)  # half the file; counts stay far below 2**31
            out[f"totals.{k}"] = self._totals[k][1].astype(np.int32)
        return out

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], vocab: int, order: int, discount: float,
                    min_count: int = 1, slots: int = 0) -> NGramModel:
        model = cls.__new__(cls)
        model.vocab, model.order, model.discount, model.min_count = vocab, order, float(discount), min_count
        model.add_one, model.slots, model.levels = True, int(slots), order + (1 if slots else 0)
        model.base = vocab + 1
        model.keys = [np.asarray(arrays[f"keys.{k}"], np.int64) for k in range(model.levels)]
        model.counts = [np.asarray(arrays[f"counts.{k}"], np.int64) for k in range(model.levels)]
        for k in range(model.levels):
            keys = model.keys[k]
            contexts = model.slots * model.base ** (k - 1) if slots and k else model.base ** k
            if len(keys) != len(model.counts[k]) or (len(keys) > 1 and np.any(np.diff(keys) <= 0)):
                raise ValueError(f"the level-{k + 1} counts are damaged (unsorted or mismatched)")
            if len(keys) and (keys.min() < 0 or keys.max() >= contexts * vocab):
                raise ValueError(f"the level-{k + 1} counts hold ids outside the vocabulary")
        model._context_tables()
        model._totals = []
        for k in range(model.levels):
            total = np.asarray(arrays[f"totals.{k}"], np.float64)
            if len(total) != len(model._ctx[k]):
                raise ValueError(f"the order-{k + 1} context totals do not match the counts")
            model._totals.append((model._ctx[k], total))
        return model
