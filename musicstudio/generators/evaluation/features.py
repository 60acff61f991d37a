"""Per-phrase features for judging generated music: Yang & Lerch (2018) and MusPy's metrics.

Every function takes the notes of one phrase (any sequence of core Notes, ticks at PPQ 480) and
returns a number or a numpy array. The reference definitions are mgeval's (Yang & Lerch's own code)
and MusPy's ``metrics`` module; where a function departs from them, its docstring says how.

A phrase lasts ``length`` ticks when that is given, else the whole bars that hold its notes (at least
one bar). Features that need two onsets, two bars or a sounding note are NaN when there are none.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from musicstudio.core.key import Key
from musicstudio.core.note import Note
from musicstudio.core.ticks import PPQ

STEP_TICKS = PPQ // 4        # a 16th note: the generators' grid
BAR_TICKS = 4 * PPQ          # a 4/4 bar

# mgeval's twelve note-length classes, in 96ths of a bar: whole, half, quarter, 8th, 16th, dotted half,
# dotted quarter, dotted 8th, dotted 16th, half-note triplet, quarter-note triplet, 8th-note triplet.
NOTE_LENGTH_CLASSES = (96, 48, 24, 12, 6, 72, 36, 18, 9, 32, 16, 8)
NOTE_LENGTH_NAMES = ("1", "1/2", "1/4", "1/8", "1/16", "1/2.", "1/4.", "1/8.", "1/16.", "1/2t", "1/4t", "1/8t")

# The 24 major and natural-minor scales (sharps -5..6 give the twelve tonics once each).
SCALES = tuple(Key(sharps, minor).scale() for minor in (False, True) for sharps in range(-5, 7))

FEATURE_NAMES = ("total_pitch_count", "pitch_class_histogram", "pitch_class_transition_matrix", "pitch_range",
                 "average_pitch_interval", "total_note_count", "average_inter_onset_interval",
                 "note_length_histogram", "pitch_class_entropy", "scale_consistency", "groove_consistency",
                 "empty_beat_rate", "polyphony", "polyphony_rate")


def phrase_ticks(notes: Sequence[Note], bar_ticks: int = BAR_TICKS, length: int | None = None) -> int:
    """``length`` if given, else the whole bars that hold the notes (one bar for no notes)."""
    if length is not None:
        return length
    end = max((n.end for n in notes), default=0)
    return max(1, -(-end // bar_ticks)) * bar_ticks


def bar_count(notes: Sequence[Note], bar_ticks: int = BAR_TICKS, length: int | None = None) -> int:
    """Bars in the phrase; a partial last bar counts."""
    return max(1, -(-phrase_ticks(notes, bar_ticks, length) // bar_ticks))


def onset_groups(notes: Sequence[Note]) -> list[tuple[int, list[int]]]:
    """Distinct start ticks in order, each with the pitches that start there (a chord is one onset)."""
    groups: dict[int, list[int]] = {}
    for n in notes:
        groups.setdefault(n.start, []).append(n.pitch)
    return sorted(groups.items())


# -- pitch -------------------------------------------------------------------------------------------
def total_pitch_count(notes: Sequence[Note]) -> int:
    """Number of distinct MIDI pitches used."""
    return len({n.pitch for n in notes})


def pitch_class_histogram(notes: Sequence[Note], weight: str = "duration") -> np.ndarray:
    """Share of each pitch class (C=0). ``weight="duration"`` counts sounding ticks, as mgeval's piano-roll
    sum does (without its velocity weighting); ``weight="count"`` counts notes. All zeros for no notes."""
    if weight not in ("duration", "count"):
        raise ValueError(f"weight must be 'duration' or 'count', not {weight!r}")
    hist = np.zeros(12)
    for n in notes:
        hist[n.pitch % 12] += n.duration if weight == "duration" else 1
    total = hist.sum()
    return hist / total if total else hist


def pitch_class_transition_matrix(notes: Sequence[Note]) -> np.ndarray:
    """12 x 12 counts of pitch-class moves from one onset to the next, divided by their sum (mgeval's
    ``normalize=2``). Every pitch of an onset goes to every pitch of the next onset.

    pretty_midi (which mgeval calls) counts a move where a note ends within 0.05 s of another's start, so
    moves across rests are lost; counting consecutive onsets is the same for legato lines and keeps them."""
    matrix = np.zeros((12, 12))
    groups = onset_groups(notes)
    for (_, here), (_, there) in zip(groups, groups[1:]):
        for a in here:
            for b in there:
                matrix[a % 12, b % 12] += 1
    total = matrix.sum()
    return matrix / total if total else matrix


def pitch_range(notes: Sequence[Note]) -> int:
    """Highest minus lowest pitch in semitones (0 for no notes)."""
    pitches = [n.pitch for n in notes]
    return max(pitches) - min(pitches) if pitches else 0


def average_pitch_interval(notes: Sequence[Note]) -> float:
    """Mean absolute interval in semitones between consecutive onsets, taking the highest pitch of each
    onset (the melody of a polyphonic phrase). mgeval walks note-on events in file order instead."""
    top = [max(pitches) for _, pitches in onset_groups(notes)]
    return float(np.mean(np.abs(np.diff(top)))) if len(top) > 1 else float("nan")


def pitch_class_entropy(notes: Sequence[Note]) -> float:
    """Shannon entropy in bits of the note-count pitch-class histogram (MusPy's ``pitch_class_entropy``)."""
    if not notes:
        return float("nan")
    prob = pitch_class_histogram(notes, weight="count")
    prob = prob[prob > 0]
    return float(-(prob * np.log2(prob)).sum())


def scale_consistency(notes: Sequence[Note]) -> float:
    """Largest share of notes inside one of the 24 major / natural-minor scales (MusPy)."""
    if not notes:
        return float("nan")
    counts = np.bincount([n.pitch % 12 for n in notes], minlength=12)
    return float(max(counts[sorted(scale)].sum() for scale in SCALES) / counts.sum())


# -- rhythm ------------------------------------------------------------------------------------------
def total_note_count(notes: Sequence[Note]) -> int:
    return len(notes)


def average_inter_onset_interval(notes: Sequence[Note]) -> float:
    """Mean time between consecutive distinct onsets, in 16th steps. (pretty_midi's ``get_onsets``, which
    mgeval uses, keeps every note of a chord, so chords add zero intervals there; here a chord is one onset.)"""
    starts = [start for start, _ in onset_groups(notes)]
    return float(np.mean(np.diff(starts)) / STEP_TICKS) if len(starts) > 1 else float("nan")


def note_length_histogram(notes: Sequence[Note], bar_ticks: int = BAR_TICKS) -> np.ndarray:
    """Share of notes in each of mgeval's 12 length classes (:data:`NOTE_LENGTH_CLASSES`, 96ths of a bar),
    each note going to the nearest class (on a tie, the earlier class in that list). Zeros for no notes."""
    if not notes:
        return np.zeros(len(NOTE_LENGTH_CLASSES))
    classes = np.asarray(NOTE_LENGTH_CLASSES) * bar_ticks / 96
    durations = np.array([n.duration for n in notes], dtype=float)
    nearest = np.argmin(np.abs(durations[:, None] - classes[None, :]), axis=1)
    return np.bincount(nearest, minlength=len(classes)) / len(notes)


def groove_consistency(notes: Sequence[Note], bar_ticks: int = BAR_TICKS, length: int | None = None) -> float:
    """1 - mean Hamming distance between the onset patterns of neighbouring bars, over 16th positions
    (MusPy's ``groove_consistency`` with a 16-step 4/4 bar). Starts go to the nearest 16th. NaN under 2 bars."""
    if bar_ticks % STEP_TICKS:
        raise ValueError(f"a bar of {bar_ticks} ticks is not a whole number of 16ths")
    bars = bar_count(notes, bar_ticks, length)
    if bars < 2:
        return float("nan")
    steps = bar_ticks // STEP_TICKS
    patterns = np.zeros((bars, steps), dtype=bool)
    for n in notes:
        bar, position = divmod((n.start + STEP_TICKS // 2) // STEP_TICKS, steps)
        if bar < bars:
            patterns[bar, position] = True
    hamming = np.count_nonzero(patterns[:-1] != patterns[1:])
    return float(1 - hamming / (steps * (bars - 1)))


def empty_beat_rate(notes: Sequence[Note], beat_ticks: int = PPQ, bar_ticks: int = BAR_TICKS,
                    length: int | None = None) -> float:
    """Share of the phrase's beats in which no note sounds at all (a note held over a beat fills it)."""
    beats = -(-phrase_ticks(notes, bar_ticks, length) // beat_ticks)
    busy = np.zeros(beats, dtype=bool)
    for n in notes:
        if n.duration > 0:
            busy[n.start // beat_ticks:(n.end - 1) // beat_ticks + 1] = True
    return float(1 - busy.mean())


def _sounding(notes: Sequence[Note]) -> tuple[np.ndarray, np.ndarray]:
    """The spans between all note starts and ends: their lengths in ticks and how many distinct pitches
    sound in each (a tick-exact piano roll, as MusPy's)."""
    bounds = np.unique([n.start for n in notes] + [n.end for n in notes])
    on = np.zeros((max(len(bounds) - 1, 0), 128), dtype=bool)
    for n in notes:
        i, j = np.searchsorted(bounds, (n.start, n.end))
        on[i:j, n.pitch] = True
    return np.diff(bounds), on.sum(axis=1)


def polyphony(notes: Sequence[Note]) -> float:
    """Mean number of distinct pitches sounding, over the time when at least one sounds (MusPy)."""
    lengths, counts = _sounding(notes)
    sounding = lengths[counts > 0].sum()
    return float((lengths * counts).sum() / sounding) if sounding else float("nan")


def polyphony_rate(notes: Sequence[Note], threshold: int = 2) -> float:
    """Share of the time from tick 0 to the last note's end with at least ``threshold`` pitches sounding
    (MusPy's ``polyphony_rate``)."""
    end = max((n.end for n in notes), default=0)
    if end <= 0:
        return float("nan")
    lengths, counts = _sounding(notes)
    return float(lengths[counts >= threshold].sum() / end)


def phrase_features(notes: Sequence[Note], bar_ticks: int = BAR_TICKS, length: int | None = None) -> dict:
    """Every feature of :data:`FEATURE_NAMES` for one phrase: numbers, and arrays for the histograms."""
    notes = list(notes)
    return {
        "total_pitch_count": total_pitch_count(notes),
        "pitch_class_histogram": pitch_class_histogram(notes),
        "pitch_class_transition_matrix": pitch_class_transition_matrix(notes),
        "pitch_range": pitch_range(notes),
        "average_pitch_interval": average_pitch_interval(notes),
        "total_note_count": total_note_count(notes),
        "average_inter_onset_interval": average_inter_onset_interval(notes),
        "note_length_histogram": note_length_histogram(notes, bar_ticks),
        "pitch_class_entropy": pitch_class_entropy(notes),
        "scale_consistency": scale_consistency(notes),
        "groove_consistency": groove_consistency(notes, bar_ticks, length),
        "empty_beat_rate": empty_beat_rate(notes, bar_ticks=bar_ticks, length=length),
        "polyphony": polyphony(notes),
        "polyphony_rate": polyphony_rate(notes),
    }
