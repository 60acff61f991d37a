"""What a melody goes through on its way to a microphone, for rendered test and training audio:
vibrato (pitch-bend events), a room's reverb and background noise.

The transcription test set (benchmarks/transcription_set.py) uses them with fixed settings (+/-30
cents at 5 Hz, RT60 0.4 s, 20 dB SNR); the transcriber's training renders
(:mod:`musicstudio.generators.transcriber_data`) draw them from wider ranges, so the detector does
not learn one room or one noise.
"""

from __future__ import annotations

import numpy as np

from musicstudio.core.controls import pitch_bend
from musicstudio.core.ticks import PPQ

BEND_RANGE_CENTS = 200.0     # the General MIDI default pitch-bend range: +/-2 semitones


def vibrato(end_tick: int, bpm: float, cents: float = 30.0, hz: float = 5.0, every: float = 0.020,
            offset_cents: float = 0.0) -> tuple:
    """Pitch-bend events every ``every`` seconds from tick 0 to a beat past ``end_tick``: a sine of
    +/-``cents`` at ``hz`` around ``offset_cents`` (a singer a little off the tuning)."""
    step = every * bpm * PPQ / 60.0
    ticks = np.arange(0, end_tick + PPQ, step)
    seconds = ticks * 60.0 / (bpm * PPQ)
    cents_now = offset_cents + cents * np.sin(2 * np.pi * hz * seconds)
    values = np.clip(np.round(8192 * cents_now / BEND_RANGE_CENTS), -8192, 8191).astype(int)
    return tuple(pitch_bend(int(round(t)), int(v)) for t, v in zip(ticks, values))


def room(samples: np.ndarray, rng: np.random.Generator, rt60: float = 0.4, sample_rate: int = 44100,
         tail_gain: float = 0.12) -> np.ndarray:
    """The samples in a room: a direct path, then exponentially decaying noise from 5 ms on (``rt60``
    seconds to fall 60 dB), convolved; the peak kept."""
    n = int(rt60 * sample_rate)
    t = np.arange(n) / sample_rate
    response = rng.standard_normal(n) * np.exp(-6.91 * t / rt60) * tail_gain
    response[: int(0.005 * sample_rate)] = 0.0        # the first reflection after 5 ms
    response[0] = 1.0
    size = 1 << int(np.ceil(np.log2(len(samples) + n)))
    wet = np.fft.irfft(np.fft.rfft(samples, size) * np.fft.rfft(response, size), size)[:len(samples)]
    return wet * (np.abs(samples).max() / max(np.abs(wet).max(), 1e-9))


def noisy(samples: np.ndarray, rng: np.random.Generator, snr_db: float = 20.0, pink: bool = False) -> np.ndarray:
    """Noise ``snr_db`` below the melody's RMS (over its sounding part): white, or pink (-3 dB an
    octave, the hiss and hum of a room)."""
    loud = np.abs(samples) > 1e-4
    power = np.mean(samples[loud] ** 2) if loud.any() else 0.0
    noise = rng.standard_normal(len(samples))
    if pink:
        spectrum = np.fft.rfft(noise)
        spectrum[1:] /= np.sqrt(np.arange(1, len(spectrum)))
        spectrum[0] = 0.0
        noise = np.fft.irfft(spectrum, len(samples))
        noise /= max(float(np.std(noise)), 1e-12)
    return samples + noise * np.sqrt(power / 10 ** (snr_db / 10))
