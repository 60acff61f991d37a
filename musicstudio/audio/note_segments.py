"""Notes from a pitch track: where each one starts and ends, and its pitch.

A note is a stretch of voiced frames that holds one semitone. The line follows the pitch with
hysteresis: it moves to another semitone only when the pitch has left the note's by more than
:data:`LEAVE` semitones and stays on the new one for :data:`SETTLE` frames, so vibrato (+/-30 cents
or more) and the passing pitches of a glide stay inside one note. Stretches too short to be notes
(a scoop into a note, a slide between two) join the note they touch. Each note starts at its attack
(:func:`~musicstudio.audio.onsets.harmonic_attack`), found in the sound up to 160 ms before its pitch
showed, and a note sung or played again on the same pitch is split where the sound says so
(:func:`~musicstudio.audio.onsets.replayed`). A note ends where the next begins, at silence, or where
its level has fallen :data:`DECAY_DB` below its peak (a release, a room's tail). Its pitch is the
median of its middle (its first and last fifth left out), so a scoop or a fall at its ends does not
pull it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicstudio.audio.onsets import band_energy, harmonic_attack, harmonic_bands, onset_peaks, replayed, superflux
from musicstudio.audio.pitch_track import PitchTrack

LEAVE = 0.65          # semitones from the note's pitch before the line may move on
SETTLE = 4            # frames the new pitch must hold
MIN_FRAMES = 5        # shortest note: 50 ms
SLIP_FRAMES = 12      # octave slips of the tracker are shorter than this
LATE = 16             # frames a new pitch may show after its attack
ATTACK_AFTER = 2      # and frames an attack may show after the pitch
QUIET_DB = 35.0       # notes this far below the loudest are noise
DECAY_DB = 16.0       # a note ends where it has fallen this far below its peak


@dataclass(frozen=True)
class Segment:
    """A note found in the audio: frames [first, last) of the pitch track, MIDI pitch, peak level (dBFS)."""

    first: int
    last: int
    pitch: int
    level_db: float


def tuning_offset(midi: np.ndarray) -> float:
    """The recording's tuning in semitones from A440 (-0.5 .. 0.5): the circular mean of the pitches' cents."""
    voiced = midi[~np.isnan(midi)]
    if not len(voiced):
        return 0.0
    angle = 2 * np.pi * (voiced - np.round(voiced))
    return float(np.angle(np.mean(np.exp(1j * angle))) / (2 * np.pi))


def voiced_runs(midi: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of every stretch of voiced frames."""
    voiced = np.concatenate([[False], ~np.isnan(midi), [False]])
    edges = np.flatnonzero(voiced[1:] != voiced[:-1])
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def _semitone_line(pitch: np.ndarray) -> list[tuple[int, int, int]]:
    """Split one voiced run (tuned pitches) into (start, end, semitone) pieces with hysteresis."""
    pieces = []
    start, note = 0, int(round(float(np.median(pitch[:SETTLE]))))
    i = 0
    while i < len(pitch):
        if abs(pitch[i] - note) <= LEAVE:
            i += 1
            continue
        target = int(round(float(pitch[i])))
        held = i
        while held < len(pitch) and round(float(pitch[held])) == target and abs(pitch[held] - note) > 0.5:
            held += 1
        if held - i >= SETTLE or held == len(pitch):
            if i > start:
                pieces.append((start, i, note))
            start, note = i, target
        i = max(held, i + 1)
    pieces.append((start, len(pitch), note))
    return pieces


def _slip(pieces: list[tuple[int, int, int]], k: int) -> int | None:
    """The touching piece that piece ``k`` is an octave slip of (a short stretch an octave or two,
    or an octave and a fifth, from it: the tracker's error while one note gives way to the next)."""
    a, b, p = pieces[k]
    if b - a >= SLIP_FRAMES:
        return None
    near = [j for j in (k - 1, k + 1) if 0 <= j < len(pieces) and abs(pieces[j][2] - p) in (12, 19, 24)]
    return max(near, key=lambda j: pieces[j][1] - pieces[j][0]) if near else None


def _absorb_short(pieces: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Pieces shorter than :data:`MIN_FRAMES` join the touching piece nearest in pitch; octave slips
    (:func:`_slip`) join the note they slipped from."""
    pieces = list(pieces)
    while len(pieces) > 1:
        lengths = [b - a for a, b, _ in pieces]
        k = int(np.argmin(lengths))
        j = next((j for j in [_slip(pieces, i) for i in range(len(pieces))] if j is not None), None)
        if j is not None:
            k = next(i for i in range(len(pieces)) if _slip(pieces, i) is not None)
        elif lengths[k] >= MIN_FRAMES:
            break
        else:
            a, b, p = pieces[k]
            neighbours = [i for i in (k - 1, k + 1) if 0 <= i < len(pieces)]
            j = min(neighbours, key=lambda i: (abs(pieces[i][2] - p), -lengths[i]))
        a, b, _ = pieces[k]
        ja, jb, jp = pieces[j]
        pieces[j] = (min(a, ja), max(b, jb), jp)
        del pieces[k]
    return pieces


def _decay_end(track: PitchTrack, pitch: int, start: int, end: int) -> int:
    """Where the note has died away: the first frame after its peak where the energy of its harmonics
    is :data:`DECAY_DB` below that peak (the broad level would count the last note's release and the
    room's noise)."""
    bands = harmonic_bands(pitch)
    if not len(bands) or end <= start:
        return end
    part = band_energy(track.spectrum, bands, start, end)
    top = int(np.argmax(part))
    below = np.flatnonzero(part[top:] < part[top] - DECAY_DB)
    return start + top + int(below[0]) if len(below) else end


def middle_pitch(midi: np.ndarray, tuning: float, fallback: int) -> int:
    """The note's pitch: the median of its middle three fifths (of all its frames where the middle is
    unvoiced; ``fallback`` where none is voiced)."""
    n = len(midi)
    part = midi[n // 5: n - n // 5] if n >= 5 else midi
    part = part if np.any(~np.isnan(part)) else midi
    return int(round(float(np.nanmedian(part)) - tuning)) if np.any(~np.isnan(part)) else fallback


def _attacked_pieces(track: PitchTrack, run_start: int, run_end: int, tuning: float,
                     before: Segment | None) -> list[tuple[int, int, int]]:
    """One voiced run's (start, end, semitone) pieces, each starting at its attack
    (:func:`harmonic_attack`) rather than where its pitch showed."""
    pieces = [(run_start + a, run_start + b, p + round(tuning))
              for a, b, p in _absorb_short(_semitone_line(track.midi[run_start:run_end] - tuning))]
    out: list[tuple[int, int, int]] = []
    for s, e, p in pieces:
        if out:
            lo, old = out[-1][0] + MIN_FRAMES, out[-1][2]
        else:
            lo = before.first + MIN_FRAMES if before else 0
            old = before.pitch if before and before.last >= s - LATE else None
        at = harmonic_attack(track.spectrum, p, old, max(lo, s - LATE), min(s + ATTACK_AFTER, e - MIN_FRAMES))
        s = s if at is None else at
        if out:
            out[-1] = (out[-1][0], s, out[-1][2])
        out.append((s, e, p))
    return out


def segment(track: PitchTrack) -> list[Segment]:
    """The notes of a pitch track, in time order."""
    tuning = tuning_offset(track.midi)
    peaks = onset_peaks(superflux(track.spectrum))
    found: list[Segment] = []
    for run_start, run_end in voiced_runs(track.midi):
        for a, b, p in _attacked_pieces(track, run_start, run_end, tuning, found[-1] if found else None):
            bounds = [a, *replayed(a, b, peaks, MIN_FRAMES), b]
            for s, e in zip(bounds, bounds[1:]):
                if e - s < MIN_FRAMES:
                    continue
                end = _decay_end(track, p, s, e)
                if found and found[-1].last > s:
                    found[-1] = Segment(found[-1].first, s, found[-1].pitch, found[-1].level_db)
                found.append(Segment(s, end, middle_pitch(track.midi[s:end], tuning, p),
                                     float(track.level_db[s:end].max())))
    if not found:
        return []
    loudest = max(s.level_db for s in found)
    return [s for s in found if s.level_db >= loudest - QUIET_DB and s.last - s.first >= MIN_FRAMES]
