"""Every context level of one or more n-gram models searched in one pass.

A next-token distribution of an order-n model looks up n contexts (the metered model's two models, 11),
and a sampling step of a few rows was dominated by the fixed cost of the two dozen array calls each
lookup made, not by the work: 60% of a markov-events take went there. Here every level's contexts sit in
one sorted array, each level's ids shifted past the previous level's largest (with a gap, so an id a
level never saw cannot land on the next level's), with where each context's n-grams start and how many
there are; one search finds every row's context at every level, and one scatter writes all their
discounted counts. The arithmetic per entry is the one :meth:`NGramModel.distribution` always did, in the
same order, so the distributions are bit for bit what the level-by-level lookup gave.
"""

from __future__ import annotations

import numpy as np

ID_LIMIT = 2 ** 63


class _Group:
    """Consecutive levels whose shifted context ids fit in 64 bits (in practice all of them)."""

    def __init__(self, levels: list[tuple], vocab: int):
        ctx, first, length, total, kept, tokens, values = [], [], [], [], [], [], []
        self.offset, self.cap = [], []
        shift = entries = 0
        for keys, discounted, contexts, totals, kept_mass in levels:
            starts = np.searchsorted(keys, contexts * vocab)
            ends = np.searchsorted(keys, contexts * vocab + vocab)
            cap = int(contexts[-1]) if len(contexts) else -1
            ctx.append(contexts + shift)
            first.append(starts + entries)
            length.append(ends - starts)
            total.append(totals)
            kept.append(kept_mass)
            tokens.append(keys % vocab)
            values.append(discounted)
            self.offset.append(shift)
            self.cap.append(cap)
            shift += cap + 2   # ids past the level's largest become cap + 1: never a context, of this level or the next
            entries += len(keys)
        self.offset = np.array(self.offset, np.int64)[:, None]
        self.cap = np.array(self.cap, np.int64)[:, None]
        self.ctx, self.first, self.length = (np.concatenate(a).astype(np.int64) for a in (ctx, first, length))
        self.total, self.kept = (np.concatenate(a).astype(np.float64) for a in (total, kept))
        self.tokens, self.values = np.concatenate(tokens).astype(np.intp), np.concatenate(values)
        self.vocab = vocab

    def find(self, ids: np.ndarray):
        levels, rows = ids.shape
        if not len(self.ctx):
            return np.zeros((levels, rows), bool), np.zeros((levels, rows, self.vocab)), np.ones((levels, rows))
        q = np.minimum(ids, self.cap + 1) + self.offset
        at = np.minimum(np.searchsorted(self.ctx, q), len(self.ctx) - 1)
        seen = self.ctx[at] == q
        n = np.where(seen, self.length[at], 0).ravel()
        start = np.cumsum(n) - n
        idx = np.repeat(self.first[at].ravel() - start, n) + np.arange(n.sum())
        dense = np.zeros((levels * rows, self.vocab))
        dense[np.repeat(np.arange(levels * rows), n), self.tokens[idx]] = self.values[idx]
        t = np.where(seen, self.total[at], 1.0)
        gamma = np.where(seen, 1.0 - self.kept[at] / t, 1.0)
        dense = dense.reshape(levels, rows, self.vocab)
        dense /= t[:, :, None]
        return seen, dense, gamma


class LevelLookup:
    """The levels 1, 2, ... of one or more n-gram models (each level: its sorted n-gram ids, their discounted
    counts, its sorted contexts, each context's total and the discounted mass it keeps), in the order given."""

    def __init__(self, levels: list[tuple], vocab: int):
        self.vocab, self.groups, self.sizes = vocab, [], []
        group: list[tuple] = []
        shift = 0
        for level in levels:
            contexts = level[2]
            width = (int(contexts[-1]) if len(contexts) else -1) + 2
            if group and shift + width >= ID_LIMIT:
                self._close(group)
                group, shift = [], 0
            group.append(level)
            shift += width
        if group:
            self._close(group)

    def _close(self, group: list[tuple]) -> None:
        self.groups.append(_Group(group, self.vocab))
        self.sizes.append(len(group))

    def find(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For ``ids`` (levels, rows), each level's context id of each row: whether the context was seen
        (levels, rows), its discounted counts over its total (levels, rows, vocab), and the mass it hands to
        the shorter context (levels, rows); an unseen context has no counts and hands over everything."""
        if len(self.groups) == 1:
            return self.groups[0].find(ids)
        if not self.groups:   # a unigram model: no levels to look up
            rows = ids.shape[1]
            return np.zeros((0, rows), bool), np.zeros((0, rows, self.vocab)), np.ones((0, rows))
        parts, first = [], 0
        for group, size in zip(self.groups, self.sizes):
            parts.append(group.find(ids[first:first + size]))
            first += size
        return tuple(np.concatenate(p) for p in zip(*parts))


def backed_off(p: np.ndarray, seen: np.ndarray, scaled: np.ndarray, gamma: np.ndarray) -> np.ndarray:
    """Interpolated back-off from ``p`` (rows, vocab), the shortest contexts' estimate, up through the levels
    :meth:`LevelLookup.find` found, stopping at the first level no row's context was seen at; ``p`` is
    overwritten. A row whose context is unseen at a level has no counts there and hands over everything
    (gamma exactly 1), so it keeps its estimate without a mask."""
    any_seen = seen.any(axis=1)
    depth = len(any_seen) if any_seen.all() else int(np.argmin(any_seen))
    for k in range(depth):
        p *= gamma[k][:, None]
        p += scaled[k]
    return p


def rows_of(unigram: np.ndarray, rows: int) -> np.ndarray:
    """``rows`` copies of a distribution, to back off from."""
    p = np.empty((rows, len(unigram)))
    p[:] = unigram
    return p
