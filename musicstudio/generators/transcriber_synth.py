"""Synthetic training takes for the transcriber, beside the FluidSynth renders
(:mod:`.transcriber_data`): lines of harmonic tones with random overtones (a voice's or a whistle's
colour no SoundFont has), attacks, vibrato, glides between legato notes, notes sung again on the
same pitch with a dip of the breath, and takes of noise alone (which hold no notes), then a room
and noise as the renders get them. They cost no synthesis and teach what the renders cannot.
"""

from __future__ import annotations

import numpy as np

from musicstudio.audio import augment
from musicstudio.audio.pitch_track import NOTE_LOW, spectrum_frames
from musicstudio.generators.transcriber_data import HOP, SILENCE, Example

RATE = 22050           # the rate the pitch track analyses at (44.1 kHz halved)


def line_notes(rng: np.random.Generator) -> list[tuple[float, float, int]]:
    """(start s, end s, MIDI pitch) of a random line: steps and leaps from a start between A2 and A5,
    notes of 80-600 ms, half of them legato, some played again on the same pitch."""
    at, pitch, out = float(rng.uniform(0.05, 0.4)), int(rng.integers(45, 82)), []
    legato = rng.random() < 0.5
    while at < 8.0:
        length = float(rng.uniform(0.08, 0.6))
        out.append((at, at + length, pitch))
        at += length + (0.0 if legato and rng.random() < 0.8 else float(rng.uniform(0.02, 0.3)))
        if rng.random() > 0.15:
            pitch = int(np.clip(pitch + rng.choice([-7, -5, -4, -3, -2, -1, 1, 2, 3, 4, 5, 7, 12, -12]), 40, 96))
    return out


def tones(notes: list[tuple[float, float, int]], rng: np.random.Generator, seconds: float) -> np.ndarray:
    """The line as harmonic tones: random overtone roll-off, attack and release, vibrato and a detune;
    a legato note that follows another glides to its pitch; one on the same pitch dips first."""
    n = int(seconds * RATE)
    midi = np.full(n, np.nan)
    level = np.zeros(n)
    attack, release = rng.uniform(0.005, 0.06), rng.uniform(0.01, 0.08)
    glide = rng.uniform(0.03, 0.1) if rng.random() < 0.4 else 0.0
    previous = None
    for start, end, pitch in notes:
        a, b = int(start * RATE), min(n, int(end * RATE))
        t = np.arange(b - a) / RATE
        joined = previous is not None and abs(previous[1] - start) < 1e-6
        curve = np.full(b - a, float(pitch))
        if joined and glide and previous[2] != pitch:
            curve = previous[2] + (pitch - previous[2]) * np.clip(t / glide, 0, 1)
        midi[a:b] = curve
        rise = np.clip(t / attack, 0, 1)
        if joined and previous[2] == pitch:
            rise = 1 - (1 - rng.uniform(0.1, 0.6)) * np.clip(1 - t / 0.04, 0, 1)
        elif joined:
            rise = np.ones(b - a)
        level[a:b] = rise * np.clip((end - start - t) / release, 0, 1) * rng.uniform(0.5, 1.0)
        previous = (start, end, pitch)
    t = np.arange(n) / RATE
    voiced = ~np.isnan(midi)
    midi = np.where(voiced, midi, 60.0) + (rng.uniform(-30, 30) + rng.uniform(0, 50) * np.sin(
        2 * np.pi * rng.uniform(4, 7) * t)) / 100
    phase = 2 * np.pi * np.cumsum(440.0 * 2 ** ((midi - 69) / 12)) / RATE
    roll = rng.uniform(0.5, 2.0)
    wave = sum(np.sin(k * phase) * rng.uniform(0.3, 1.0) / k ** roll for k in range(1, 11))
    limit = 440.0 * 2 ** ((midi - 69) / 12) * 10 < RATE / 2
    return np.where(voiced & limit, wave * level, wave * level * 0.5)


def synthetic_example(seed: int) -> Example:
    """One synthetic take (a twentieth of them noise alone) with a room and noise half the time each."""
    rng = np.random.default_rng(seed)
    notes = [] if rng.random() < 0.05 else line_notes(rng)
    seconds = (notes[-1][1] if notes else 4.0) + 0.5
    samples = tones(notes, rng, seconds) if notes else np.zeros(int(seconds * RATE))
    if notes and rng.random() < 0.5:
        samples = augment.room(samples, rng, rng.uniform(0.2, 0.9), RATE, rng.uniform(0.06, 0.2))
    if not notes:
        samples = augment.noisy(np.full(len(samples), 0.1), rng, 0.0, pink=bool(rng.random() < 0.5))
    elif rng.random() < 0.5:
        samples = augment.noisy(samples, rng, rng.uniform(8, 35), pink=bool(rng.random() < 0.5))
    samples *= 10 ** (rng.uniform(-26, -1) / 20) / max(np.abs(samples).max(), 1e-9)
    spectrum = spectrum_frames(samples, RATE)
    frames = np.full(len(spectrum), SILENCE, np.int8)
    onsets = np.zeros(len(spectrum), np.float32)
    for start, end, pitch in notes:
        a, b = int(round(start / HOP)), int(round(end / HOP))
        frames[a:b] = pitch - NOTE_LOW
        onsets[a] = 1.0
    return Example(spectrum.astype(np.float16), frames, onsets)
