"""The tempo and the beat's phase of a recording, from its note onsets.

The onsets become a train of short pulses (10 ms frames); its autocorrelation, weighted by a
log-normal preference around 110 BPM (as in Ellis, "Beat tracking by dynamic programming", 2007),
gives the beat period. The phase is the offset that puts the most onsets on the 8th-note grid of
that beat. Needs a handful of onsets; with fewer than four it answers the default tempo, 120 BPM.
"""

from __future__ import annotations

import numpy as np

DEFAULT_BPM = 120.0
SLOWEST, FASTEST = 50.0, 200.0
PREFERRED_BPM, PREFERENCE_OCTAVES = 110.0, 1.0
FRAME = 0.01


def detect_tempo(onsets_s: list[float] | np.ndarray) -> tuple[float, float]:
    """(BPM, phase in seconds): the beat period and where a beat falls, from onset times in seconds.

    The phase is at most one beat and at most the first onset, so that the first onset is never
    before the song's start."""
    onsets = np.sort(np.asarray(onsets_s, dtype=np.float64))
    if len(onsets) < 4:
        return DEFAULT_BPM, 0.0
    frames = np.round(onsets / FRAME).astype(int)
    pulses = np.zeros(frames[-1] + 30)
    np.add.at(pulses, frames, 1.0)
    pulses = np.convolve(pulses, np.hanning(7), mode="same")       # +/-30 ms of timing slack
    lags = np.arange(int(60 / FASTEST / FRAME), int(60 / SLOWEST / FRAME) + 1)
    corr = np.array([np.dot(pulses[:-lag], pulses[lag:]) for lag in lags])
    bpm = 60.0 / (lags * FRAME)
    prior = np.exp(-0.5 * (np.log2(bpm / PREFERRED_BPM) / PREFERENCE_OCTAVES) ** 2)
    best = int(np.argmax(corr * prior))
    beat = 60.0 / bpm[best]
    step = beat / 2
    candidates = np.linspace(0.0, step, 24, endpoint=False)
    fits = [np.sum(np.cos(2 * np.pi * (onsets - c) / step)) for c in candidates]
    phase = float(candidates[int(np.argmax(fits))])
    phase += beat * np.floor((onsets[0] - phase) / beat)
    return float(bpm[best]), phase
