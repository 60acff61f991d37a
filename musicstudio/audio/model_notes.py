"""Notes from the learned detector's output (:mod:`musicstudio.audio.onset_model`), in the way of
Hawthorne et al.'s "Onsets and Frames" (2018) decoding, for one line:

* a frame sounds where the detector's silence probability is under its threshold; a stretch of
  sounding frames is one or more notes;
* a note starts at every onset peak inside the stretch (a note played again on the same pitch
  too), and where the most likely pitch moves to another and holds there for a few frames (a
  legato change the onset head missed), unless an onset peak is that close;
* a stretch that an onset peak just precedes starts at the peak (the attack, before the pitch is
  clear);
* each note's pitch is the one with the most probability over its frames; a note ends where the
  next begins or where silence does.

The thresholds come with the model (its ``decoding`` entry, chosen on validation renders).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from musicstudio.audio.note_segments import QUIET_DB, Segment, voiced_runs
from musicstudio.audio.onset_model import OnsetFrameModel
from musicstudio.audio.onsets import band_energy, harmonic_bands
from musicstudio.audio.pitch_track import NOTE_LOW, PitchTrack

# thresholds a model's ``decoding`` entry may override; silence and onset are chosen per model on
# validation renders (:mod:`musicstudio.generators.transcriber_tuning`), the others were chosen once
# on renders of the valid split as the test set is rendered
DEFAULTS = {"silence": 0.5, "onset": 0.5, "min_frames": 6, "settle": 3, "lead": 3, "refine_before": 2,
            "refine_after": 8, "refine_db": 10.0, "bridge": 2, "fall_db": 12.0}


def onset_peaks(onset: np.ndarray, threshold: float) -> np.ndarray:
    """Frames where the onset chance is at least ``threshold`` and the largest within +/-2 frames
    (the first of equal ones)."""
    if not len(onset):
        return np.zeros(0, dtype=np.int64)
    padded = np.pad(onset, 2, constant_values=-1.0)
    windows = np.lib.stride_tricks.sliding_window_view(padded, 5)
    earlier_max = windows[:, :2].max(axis=1)
    return np.flatnonzero((onset >= threshold) & (onset >= windows.max(axis=1)) & (onset > earlier_max))


def pitch_changes(pitch: np.ndarray, settle: int) -> list[int]:
    """Frames (within one sounding stretch) where the most likely pitch moves to another and holds it
    for ``settle`` frames."""
    out, current, i = [], int(pitch[0]), 1
    while i < len(pitch):
        if int(pitch[i]) != current and i + settle <= len(pitch) and np.all(pitch[i:i + settle] == pitch[i]):
            out.append(i)
            current = int(pitch[i])
            i += settle
        else:
            i += 1
    return out


def bridged(sounding: np.ndarray, frames: int) -> np.ndarray:
    """``sounding`` with gaps of at most ``frames`` frames between sounding frames filled (a blip of
    the silence class inside a note)."""
    out = sounding.copy()
    edges = np.flatnonzero(np.diff(np.concatenate([[1], sounding.astype(np.int8), [1]])))
    for start, end in zip(edges[::2], edges[1::2]):
        if 0 < start and end < len(sounding) and end - start <= frames:
            out[start:end] = True
    return out


def fading(level_db: np.ndarray, frame: int, fall_db: float) -> bool:
    """Whether the sound dies away after ``frame`` (the loudest frame 30-100 ms later ``fall_db`` under
    the loudest of the 60 ms before): an onset peak there is a note's release, not a new note."""
    after = level_db[frame + 3:frame + 11]
    before = level_db[max(0, frame - 6):frame]
    return bool(len(after) and len(before) and after.max() < before.max() - fall_db)


def stretch_bounds(a: int, b: int, peaks: np.ndarray, pitch: np.ndarray, d: dict) -> list[int]:
    """The note boundaries of the sounding stretch [a, b): its start (moved back to an onset peak up
    to ``lead`` frames before), onset peaks, pitch changes with no onset peak near, its end."""
    lead, shortest = int(d["lead"]), int(d["min_frames"])
    before = peaks[(peaks >= a - lead) & (peaks <= a + lead)]
    start = int(before[0]) if len(before) else a
    inside = [int(p) for p in peaks if start + shortest <= p <= b - shortest]
    changes = [a + c for c in pitch_changes(pitch[a:b], int(d["settle"]))]
    inside += [c for c in changes if all(abs(c - p) > lead for p in inside) and start + shortest <= c <= b - shortest]
    bounds = [start]
    for p in sorted(inside):
        if p - bounds[-1] >= shortest:
            bounds.append(p)
    return bounds + [b]


def model_segments(track: PitchTrack, model: OnsetFrameModel) -> list[Segment]:
    """The notes of a recording from the detector's view of its semitone spectrum, in time order."""
    d = {**DEFAULTS, **model.decoding}
    probs, onset = model.predict(track.spectrum)
    return refined(decode(probs, onset, track.level_db, d), track.spectrum, d)


def sharp_attack(spectrum: np.ndarray, pitch: int, old: int | None, lo: int, hi: int, rise_db: float) -> int | None:
    """The frame before the steepest rise (over two frames) of the note's own harmonics (those the note
    before, ``old``, does not share) in frames [lo, hi], when it rises by ``rise_db`` or more; else None."""
    bands = harmonic_bands(pitch, old)
    lo, hi = max(lo, 1), min(hi, len(spectrum) - 2)
    if not len(bands) or hi < lo:
        return None
    energy = band_energy(spectrum, bands, lo - 1, hi + 2)
    rises = energy[2:] - energy[:-2]
    k = int(np.argmax(rises))
    return max(lo, lo + k - 1) if rises[k] >= rise_db else None


def refined(found: list[Segment], spectrum: np.ndarray, d: dict) -> list[Segment]:
    """Each note's start moved to a sharp attack (:func:`sharp_attack`) from ``refine_before`` frames
    before the detector's onset to ``refine_after`` after, where there is one (a tone that starts
    from silence: the detector was trained on softer attacks); the note before, when it ran up to
    the old start, ends at the new one."""
    before, after, shortest = int(d["refine_before"]), int(d["refine_after"]), int(d["min_frames"])
    out: list[Segment] = []
    for s in found:
        last = out[-1] if out else None
        joined = last is not None and last.last == s.first
        lo = max(s.first - before, last.first + shortest if last else 0)
        at = sharp_attack(spectrum, s.pitch, last.pitch if joined else None, lo,
                          min(s.first + after, s.last - shortest), d["refine_db"]) if before or after else None
        first = s.first if at is None or (last is not None and not joined and at < last.last) else at
        if joined:
            out[-1] = replace(last, last=first)
        out.append(replace(s, first=first))
    return out


def decode(probs: np.ndarray, onset: np.ndarray, level_db: np.ndarray, d: dict) -> list[Segment]:
    """Notes from the detector's frame probabilities (pitches, then silence) and onset chances, with
    the thresholds ``d`` (keys of :data:`DEFAULTS`)."""
    sounding = bridged(probs[:, -1] < d["silence"], int(d["bridge"]))
    pitch = np.argmax(probs[:, :-1], axis=1)
    peaks = np.array([p for p in onset_peaks(onset, d["onset"]) if not fading(level_db, int(p), d["fall_db"])],
                     dtype=np.int64)
    found: list[Segment] = []
    for a, b in voiced_runs(np.where(sounding, 0.0, np.nan)):
        if b - a < d["min_frames"]:
            continue
        bounds = stretch_bounds(a, b, peaks, pitch, d)
        if found and bounds[0] < found[-1].last:
            bounds[0] = found[-1].last
        for s, e in zip(bounds, bounds[1:]):
            if e - s < d["min_frames"]:
                continue
            band = int(np.argmax(probs[s:e, :-1].sum(axis=0)))
            found.append(Segment(s, e, band + NOTE_LOW, float(level_db[s:e].max())))
    if not found:
        return []
    loudest = max(s.level_db for s in found)
    return [s for s in found if s.level_db >= loudest - QUIET_DB]
