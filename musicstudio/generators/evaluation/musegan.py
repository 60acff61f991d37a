"""MuseGAN's bar-level metrics (Dong et al. 2018): EB, UPC, QN and TD.

MuseGAN computes them on binary piano rolls of 96 steps a bar; here they are computed on the notes
themselves, which is that piano roll at tick resolution:

- **EB**, empty-bar rate: share of bars in which no note sounds (a note held into a bar fills it).
- **UPC**, used pitch classes: pitch classes sounding in a bar, averaged over the bars that are not empty.
- **QN**, qualified-note rate: share of notes no shorter than three of MuseGAN's 96 steps a bar, i.e. a
  32nd note (60 ticks in 4/4). Every note on our 16th grid qualifies, so QN only falls below 1 for music
  off that grid (a model with a finer time step, or a recording). MuseGAN measures it per bar with notes
  cut at the bar lines; here each note counts whole, once.
- **TD**, tonal distance between two tracks: per bar, the Euclidean distance between the 6-D tonal centroids
  (Harte, Sandler & Gasser 2006) of the two tracks' duration-weighted chroma; bars where either track is
  silent are left out. (MuseGAN's code averages beat-long windows; pass ``window=PPQ`` for that.)
"""

from __future__ import annotations

from itertools import combinations
from typing import Mapping, Sequence

import numpy as np

from musicstudio.core.note import Note
from musicstudio.generators.evaluation.features import BAR_TICKS, bar_count, phrase_ticks

QUALIFIED_SHARE = 3 / 96   # three of MuseGAN's 96 steps a bar: a 32nd note


def _tonal_matrix(r1: float = 1.0, r2: float = 1.0, r3: float = 0.5) -> np.ndarray:
    """Harte et al.'s 6 x 12 projection: circle of fifths, minor thirds and major thirds (radii r1, r2, r3)."""
    pc = np.arange(12)
    return np.array([r1 * np.sin(pc * 7 * np.pi / 6), r1 * np.cos(pc * 7 * np.pi / 6),
                     r2 * np.sin(pc * 3 * np.pi / 2), r2 * np.cos(pc * 3 * np.pi / 2),
                     r3 * np.sin(pc * 2 * np.pi / 3), r3 * np.cos(pc * 2 * np.pi / 3)])


TONAL_MATRIX = _tonal_matrix()


def window_chroma(notes: Sequence[Note], window: int, length: int) -> np.ndarray:
    """Ticks each pitch class sounds in each ``window``-tick span of [0, length): shape (windows, 12)."""
    windows = max(1, -(-length // window))
    if not notes:
        return np.zeros((windows, 12))
    starts = np.array([n.start for n in notes])
    ends = np.array([n.end for n in notes])
    edges = np.arange(windows + 1) * window
    overlap = np.minimum(ends[None, :], edges[1:, None]) - np.maximum(starts[None, :], edges[:-1, None])
    one_hot = np.zeros((len(notes), 12))
    one_hot[np.arange(len(notes)), [n.pitch % 12 for n in notes]] = 1
    return np.clip(overlap, 0, None) @ one_hot


def bar_chroma(notes: Sequence[Note], bar_ticks: int = BAR_TICKS, length: int | None = None) -> np.ndarray:
    """Ticks each pitch class sounds in each bar: shape (bars, 12)."""
    return window_chroma(notes, bar_ticks, bar_count(notes, bar_ticks, length) * bar_ticks)


def empty_bar_rate(notes: Sequence[Note], bar_ticks: int = BAR_TICKS, length: int | None = None) -> float:
    """EB: share of bars in which no note sounds."""
    return float(np.mean(bar_chroma(notes, bar_ticks, length).sum(axis=1) == 0))


def bar_used_pitch_classes(notes: Sequence[Note], bar_ticks: int = BAR_TICKS,
                           length: int | None = None) -> np.ndarray:
    """Pitch classes sounding in each bar (NaN for an empty bar)."""
    chroma = bar_chroma(notes, bar_ticks, length)
    used = np.count_nonzero(chroma > 0, axis=1).astype(float)
    used[chroma.sum(axis=1) == 0] = np.nan
    return used


def used_pitch_classes(notes: Sequence[Note], bar_ticks: int = BAR_TICKS, length: int | None = None) -> float:
    """UPC: mean pitch classes per non-empty bar (NaN if every bar is empty)."""
    used = bar_used_pitch_classes(notes, bar_ticks, length)
    return float(np.mean(used[~np.isnan(used)])) if not np.isnan(used).all() else float("nan")


def qualified_note_rate(notes: Sequence[Note], bar_ticks: int = BAR_TICKS, share: float = QUALIFIED_SHARE) -> float:
    """QN: share of notes lasting at least ``share`` of a bar (default a 32nd note); NaN for no notes."""
    if not notes:
        return float("nan")
    shortest = share * bar_ticks
    return sum(n.duration >= shortest - 1e-9 for n in notes) / len(notes)


def centroid_of_chroma(chroma: np.ndarray) -> np.ndarray:
    """Tonal centroids of chroma rows (..., 12), each row divided by its sum first; NaN rows for silence."""
    chroma = np.asarray(chroma, dtype=float)
    total = chroma.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        normalised = np.where(total > 0, chroma / np.where(total > 0, total, 1), np.nan)
    return normalised @ TONAL_MATRIX.T


def tonal_centroid(notes: Sequence[Note], start: int | None = None, end: int | None = None) -> np.ndarray:
    """The 6-D tonal centroid of the notes sounding in [start, end) (default: all of them), weighted by how
    long each sounds there. NaN (six of them) when nothing sounds."""
    notes = list(notes)
    lo = 0 if start is None else start
    hi = max((n.end for n in notes), default=0) if end is None else end
    if hi <= lo:
        return np.full(6, np.nan)
    shifted = [n._replace(start=n.start - lo) for n in notes]
    return centroid_of_chroma(window_chroma(shifted, hi - lo, hi - lo)[0])


def bar_tonal_distances(notes_a: Sequence[Note], notes_b: Sequence[Note], bar_ticks: int = BAR_TICKS,
                        length: int | None = None, window: int | None = None) -> np.ndarray:
    """Tonal distance between two tracks in each ``window`` (default: each bar); NaN where either is silent."""
    length = length if length is not None else max(phrase_ticks(notes_a, bar_ticks), phrase_ticks(notes_b, bar_ticks))
    window = window or bar_ticks
    a = centroid_of_chroma(window_chroma(notes_a, window, length))
    b = centroid_of_chroma(window_chroma(notes_b, window, length))
    return np.linalg.norm(a - b, axis=1)


def tonal_distance(notes_a: Sequence[Note], notes_b: Sequence[Note], bar_ticks: int = BAR_TICKS,
                   length: int | None = None, window: int | None = None) -> float:
    """TD: mean tonal distance over the bars where both tracks sound (NaN if there are none)."""
    d = bar_tonal_distances(notes_a, notes_b, bar_ticks, length, window)
    return float(np.mean(d[~np.isnan(d)])) if not np.isnan(d).all() else float("nan")


def bar_to_bar_tonal_distances(notes: Sequence[Note], bar_ticks: int = BAR_TICKS,
                               length: int | None = None) -> np.ndarray:
    """Tonal distance between the centroids of each bar and the next (bars - 1 values; NaN next to a silent
    bar): how far the harmony moves from bar to bar."""
    centroids = centroid_of_chroma(bar_chroma(notes, bar_ticks, length))
    return np.linalg.norm(centroids[1:] - centroids[:-1], axis=1)


def musegan_metrics(tracks: Mapping[str, Sequence[Note]], bar_ticks: int = BAR_TICKS,
                    length: int | None = None) -> dict:
    """EB, UPC and QN for each named track, and TD for each pair of tracks (keyed ``"a / b"``), over a
    common length (the longest track's whole bars unless ``length`` is given)."""
    tracks = {name: list(notes) for name, notes in tracks.items()}
    if length is None:
        length = max((phrase_ticks(notes, bar_ticks) for notes in tracks.values()), default=bar_ticks)
    out: dict = {"tracks": {}, "tonal_distance": {}}
    for name, notes in tracks.items():
        out["tracks"][name] = {"EB": empty_bar_rate(notes, bar_ticks, length),
                               "UPC": used_pitch_classes(notes, bar_ticks, length),
                               "QN": qualified_note_rate(notes, bar_ticks)}
    for a, b in combinations(tracks, 2):
        out["tonal_distance"][f"{a} / {b}"] = tonal_distance(tracks[a], tracks[b], bar_ticks, length)
    return out
