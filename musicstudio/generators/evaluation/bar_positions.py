"""Where in the bar notes start: the onset-position histogram of a set of phrases in a meter, and the
overlapping area of two such histograms.

A phrase starts on a bar line of its meter; an onset's position is its 16th step within the bar
(``round(start / 120) % steps``, with ``steps`` = numerator x 16 / denominator: 12 for 3/4 and 6/8, 18 for
9/8). The histogram counts every onset of every phrase of a set and is normalised to sum to 1; the
overlapping area of two histograms is ``sum(min(p, q))``: 1 for the same distribution, 0 for onsets that
never share a position. A continuation that keeps a 4-beat cycle in 3/4 puts its onsets on the wrong
steps of two bars in three, and its overlap with real 3/4 continuations drops.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from musicstudio.core.note import Note
from musicstudio.generators.codecs.grid import STEP_TICKS, steps_in_bar

__all__ = ["histogram_overlap", "onset_positions", "position_histogram", "steps_in_bar"]


def onset_positions(notes: Iterable[Note], meter: tuple[int, int]) -> np.ndarray:
    """The 16th step within the bar at which each note starts (the phrase starts on a bar line)."""
    starts = np.array([n.start for n in notes], dtype=np.int64)
    return np.rint(starts / STEP_TICKS).astype(np.int64) % steps_in_bar(meter)


def position_histogram(phrases: Sequence[Iterable[Note]], meter: tuple[int, int]) -> np.ndarray:
    """The share of all the phrases' onsets at each step of the bar (all zeros when there is none)."""
    counts = np.zeros(steps_in_bar(meter))
    for notes in phrases:
        counts += np.bincount(onset_positions(notes, meter), minlength=len(counts))
    total = counts.sum()
    return counts / total if total else counts


def histogram_overlap(p: np.ndarray, q: np.ndarray) -> float:
    """The overlapping area ``sum(min(p, q))`` of two normalised histograms of one length (0 when either
    is empty)."""
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError(f"histograms of {len(p)} and {len(q)} positions cannot be compared")
    if not p.sum() or not q.sum():
        return 0.0
    return float(np.minimum(p / p.sum(), q / q.sum()).sum())
