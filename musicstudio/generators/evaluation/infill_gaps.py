"""Held-out gaps and the seam figures of the infill report (:mod:`.infill_report`, issue 18).

A gap is 1-4 whole bars of one held-out tune (the test split; one pitched track, one meter throughout), with
music on both sides: notes in the bars before it, in the gap, and in the first bar after it. The models get up
to :data:`CONTEXT_BARS` bars on each side. The gaps are drawn with a fixed random seed, so every model is
asked to fill the same ones.

The *far seam* of a take is where its last bar meets the first bar after the gap: the tonal distance (the
Euclidean distance between the two bars' duration-weighted pitch-class histograms, each summing to 1) and the
pitch interval (semitones, unsigned) from the take's last note to the first note after the gap. The same two
figures over every pair of consecutive bars of the held-out tunes say what music itself does at a bar line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.corpus_piece import METER_CHANGE, NO_METER
from musicstudio.generators.evaluation.features import pitch_class_histogram
from musicstudio.generators.evaluation.meter_report import bars_of
from musicstudio.generators.interface import bar_ticks

GAPS = 500
RANDOM_SEED = 18
CONTEXT_BARS = 8
LONGEST_GAP = 4


@dataclass(frozen=True)
class HeldGap:
    piece: str
    meter: tuple[int, int]
    bars: int          # the gap's bars
    before: Clip       # up to CONTEXT_BARS bars before the gap, from a bar line
    gap: Clip          # the true gap
    after: Clip        # up to CONTEXT_BARS bars from the gap's end

    @property
    def bar(self) -> int:
        return bar_ticks(self.meter)


def held_out_tunes(corpus, split: str = "test", step_ticks: int | None = None
                   ) -> list[tuple[str, tuple[int, int], tuple[Note, ...]]]:
    """(id, meter, notes on the grid: 16ths unless ``step_ticks`` says otherwise) of the split's tunes of one
    pitched track in one meter."""
    from musicstudio.generators.codecs.grid import STEP_TICKS, on_grid

    out = []
    for info in corpus.select(split):
        if METER_CHANGE in info.flags or NO_METER in info.flags:
            continue
        pitched = [t for t in corpus.piece(info.id).tracks if not t.is_drum and t.notes]
        if len(pitched) == 1:
            out.append((info.id, tuple(info.meter), on_grid(pitched[0].notes, step_ticks=step_ticks or STEP_TICKS)))
    return out


def _bars(notes) -> int:
    return max((n.end for n in notes), default=0)


def draw_gaps(tunes, count: int = GAPS, seed: int = RANDOM_SEED) -> list[HeldGap]:
    """``count`` gaps of 1-4 bars with music on both sides, tunes and places drawn with ``seed``."""
    rng = np.random.default_rng(seed)
    gaps: list[HeldGap] = []
    for _ in range(count * 50):
        if len(gaps) == count or not tunes:
            break
        name, meter, notes = tunes[int(rng.integers(len(tunes)))]
        bar = bar_ticks(meter)
        total, size = -(-_bars(notes) // bar), int(rng.integers(1, LONGEST_GAP + 1))
        if total < size + 2:
            continue
        start = int(rng.integers(1, total - size))
        before, after = min(start, CONTEXT_BARS), min(total - start - size, CONTEXT_BARS)
        gap = HeldGap(name, meter, size, Clip(bars_of(notes, start - before, before, bar), before * bar),
                      Clip(bars_of(notes, start, size, bar), size * bar),
                      Clip(bars_of(notes, start + size, after, bar), after * bar))
        if gap.before.notes and gap.gap.notes and bars_of(gap.after.notes, 0, 1, bar):
            gaps.append(gap)
    return gaps


def _last(notes) -> Note:
    return max(notes, key=lambda n: (n.start, n.pitch))


def _first(notes) -> Note:
    return min(notes, key=lambda n: (n.start, -n.pitch))


def tonal_distance(a, b) -> float:
    """Euclidean distance between the duration-weighted pitch-class histograms of two bars."""
    return float(np.linalg.norm(pitch_class_histogram(list(a)) - pitch_class_histogram(list(b))))


def seam(last_bar, next_bar) -> tuple[float, int] | None:
    """(tonal distance, interval from the last note of ``last_bar`` to the first of ``next_bar``); None when
    either bar is silent."""
    if not last_bar or not next_bar:
        return None
    return tonal_distance(last_bar, next_bar), abs(_last(last_bar).pitch - _first(next_bar).pitch)


def far_seam(notes, length: int, gap: HeldGap) -> tuple[float, int] | None:
    """The seam between the last bar of a take (``length`` ticks) and the first bar after the gap."""
    bar = gap.bar
    return seam(bars_of(notes, length // bar - 1, 1, bar), bars_of(gap.after.notes, 0, 1, bar))


def consecutive_seams(tunes) -> np.ndarray:
    """(tonal distance, interval) of every pair of consecutive bars of the tunes, both bars sounding."""
    rows = []
    for _, meter, notes in tunes:
        bar = bar_ticks(meter)
        bars = [bars_of(notes, k, 1, bar) for k in range(-(-_bars(notes) // bar))]
        rows += [s for a, b in zip(bars, bars[1:]) if (s := seam(a, b)) is not None]
    return np.array(rows, dtype=np.float64).reshape(-1, 2)


def spread(values: np.ndarray) -> dict:
    """Mean, standard deviation and quartiles of a sample."""
    values = np.asarray(values, np.float64)
    if not len(values):
        return {"n": 0}
    q25, median, q75 = np.percentile(values, [25, 50, 75])
    return {"n": int(len(values)), "mean": float(values.mean()), "std": float(values.std()),
            "q25": float(q25), "median": float(median), "q75": float(q75)}
