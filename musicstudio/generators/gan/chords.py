"""Chords for the GAN's 1-D condition: one triad (or none) per bar, estimated from the notes or typed.
No torch here: the app's Generate panel shows a seed's chords with :func:`seed_chord_names`.

A chord is an index: ``root`` for the major triad on that pitch class (0 = C), ``12 + root`` for the
minor triad, :data:`NO_CHORD` for a silent bar. The model sees it as 13 numbers: the triad's three pitch
classes as ones, and a last one for "no chord" (MidiNet's 1-D condition, written transposition-friendly:
moving the music moves the ones).

Estimation is template matching on the bar's duration-weighted chroma (each pitch class's sounding ticks),
the usual first step of chord recognition: the triad whose pitch classes hold the most of the bar's sound
wins, the root's own weight breaking ties.
"""

from __future__ import annotations

import re
from typing import Sequence

import numpy as np

from musicstudio.core.note import Note
from musicstudio.generators.codecs.grid import on_grid
from musicstudio.generators.interface import BAR, STEP

NO_CHORD = 24
CHORDS = 25
CONDITION = 13
NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
_LETTERS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def triad(chord: int) -> tuple[int, int, int]:
    """The pitch classes of a chord index (root, third, fifth)."""
    if not 0 <= chord < NO_CHORD:
        raise ValueError(f"chord {chord} is not a triad")
    root = chord % 12
    return root, (root + (3 if chord >= 12 else 4)) % 12, (root + 7) % 12


def _templates() -> np.ndarray:
    t = np.zeros((NO_CHORD, 12))
    for c in range(NO_CHORD):
        t[c, list(triad(c))] = 1.0
        t[c, c % 12] += 0.1  # the root's own weight breaks ties between relatives (C / Am)
    return t


TEMPLATES = _templates()


def condition_vectors(chords: Sequence[int] | np.ndarray) -> np.ndarray:
    """(n, 13) float32: each chord's pitch classes as ones, or the last column for no chord."""
    chords = np.asarray(chords, dtype=np.int64).reshape(-1)
    out = np.zeros((len(chords), CONDITION), dtype=np.float32)
    for i, c in enumerate(chords):
        if c == NO_CHORD:
            out[i, 12] = 1.0
        else:
            out[i, list(triad(int(c)))] = 1.0
    return out


def transposed(chords: np.ndarray, semitones: int | np.ndarray) -> np.ndarray:
    """Chord indices moved by ``semitones`` (no chord stays no chord)."""
    chords = np.asarray(chords, dtype=np.int64)
    moved = (chords % 12 + semitones) % 12 + np.where(chords >= 12, 12, 0)
    return np.where(chords == NO_CHORD, NO_CHORD, moved)


def estimate_from_chroma(chroma: np.ndarray) -> np.ndarray:
    """The best triad for each row of (bars, 12) chroma (NO_CHORD where the row is silent)."""
    chroma = np.asarray(chroma, dtype=float).reshape(-1, 12)
    scores = chroma @ TEMPLATES.T
    best = scores.argmax(axis=1)
    return np.where(chroma.sum(axis=1) > 0, best, NO_CHORD)


def roll_chroma(sounding: np.ndarray, low: int) -> np.ndarray:
    """Chroma of piano-roll bars: ``sounding`` is (bars, steps, pitches) with the first pitch ``low``;
    the steps each pitch class sounds per bar, shape (bars, 12)."""
    per_pitch = np.asarray(sounding, dtype=float).sum(axis=1)
    classes = (low + np.arange(per_pitch.shape[1])) % 12
    return per_pitch @ (classes[:, None] == np.arange(12)[None, :])


def bar_window(notes, start: int, bar: int = BAR) -> list[Note]:
    """The notes sounding in [start, start + bar), moved to begin at 0 and cut at the bar's end."""
    end = start + bar
    out = []
    for n in notes:
        s, e = max(n.start, start), min(n.end, end)
        if e > s:
            out.append(n._replace(start=s - start, duration=e - s))
    return out


def bars_chroma(notes, start: int, bars: int, bar: int = BAR) -> np.ndarray:
    """The chroma (bars, 12) of ``bars`` bars from ``start``, as :func:`roll_chroma` counts it on their piano
    roll (each pitch's sounding 16th steps), straight from notes on the 16th grid (:func:`on_grid`'s, which
    has no two notes of one pitch overlapping), in one pass over them; bars of ``bar`` ticks."""
    per_bar = bar // STEP
    steps = bars * per_bar
    sounding = np.zeros((steps, 128), dtype=bool)
    for n in notes:
        first, last = max(0, (n.start - start) // STEP), min(steps, -(-(n.end - start) // STEP))
        if last > first:
            sounding[first:last, n.pitch] = True
    return roll_chroma(sounding.reshape(bars, per_bar, 128), 0)


def seed_chords(notes, length: int, bar: int = BAR) -> list[int]:
    """One chord per seed bar of ``notes`` (on the 16th grid: :func:`~musicstudio.generators.codecs.grid.on_grid`),
    bars of ``bar`` ticks (the song's meter) counted back from the seed's end; a silent bar keeps the chord before."""
    bars = -(-length // bar)
    chords = [int(c) for c in estimate_from_chroma(bars_chroma(notes, length - bars * bar, bars, bar))]
    for i in range(1, len(chords)):
        if chords[i] == NO_CHORD:
            chords[i] = chords[i - 1]
    first = next((c for c in chords if c != NO_CHORD), NO_CHORD)
    return [first if c == NO_CHORD else c for c in chords]


def seed_chord_names(seed, bar: int = BAR) -> list[str]:
    """The chords a GAN follows after the clip ``seed`` when none are typed, one a bar of ``bar`` ticks (none
    for an empty seed)."""
    notes = list(on_grid(seed.notes))
    return [name(c) for c in seed_chords(notes, seed.length, bar)] if notes else []


def name(chord: int) -> str:
    if chord == NO_CHORD:
        return "N.C."
    return NAMES[chord % 12] + ("m" if chord >= 12 else "")


_SYMBOL = re.compile(r"^([A-Ga-g])([#b]?)(m|min|-)?$")


def parse_progression(text: str) -> list[int]:
    """Chord indices from text such as ``"C Am F G7"`` or ``"Dm | G | C | N.C."`` (bar lines and commas are
    separators; a seventh counts as its triad). Raises ValueError naming the symbol it cannot read."""
    out = []
    for symbol in re.split(r"[\s,|]+", text.strip()):
        if not symbol:
            continue
        if symbol.upper() in ("N.C.", "NC", "N", "-", "REST"):
            out.append(NO_CHORD)
            continue
        core = re.sub(r"(maj7|7|6|9)$", "", symbol)
        m = _SYMBOL.match(core)
        if not m:
            raise ValueError(f"cannot read the chord {symbol!r}: write chords like C, F#m, Bb or Am7")
        root = _LETTERS[m.group(1).upper()] + {"#": 1, "b": -1, "": 0}[m.group(2)]
        out.append(root % 12 + (12 if m.group(3) else 0))
    if not out:
        raise ValueError("the chord progression is empty")
    return out
