"""Notes from a pitch track: where each one starts and ends, and its pitch.

A note is a stretch of voiced frames that holds one semitone. The line follows the pitch with
hysteresis: it moves to another semitone only when the pitch has left the note's by more than
:data:`LEAVE` semitones and stays on the new one for :data:`SETTLE` frames, so vibrato (+/-30 cents
or more) and the passing pitches of a glide stay inside one note. Stretches too short to be notes
(a scoop into a note, a slide between two) join the note they touch. A note sung or played again on
the same pitch is found from its attack: a peak of spectral flux inside the note starts a new one.
A note's pitch is the median of its middle (its first and last fifth left out), so a scoop or a
fall at its ends does not pull it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicstudio.audio.pitch_track import PitchTrack

LEAVE = 0.65          # semitones from the note's pitch before the line may move on
SETTLE = 4            # frames the new pitch must hold
MIN_FRAMES = 5        # shortest note: 50 ms
FLUX_PEAK, FLUX_FLOOR = 4.0, 0.08
LATE = 12            # frames a pitch change may show after its attack
RISE_DB = 5.0         # an attack on the same pitch: the level rises this much out of a dip
QUIET_DB = 35.0       # notes this far below the loudest are noise
DECAY_DB = 28.0       # a note ends where it has fallen this far below its peak


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


def _absorb_short(pieces: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Pieces shorter than :data:`MIN_FRAMES` join the touching piece nearest in pitch."""
    pieces = list(pieces)
    while len(pieces) > 1:
        lengths = [b - a for a, b, _ in pieces]
        k = int(np.argmin(lengths))
        if lengths[k] >= MIN_FRAMES:
            break
        a, b, p = pieces[k]
        neighbours = [j for j in (k - 1, k + 1) if 0 <= j < len(pieces)]
        j = min(neighbours, key=lambda j: (abs(pieces[j][2] - p), -lengths[j]))
        ja, jb, jp = pieces[j]
        pieces[j] = (min(a, ja), max(b, jb), jp)
        del pieces[k]
    return pieces


def flux_peaks(flux: np.ndarray) -> np.ndarray:
    """Frames where the spectral flux peaks at :data:`FLUX_PEAK` times its median around (210 ms):
    sharp attacks (a pluck, a bow's bite, a consonant)."""
    if len(flux) < 3:
        return np.zeros(0, dtype=np.int64)
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(flux, 10, mode="edge"), 21)
    peaks = (flux >= windows[:, 7:14].max(axis=1)) & (flux > FLUX_PEAK * np.median(windows, axis=1)) \
        & (flux > FLUX_FLOOR)
    return np.flatnonzero(peaks)


def attacks(level_db: np.ndarray, flux: np.ndarray) -> np.ndarray:
    """The attacks of notes: the level's dips (:func:`level_dips`) and the flux's peaks, in order."""
    found: list[int] = []
    for t in np.union1d(level_dips(level_db), flux_peaks(flux)).tolist():
        if not found or t - found[-1] >= MIN_FRAMES:
            found.append(t)
    return np.asarray(found, dtype=np.int64)


def level_dips(level_db: np.ndarray) -> np.ndarray:
    """Frames where a note starts again on the same pitch: the level dips and rises again by
    :data:`RISE_DB` within 80 ms (a breath, a new bow stroke, a pluck). Each attack is put where the
    fall into the dip began, which is where the previous note was let go."""
    if len(level_db) < 9:
        return np.zeros(0, dtype=np.int64)
    smooth = np.convolve(np.pad(level_db, 1, mode="edge"), np.ones(3) / 3, mode="valid")
    padded = np.pad(smooth, 8, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, 17)
    is_dip = smooth <= windows[:, 4:13].min(axis=1)
    rise = windows[:, 8:].max(axis=1) - smooth
    candidate = is_dip & (rise >= RISE_DB)
    last_of_stretch = candidate & ~np.append(candidate[1:], False)    # the floor of a flat dip ends here
    found = []
    for t in np.flatnonzero(last_of_stretch).tolist():
        j = t
        while j > 0 and t - j < 8 and smooth[j - 1] - smooth[j] > 0.3:
            j -= 1
        if j == t:
            j = t + 1           # no fall into it (silence before): the attack is where the rise begins
        if not found or j - found[-1] >= MIN_FRAMES:
            found.append(j)
    return np.asarray(found, dtype=np.int64)


def _move_to_attacks(pieces: list[tuple[int, int, int]], offset: int, peaks: np.ndarray) -> list[tuple[int, int, int]]:
    """Each change of pitch moved back to the attack just before it (at most :data:`LATE` frames): the
    new pitch shows only once the old note's release has faded, its attack comes first."""
    moved = list(pieces)
    for k in range(1, len(moved)):
        boundary = offset + moved[k][0]
        near = peaks[(peaks >= boundary - LATE) & (peaks <= boundary)] - offset
        near = near[near >= moved[k - 1][0] + MIN_FRAMES]
        if len(near):
            a = int(near[-1])
            moved[k - 1] = (moved[k - 1][0], a, moved[k - 1][2])
            moved[k] = (a, moved[k][1], moved[k][2])
    return moved


def _split_at_attacks(start: int, end: int, peaks: np.ndarray) -> list[tuple[int, int]]:
    inside = peaks[(peaks >= start + MIN_FRAMES) & (peaks <= end - MIN_FRAMES)]
    bounds = [start]
    for p in inside.tolist():
        if p - bounds[-1] >= MIN_FRAMES:
            bounds.append(p)
    return list(zip(bounds, bounds[1:] + [end]))


def _decay_end(level_db: np.ndarray, start: int, end: int) -> int:
    """Where the note has died away: the first frame after its peak that is :data:`DECAY_DB` below it."""
    part = level_db[start:end]
    top = int(np.argmax(part))
    below = np.flatnonzero(part[top:] < part[top] - DECAY_DB)
    return start + top + int(below[0]) if len(below) else end


def _onset(peaks: np.ndarray, flux: np.ndarray, frame: int, earliest: int) -> int:
    """A note's start: the attack just before its first voiced frame (an attack's noise hides the
    pitch for a while, more so in a room), or else the sharpest spectral change there, looking back
    at most :data:`LATE` frames."""
    lo = max(earliest, frame - LATE)
    near = peaks[(peaks >= lo) & (peaks <= frame)]
    if len(near):
        return int(near[-1])
    return lo + int(np.argmax(flux[lo:frame + 1])) if frame >= lo else frame


def _sharpest(flux: np.ndarray, frame: int) -> int:
    """The strongest spectral change near a change of pitch (3 frames before to 2 after)."""
    lo, hi = max(0, frame - 3), min(len(flux), frame + 3)
    return lo + int(np.argmax(flux[lo:hi])) if hi > lo else frame


def middle_pitch(midi: np.ndarray, tuning: float) -> int:
    """The note's pitch: the median of its middle three fifths."""
    n = len(midi)
    part = midi[n // 5: n - n // 5] if n >= 5 else midi
    return int(round(float(np.nanmedian(part)) - tuning))


def segment(track: PitchTrack) -> list[Segment]:
    """The notes of a pitch track, in time order."""
    tuning = tuning_offset(track.midi)
    peaks = attacks(track.level_db, track.flux)
    found: list[Segment] = []
    for run_start, run_end in voiced_runs(track.midi):
        tuned = track.midi[run_start:run_end] - tuning
        for a, b, _ in _move_to_attacks(_absorb_short(_semitone_line(tuned)), run_start, peaks):
            for s, e in _split_at_attacks(run_start + a, run_start + b, peaks):
                if e - s < MIN_FRAMES:
                    continue
                end = _decay_end(track.level_db, s, e)
                if s == run_start:
                    s = _onset(peaks, track.flux, s, found[-1].first + MIN_FRAMES if found else 0)
                elif s == run_start + a:
                    s = _sharpest(track.flux, s)
                found.append(Segment(s, end, middle_pitch(track.midi[s:end], tuning),
                                     float(track.level_db[s:end].max())))
    if not found:
        return []
    loudest = max(s.level_db for s in found)
    return [s for s in found if s.level_db >= loudest - QUIET_DB and s.last - s.first >= MIN_FRAMES]
