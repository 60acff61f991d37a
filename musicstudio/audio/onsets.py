"""Where notes start, from the sound rather than from the pitch: the frames where a note is attacked.

Two detectors over the pitch track's semitone spectrum (:attr:`PitchTrack.spectrum`):

* :func:`onset_peaks` of :func:`superflux`: spectral flux with vibrato suppressed (Böck and Widmer,
  "Maximum filter vibrato suppression for onset detection", 2013), its peaks picked against an
  adaptive threshold (Bello et al., "A tutorial on onset detection in music signals", 2005). It finds
  attacks whatever the pitch: a note played again on the same pitch, a consonant, a pluck.
* :func:`harmonic_attack`: once the pitch tracker has seen a new note, the steepest rise of that
  note's own harmonics shortly before. The tracker names a new pitch only when it dominates the frame,
  60-100 ms after the attack for a slow instrument (a flute) or in a room; its harmonics rise at
  the attack itself, which is where the note is placed.
"""

from __future__ import annotations

import numpy as np

from musicstudio.audio.pitch_track import NOTE_BANDS, NOTE_LOW

FLUX_LAG = 1           # frames back the flux compares with (after the maximum filter)
ONSET_DELTA = 1.5      # dB a flux peak must stand over the mean around it
REPLAY_MARGIN = 8      # frames after a note's start and before its end where it is not split
HARMONICS, OLD_HARMONICS = 6, 8


def superflux(spectrum: np.ndarray) -> np.ndarray:
    """Each frame's spectral flux: every semitone band's rise (dB) over the loudest of it and its two
    neighbours :data:`FLUX_LAG` frames earlier, averaged over the bands. A pitch that wobbles by less
    than a semitone (vibrato) stays under that maximum; an attack rises above it."""
    spread = spectrum.copy()
    spread[:, 1:] = np.maximum(spread[:, 1:], spectrum[:, :-1])
    spread[:, :-1] = np.maximum(spread[:, :-1], spectrum[:, 1:])
    out = np.zeros(len(spectrum))
    if len(spectrum) > FLUX_LAG:
        out[FLUX_LAG:] = np.maximum(spectrum[FLUX_LAG:] - spread[:-FLUX_LAG], 0.0).mean(axis=1)
    return out


def onset_peaks(odf: np.ndarray) -> np.ndarray:
    """Frames where the onset function ``odf`` peaks: the largest within +/-30 ms, standing
    :data:`ONSET_DELTA` over its mean from 100 ms before to 70 ms after."""
    if len(odf) < 3:
        return np.zeros(0, dtype=np.int64)
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(odf, 10, mode="edge"), 21)
    local_max = windows[:, 7:14].max(axis=1)
    return np.flatnonzero((odf >= local_max) & (odf >= windows[:, :18].mean(axis=1) + ONSET_DELTA))


def harmonic_bands(pitch: int, old: int | None = None) -> np.ndarray:
    """The semitone bands of ``pitch``'s first six harmonics, less those within a semitone of the
    previous note ``old``'s first eight (whose release keeps them sounding); all six where it shares
    every one."""
    bands = pitch + np.round(12 * np.log2(np.arange(1, HARMONICS + 1))).astype(int) - NOTE_LOW
    if old is not None:
        taken = old + np.round(12 * np.log2(np.arange(1, OLD_HARMONICS + 1))).astype(int) - NOTE_LOW
        own = bands[np.abs(bands[:, None] - taken[None, :]).min(axis=1) > 1]
        bands = own if len(own) else bands
    return bands[(bands >= 0) & (bands < NOTE_BANDS)]


def band_energy(spectrum: np.ndarray, bands: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """The energy (dB) of the semitone ``bands`` together, frames [lo, hi)."""
    return 10 * np.log10(np.sum(10 ** (spectrum[lo:hi, bands] / 10), axis=1))


def harmonic_attack(spectrum: np.ndarray, pitch: int, old: int | None, lo: int, hi: int) -> int | None:
    """Where the note ``pitch`` starts to sound in frames [lo, hi]: a frame before the steepest rise
    (over two frames) of the energy of its own harmonics, those the previous note ``old`` does not
    share. None when there is nothing to search."""
    bands = harmonic_bands(pitch, old)
    lo, hi = max(lo, 1), min(hi, len(spectrum) - 2)
    if not len(bands) or hi < lo:
        return None
    energy = band_energy(spectrum, bands, lo - 1, hi + 2)
    return max(lo, lo + int(np.argmax(energy[2:] - energy[:-2])) - 1)


def replayed(start: int, end: int, peaks: np.ndarray, shortest: int) -> list[int]:
    """The frames inside a note (frames [start, end)) where it is played again: the flux ``peaks``
    at least :data:`REPLAY_MARGIN` frames from its ends (where its own attack and the next note's
    show) and ``shortest`` from each other. (Asking also that the note's own harmonics rise there
    lost more repeated notes than false splits it saved: a legato repeat barely changes them.)"""
    margin = max(shortest, REPLAY_MARGIN)
    chosen: list[int] = []
    for t in peaks[(peaks >= start + margin) & (peaks <= end - margin)].tolist():
        if t - (chosen[-1] if chosen else start) >= shortest:
            chosen.append(int(t))
    return chosen
