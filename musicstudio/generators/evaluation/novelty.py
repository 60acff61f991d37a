"""Is a generated phrase new? The longest span it copies from the training set, and how alike it sounds.

**Longest copied span.** Each bar becomes a token: the notes starting in it as (16th step in the bar,
pitch, duration in 16ths), every time rounded to the nearest 16th. :class:`TrainingIndex` hashes every
bar-aligned run of 1 to ``max_bars`` consecutive bars of every training phrase. The longest copied span of
a generated phrase is the longest run of its consecutive bars that also occurs, bar for bar, as one
consecutive run in a single training phrase, holding at least one note (shared silence is not a copy).
Spans longer than ``max_bars`` are reported as ``max_bars``. Runs are compared by 64-bit hashes of bar ids;
a false match would need a hash collision.

**Similarity.** :func:`style_vector` joins three distributions of a phrase, each summing to 1: the
duration-weighted pitch-class histogram (12), mgeval's note-length histogram (12) and the histogram of
onset positions on the 16 steps of a bar (16). :func:`training_similarity` gives the cosine similarity of a
phrase's vector to the mean training vector and to its nearest training phrase.
"""

from __future__ import annotations

from typing import Iterable, NamedTuple, Sequence

import numpy as np

from musicstudio.core.note import Note
from musicstudio.generators.evaluation.features import (
    BAR_TICKS,
    STEP_TICKS,
    bar_count,
    note_length_histogram,
    pitch_class_histogram,
)

MAX_BARS = 8

BarToken = tuple[tuple[int, int, int], ...]


def _step(tick: int) -> int:
    """The nearest 16th step (a half rounds up)."""
    return (tick + STEP_TICKS // 2) // STEP_TICKS


def bar_tokens(notes: Sequence[Note], bar_ticks: int = BAR_TICKS, length: int | None = None) -> list[BarToken]:
    """One token per bar: the sorted (step in bar, pitch, duration in steps) of the notes starting there."""
    if bar_ticks % STEP_TICKS:
        raise ValueError(f"a bar of {bar_ticks} ticks is not a whole number of 16ths")
    steps = bar_ticks // STEP_TICKS
    bars: list[list[tuple[int, int, int]]] = [[] for _ in range(bar_count(notes, bar_ticks, length))]
    for n in notes:
        bar, position = divmod(_step(n.start), steps)
        if bar < len(bars):
            bars[bar].append((position, n.pitch, max(1, _step(n.duration))))
    return [tuple(sorted(b)) for b in bars]


class CopiedSpan(NamedTuple):
    bars: int          # length of the longest copied run (0: nothing copied)
    first_bar: int     # where it starts in the generated phrase (-1 when nothing is copied)


class TrainingIndex:
    """Every run of 1..``max_bars`` consecutive bars of the training phrases, hashed, for copy look-ups."""

    def __init__(self, phrases: Iterable[Sequence[Note]] = (), bar_ticks: int = BAR_TICKS, max_bars: int = MAX_BARS):
        if max_bars < 1:
            raise ValueError(f"max_bars must be at least 1, not {max_bars}")
        self.bar_ticks = bar_ticks
        self.max_bars = max_bars
        self.phrases = 0
        self._bar_ids: dict[BarToken, int] = {}
        self._pending: list[list[int]] = [[] for _ in range(max_bars + 1)]
        self._runs: list[np.ndarray] = [np.empty(0, dtype=np.int64) for _ in range(max_bars + 1)]
        for phrase in phrases:
            self.add(phrase)

    def __len__(self) -> int:
        return self.phrases

    def add(self, notes: Sequence[Note]) -> None:
        """Index one training phrase."""
        ids = [self._bar_ids.setdefault(t, len(self._bar_ids)) for t in bar_tokens(list(notes), self.bar_ticks)]
        for size in range(1, self.max_bars + 1):
            self._pending[size].extend(hash(tuple(ids[i:i + size])) for i in range(len(ids) - size + 1))
        self.phrases += 1

    def _contains(self, size: int, key: int) -> bool:
        if self._pending[size]:
            merged = np.concatenate([self._runs[size], np.asarray(self._pending[size], dtype=np.int64)])
            self._runs[size] = np.unique(merged)
            self._pending[size] = []
        runs = self._runs[size]
        i = np.searchsorted(runs, key)
        return bool(i < len(runs) and runs[i] == key)

    def longest_copy(self, notes: Sequence[Note], length: int | None = None) -> CopiedSpan:
        """The longest run of the phrase's bars found as one run in a training phrase."""
        tokens = bar_tokens(list(notes), self.bar_ticks, length)
        ids = [self._bar_ids.get(t, -1) for t in tokens]
        best = CopiedSpan(0, -1)
        for first in range(len(ids)):
            for size in range(1, min(self.max_bars, len(ids) - first) + 1):
                run = ids[first:first + size]
                if run[-1] < 0 or not self._contains(size, hash(tuple(run))):
                    break
                if size > best.bars and any(tokens[first:first + size]):
                    best = CopiedSpan(size, first)
        return best


def longest_copied_span(notes: Sequence[Note], training: TrainingIndex | Iterable[Sequence[Note]],
                        bar_ticks: int = BAR_TICKS, max_bars: int = MAX_BARS) -> int:
    """Bars of the longest span of ``notes`` copied verbatim from the training phrases (an index or phrases)."""
    index = training if isinstance(training, TrainingIndex) else TrainingIndex(training, bar_ticks, max_bars)
    return index.longest_copy(notes).bars


def onset_position_histogram(notes: Sequence[Note], bar_ticks: int = BAR_TICKS) -> np.ndarray:
    """Share of onsets on each 16th step of the bar (16 values in 4/4); zeros for no notes."""
    steps = bar_ticks // STEP_TICKS
    hist = np.bincount([_step(n.start) % steps for n in notes], minlength=steps).astype(float)
    return hist / hist.sum() if notes else hist


def style_vector(notes: Sequence[Note], bar_ticks: int = BAR_TICKS) -> np.ndarray:
    """Pitch-class histogram (12) + note-length histogram (12) + onset-position histogram (16 in 4/4)."""
    notes = list(notes)
    return np.concatenate([pitch_class_histogram(notes), note_length_histogram(notes, bar_ticks),
                           onset_position_histogram(notes, bar_ticks)])


def cosine_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """a . b / (|a| |b|); NaN when either vector is all zeros."""
    a, b = np.asarray(a, dtype=float).ravel(), np.asarray(b, dtype=float).ravel()
    norms = np.linalg.norm(a) * np.linalg.norm(b)
    return float(a @ b / norms) if norms else float("nan")


def training_similarity(notes: Sequence[Note], training: Sequence[Sequence[Note]],
                        bar_ticks: int = BAR_TICKS) -> dict[str, float]:
    """Cosine similarity of the phrase's :func:`style_vector` to the mean training vector (``to_mean``) and
    to the most similar training phrase (``nearest``)."""
    mine = style_vector(notes, bar_ticks)
    theirs = np.array([style_vector(p, bar_ticks) for p in training])
    if not len(theirs):
        return {"to_mean": float("nan"), "nearest": float("nan")}
    each = [cosine_similarity(mine, v) for v in theirs]
    return {"to_mean": cosine_similarity(mine, theirs.mean(axis=0)),
            "nearest": float(np.nanmax(each)) if not np.isnan(each).all() else float("nan")}
