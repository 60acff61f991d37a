"""The pitch of one line of audio, frame by frame: probabilistic YIN with a Viterbi path, in NumPy.

Each 10 ms frame gets its pitch candidates from YIN's cumulative mean normalized difference
(de Cheveigné and Kawahara, "YIN, a fundamental frequency estimator for speech and music", 2002),
weighted as probabilistic YIN does: every dip of the difference function gets the probability that
a threshold drawn from a Beta(2, 18) distribution would pick it first (Mauch and Dixon, "pYIN: A
fundamental frequency estimator using probabilistic threshold distributions", 2014). A Viterbi path
through the candidates and an unvoiced state then picks one pitch per frame (or none), preferring
small steps, which removes the octave slips of plain YIN. Beside the pitch each frame keeps its level
(dB) and its energy in one band per semitone, where :mod:`~musicstudio.audio.onsets` finds attacks.

Everything is vectorised over frames except the Viterbi pass (a few candidates a frame); a
10-second recording takes well under 0.2 s here. Audio above 24 kHz is halved first (a pitch
above 2.1 kHz is no melody note), which halves the work.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

HOP_SECONDS = 0.010
LOWEST_HZ, HIGHEST_HZ = 55.0, 2100.0     # A1 .. C7: voices, whistling, single-line instruments
WINDOW_SECONDS = 0.023                   # YIN's integration window
MAX_CANDIDATES = 4
SILENCE_DB = -60.0                       # frames quieter than this (dBFS) are unvoiced, whatever YIN says
BETA_B = 18.0                            # pYIN's threshold prior: Beta(2, 18), mean 0.1
_VOICE_SWITCH = np.log(0.02)             # log-probability of going from voiced to unvoiced or back
_STEP_COST = 0.35                        # log-probability cost per semitone of a pitch step between frames
_JUMP_COST = 1.5                         # and for any step over half a semitone (a new note)
_FLOOR = 1e-6
FLOOR_DB = -70.0                         # quieter semitone bands count as silent
NOTE_LOW, NOTE_BANDS = 36, 88            # the semitone spectrum: one band per MIDI pitch, C2 .. D#9


@dataclass(frozen=True)
class PitchTrack:
    """Frame-by-frame analysis of a recording: frame ``i`` is centred at ``i * hop`` seconds.

    ``midi`` is the fractional MIDI pitch (NaN where unvoiced), ``level_db`` the frame's RMS in dBFS,
    ``voicing`` the probability mass of YIN's candidates (0..1) and ``spectrum`` its energy (dB) in
    one band per semitone, MIDI :data:`NOTE_LOW` on (frames x :data:`NOTE_BANDS`): where notes are
    attacked (:mod:`~musicstudio.audio.onsets`).
    """

    hop: float
    midi: np.ndarray
    level_db: np.ndarray
    voicing: np.ndarray
    spectrum: np.ndarray

    @property
    def frames(self) -> int:
        return len(self.midi)

    def seconds(self, frame: float) -> float:
        return frame * self.hop


def to_mono(samples: np.ndarray) -> np.ndarray:
    """Float64 mono samples from mono or (frames x channels) audio of any numeric type."""
    samples = np.asarray(samples)
    if samples.dtype.kind in "iu":
        samples = samples / float(np.iinfo(samples.dtype).max)
    samples = samples.astype(np.float64, copy=False)
    return samples.mean(axis=1) if samples.ndim == 2 else samples.reshape(-1)


def halved(samples: np.ndarray, sample_rate: int) -> tuple[np.ndarray, int]:
    """Audio above 24 kHz low-pass filtered and decimated by 2 (a 31-tap windowed sinc)."""
    if sample_rate <= 24000:
        return samples, sample_rate
    taps = np.arange(-15, 16)
    kernel = np.sinc(taps / 2) * np.hamming(len(taps))
    kernel /= kernel.sum()
    return np.convolve(samples, kernel, mode="same")[::2], sample_rate // 2


@dataclass(frozen=True)
class FrameSizes:
    sample_rate: int
    hop: int
    window: int
    tau_min: int
    tau_max: int
    length: int      # samples a frame needs: window + tau_max
    fft: int

    @classmethod
    def of(cls, sample_rate: int) -> FrameSizes:
        window = round(WINDOW_SECONDS * sample_rate)
        tau_max = int(np.ceil(sample_rate / LOWEST_HZ))
        length = window + tau_max
        return cls(sample_rate, round(HOP_SECONDS * sample_rate), window, max(2, int(sample_rate / HIGHEST_HZ)),
                   tau_max, length, 1 << int(np.ceil(np.log2(length))))


def _frames(samples: np.ndarray, sizes: FrameSizes, first: int, count: int) -> np.ndarray:
    """``count`` frames from frame ``first`` on (frame i centred at sample i * hop), zero beyond the audio."""
    half = sizes.length // 2
    starts = (first + np.arange(count)) * sizes.hop - half
    pad_left = max(0, -int(starts[0])) if count else 0
    pad_right = max(0, int(starts[-1]) + sizes.length - len(samples)) if count else 0
    padded = np.pad(samples, (pad_left, pad_right))
    index = (starts + pad_left)[:, None] + np.arange(sizes.length)[None, :]
    return padded[index]


def _cmnd(frames: np.ndarray, sizes: FrameSizes) -> np.ndarray:
    """YIN's cumulative mean normalized difference d'(tau), tau = 0 .. tau_max, one row a frame."""
    w, n = sizes.window, sizes.fft
    spectrum = np.fft.rfft(frames, n)
    head = np.fft.rfft(frames[:, :w], n)
    correlation = np.fft.irfft(np.conj(head) * spectrum, n)[:, :sizes.tau_max + 1]
    energy = np.cumsum(np.pad(frames ** 2, ((0, 0), (1, 0))), axis=1)
    taus = np.arange(sizes.tau_max + 1)
    shifted = energy[:, taus + w] - energy[:, taus]
    diff = np.maximum(shifted[:, :1] + shifted - 2 * correlation, 0.0)
    cumulative = np.cumsum(diff[:, 1:], axis=1) / np.arange(1, sizes.tau_max + 1)
    out = np.ones_like(diff)
    out[:, 1:] = diff[:, 1:] / np.maximum(cumulative, 1e-12)
    return out


def _beta_cdf(x: np.ndarray) -> np.ndarray:
    """CDF of Beta(2, b): 1 - (1 - x)^b (1 + b x)."""
    x = np.clip(x, 0.0, 1.0)
    return 1.0 - (1.0 - x) ** BETA_B * (1.0 + BETA_B * x)


def _candidates(cmnd: np.ndarray, sizes: FrameSizes) -> tuple[np.ndarray, np.ndarray]:
    """Per frame, up to :data:`MAX_CANDIDATES` dips of d' (by rising lag) as MIDI pitches, and pYIN's
    probability that each one is the pitch; NaN and 0 for the unused slots."""
    d = cmnd[:, sizes.tau_min:]
    dips = (d[:, 1:-1] < d[:, :-2]) & (d[:, 1:-1] <= d[:, 2:]) & (d[:, 1:-1] < 1.0)
    rows, cols = np.nonzero(dips)
    cols = cols + 1
    order = np.lexsort((cols, rows))
    rows, cols = rows[order], cols[order]
    rank = np.arange(len(rows)) - np.searchsorted(rows, rows)
    keep = rank < MAX_CANDIDATES
    rows, cols, rank = rows[keep], cols[keep], rank[keep]
    frames = len(cmnd)
    value = np.full((frames, MAX_CANDIDATES), np.inf)
    value[rows, rank] = d[rows, cols]
    # parabolic interpolation of the dip
    left, mid, right = d[rows, cols - 1], d[rows, cols], d[rows, cols + 1]
    denom = left - 2 * mid + right
    shift = np.where(np.abs(denom) > 1e-12, 0.5 * (left - right) / np.where(denom == 0, 1, denom), 0.0)
    tau = np.full((frames, MAX_CANDIDATES), np.nan)
    tau[rows, rank] = cols + sizes.tau_min + np.clip(shift, -1, 1)
    # pYIN: the mass of thresholds s with value_i < s <= min(values before i)
    before = np.minimum.accumulate(np.concatenate([np.full((frames, 1), np.inf), value[:, :-1]], axis=1), axis=1)
    prob = np.where(before > value, _beta_cdf(before) - _beta_cdf(value), 0.0)
    midi = 69.0 + 12.0 * np.log2(sizes.sample_rate / tau / 440.0)
    return midi, prob


@lru_cache(maxsize=4)
def _semitone_weights(sizes: FrameSizes) -> np.ndarray:
    """(bins x semitone bands) triangular weights: each band gathers the bins within a semitone of its
    centre, or within one bin where a semitone is narrower than a bin (low notes)."""
    hz = np.fft.rfftfreq(sizes.fft, 1.0 / sizes.sample_rate)
    centre = 440.0 * 2 ** ((NOTE_LOW + np.arange(NOTE_BANDS) - 69) / 12)
    width = np.maximum(centre * (2 ** (1 / 12) - 1), 1.5 * sizes.sample_rate / sizes.fft)
    weights = np.maximum(0.0, 1.0 - np.abs(hz[:, None] - centre[None, :]) / width[None, :])
    return np.where(centre[None, :] < sizes.sample_rate / 2, weights, 0.0)


def semitone_spectrum(power: np.ndarray, sizes: FrameSizes) -> np.ndarray:
    """Frames' energy (dB) in one band per semitone (see :attr:`PitchTrack.spectrum`), float32."""
    floor = (10 ** (FLOOR_DB / 20) * sizes.length / 4) ** 2
    return (10 * np.log10(power @ _semitone_weights(sizes) + floor)).astype(np.float32)


def viterbi(midi: np.ndarray, prob: np.ndarray, level_db: np.ndarray) -> np.ndarray:
    """The most likely pitch per frame (NaN: unvoiced) through the candidates and an unvoiced state."""
    frames, k = midi.shape
    voiced_ok = level_db > SILENCE_DB
    emit = np.log(np.maximum(prob, _FLOOR))
    emit[~voiced_ok] = np.log(_FLOOR) * 4
    unvoiced = np.log(np.maximum(1.0 - prob.sum(axis=1), _FLOOR))
    unvoiced[~voiced_ok] = 0.0
    emit = np.concatenate([emit, unvoiced[:, None]], axis=1)
    pitch = np.nan_to_num(np.concatenate([midi, np.zeros((frames, 1))], axis=1), nan=0.0)
    back = np.zeros((frames, k + 1), dtype=np.int8)
    score = emit[0].copy()
    is_voiced = np.arange(k + 1) < k
    switch = np.where(is_voiced[:, None] != is_voiced[None, :], _VOICE_SWITCH, 0.0)
    for t in range(1, frames):
        step = np.abs(pitch[t - 1][:, None] - pitch[t][None, :])
        cost = -_STEP_COST * np.minimum(step, 12.0) - _JUMP_COST * (step > 0.5)
        cost = np.where(is_voiced[:, None] & is_voiced[None, :], cost, switch)
        total = score[:, None] + cost
        back[t] = np.argmax(total, axis=0)
        score = total[back[t], np.arange(k + 1)] + emit[t]
    path = np.empty(frames, dtype=np.int64)
    path[-1] = int(np.argmax(score))
    for t in range(frames - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    chosen = midi[np.arange(frames), np.minimum(path, k - 1)]
    return np.where(path < k, chosen, np.nan)


def frame_features(samples: np.ndarray, sample_rate: int, first: int, count: int):
    """The raw features of ``count`` frames from frame ``first`` on (of audio already mono and halved):
    candidate pitches and probabilities, level (dBFS) and semitone spectrum."""
    sizes = FrameSizes.of(sample_rate)
    frames = _frames(samples, sizes, first, count)
    centre = frames[:, (sizes.length - sizes.window) // 2:(sizes.length + sizes.window) // 2]
    level_db = 10 * np.log10(np.mean(centre ** 2, axis=1) + 1e-12)
    midi, prob = _candidates(_cmnd(frames, sizes), sizes)
    power = np.abs(np.fft.rfft(frames * np.hanning(sizes.length), sizes.fft)) ** 2
    return midi, prob, level_db, semitone_spectrum(power, sizes)


def spectrum_frames(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """The semitone spectrum alone (as :attr:`PitchTrack.spectrum`) of audio already mono and halved:
    the learned detector's input, without the pitch candidates' cost."""
    sizes = FrameSizes.of(sample_rate)
    frames = _frames(samples, sizes, 0, frame_count(len(samples), sample_rate))
    return semitone_spectrum(np.abs(np.fft.rfft(frames * np.hanning(sizes.length), sizes.fft)) ** 2, sizes)


def frame_count(samples: int, sample_rate: int) -> int:
    """Frames of a recording of ``samples`` samples (of audio already halved)."""
    return samples // FrameSizes.of(sample_rate).hop + 1


def track_pitch(samples: np.ndarray, sample_rate: int) -> PitchTrack:
    """The pitch track of a recording (mono or frames x channels, float or integer samples)."""
    mono, rate = halved(to_mono(samples), sample_rate)
    midi, prob, level_db, spectrum = frame_features(mono, rate, 0, frame_count(len(mono), rate))
    path = viterbi(midi, prob, level_db)
    return PitchTrack(FrameSizes.of(rate).hop / rate, path, level_db, prob.sum(axis=1), spectrum)
