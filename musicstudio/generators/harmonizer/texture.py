"""Four-part texture figures, for Bach's chorales and for written parts alike (the harmonize report,
:mod:`.report`). Parts are four note lists, soprano first, on the 16th grid.

* **Melodic interval**: each part's absolute intervals from note to note (a repeated note counts 0), pooled.
* **Parallel fifths and octaves**: between consecutive onset times of the texture, for each of the six pairs
  of voices sounding at both, one *transition*; a parallel is one where both voices move the same way and
  the interval (mod 12) is a perfect fifth at both times, or an octave / unison at both.
* **Voice crossings**: at each onset time, adjacent voices (S-A, A-T, T-B) both sounding, the lower one
  above the upper one.
* **In range**: the share of a part's notes inside a voice range.
* **Sonority**: at each beat of the meter where three or more voices sound, whether the pitch classes
  sounding are those of a triad (major, minor, diminished, augmented) or a seventh chord (dominant, major,
  minor, half-diminished, diminished seventh).
"""

from __future__ import annotations

from itertools import combinations
from typing import Sequence

import numpy as np

from musicstudio.core.note import Note
from musicstudio.generators.codecs.grid import STEP_TICKS
from musicstudio.generators.harmonizer.voices import bar_steps, beat_steps

Parts = Sequence[Sequence[Note]]
TRIADS = ((0, 4, 7), (0, 3, 7), (0, 3, 6), (0, 4, 8))
SEVENTHS = ((0, 4, 7, 10), (0, 4, 7, 11), (0, 3, 7, 10), (0, 3, 6, 10), (0, 3, 6, 9))
CHORDS = frozenset(frozenset((r + i) % 12 for i in shape) for shape in TRIADS + SEVENTHS for r in range(12))


def grid(parts: Parts) -> tuple[np.ndarray, np.ndarray]:
    """(pitch (4, T) with -1 for silence, onset (4, T) bool) on the 16th grid."""
    steps = max((-(-n.end // STEP_TICKS) for part in parts for n in part), default=0)
    pitch = np.full((len(parts), steps), -1, np.int64)
    onset = np.zeros((len(parts), steps), bool)
    for v, part in enumerate(parts):
        for n in sorted(part, key=lambda n: n.start):
            a, b = n.start // STEP_TICKS, max(n.start // STEP_TICKS + 1, -(-n.end // STEP_TICKS))
            pitch[v, a:b] = n.pitch
            onset[v, a] = True
    return pitch, onset


def intervals(part: Sequence[Note]) -> np.ndarray:
    line = sorted(part, key=lambda n: (n.start, -n.pitch))
    return np.abs(np.diff([n.pitch for n in line])) if len(line) > 1 else np.zeros(0)


def parallels(parts: Parts) -> tuple[int, int]:
    """(parallel fifths and octaves, voice-pair transitions)."""
    pitch, onset = grid(parts)
    times = np.flatnonzero(onset.any(axis=0))
    found = total = 0
    for a, b in zip(times[:-1], times[1:]):
        for i, j in combinations(range(len(parts)), 2):
            p, q = pitch[[i, j], a], pitch[[i, j], b]
            if (p < 0).any() or (q < 0).any():
                continue
            total += 1
            move = np.sign(q - p)
            before, after = abs(p[0] - p[1]) % 12, abs(q[0] - q[1]) % 12
            if move[0] != 0 and move[0] == move[1] and before == after and before in (0, 7):
                found += 1
    return found, total


def crossings(parts: Parts) -> tuple[int, int]:
    """(crossings, adjacent voice pairs sounding) at the onset times."""
    pitch, onset = grid(parts)
    times = np.flatnonzero(onset.any(axis=0))
    upper, lower = pitch[:-1][:, times], pitch[1:][:, times]
    both = (upper >= 0) & (lower >= 0)
    return int((both & (lower > upper)).sum()), int(both.sum())


def in_range(part: Sequence[Note], low: int, high: int) -> tuple[int, int]:
    return sum(low <= n.pitch <= high for n in part), len(part)


def sonorities(parts: Parts, meter: tuple[int, int]) -> tuple[int, int]:
    """(beats whose sonority is a triad or seventh chord, beats with three or more voices sounding)."""
    pitch, _ = grid(parts)
    beats = [t for t in range(pitch.shape[1]) if (t % bar_steps(meter)) % beat_steps(meter) == 0]
    chords = counted = 0
    for t in beats:
        sounding = pitch[:, t][pitch[:, t] >= 0]
        if len(sounding) < 3:
            continue
        counted += 1
        chords += frozenset(int(p) % 12 for p in sounding) in CHORDS
    return chords, counted


def figures(pieces: Sequence[tuple[Parts, tuple[int, int]]], ranges: Sequence[tuple[int, int]]) -> dict:
    """Every figure over ``pieces`` ((parts, meter) pairs): per voice mean interval and share in range, and
    the rates of parallels, crossings and chord sonorities."""
    counts = np.zeros(6, np.int64)
    steps = [[] for _ in range(4)]
    inside = np.zeros((4, 2), np.int64)
    for parts, meter in pieces:
        counts += np.array(parallels(parts) + crossings(parts) + sonorities(parts, meter))
        for v in range(4):
            steps[v].append(intervals(parts[v]))
            inside[v] += in_range(parts[v], *ranges[v])
    voices = {}
    for v, name in enumerate(("soprano", "alto", "tenor", "bass")):
        pooled = np.concatenate(steps[v]) if steps[v] else np.zeros(0)
        voices[name] = {"mean_interval": float(pooled.mean()) if len(pooled) else float("nan"),
                        "in_range": float(inside[v, 0] / max(1, inside[v, 1])), "notes": int(inside[v, 1])}
    return {"pieces": len(pieces), "voices": voices,
            "parallels_per_100": float(100 * counts[0] / max(1, counts[1])), "transitions": int(counts[1]),
            "crossings_per_100": float(100 * counts[2] / max(1, counts[3])), "pair_onsets": int(counts[3]),
            "chord_beats": float(counts[4] / max(1, counts[5])), "beats": int(counts[5])}
