"""Training renders for the transcriber (:mod:`musicstudio.audio.onset_model`): corpus melodies of
the **train** split (the valid split for choosing thresholds; never the test split the evaluation
renders) through FluidSynth with many timbres, each drawn with its own tempo, register, timing and
articulation, vibrato, detuning, a room and noise from wide ranges, so the detector learns onsets
and pitches rather than the evaluation's five renders.

Only O'Neill's and Ryan's Mammoth by default: public-domain tunes whose files state no licence
(docs/licences.md), so the weights may ship. Each render becomes the pitch track's semitone
spectrum (the detector's input) and two label rows: the sounding pitch or silence per 10 ms frame,
and the frames where a note starts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicstudio.audio import augment
from musicstudio.audio.pitch_track import NOTE_BANDS, NOTE_LOW, halved, spectrum_frames
from musicstudio.audio.render import render_song
from musicstudio.core import Note, Song, Tempo, Track
from musicstudio.core.tempo import bpm_to_us
from musicstudio.core.ticks import PPQ

SAMPLE_RATE = 44100
HOP = 0.010
CLEAN_COLLECTIONS = ("oneills1850", "ryansMammoth")
SILENCE = NOTE_BANDS              # the frame label of silence
# General MIDI programs (0-based) and the lowest pitch each plays well: the evaluation's five and more
TIMBRES = {52: 48, 53: 48, 54: 48, 85: 48, 73: 60, 72: 72, 74: 60, 75: 60, 78: 67, 79: 60, 40: 55, 41: 48,
           42: 36, 110: 55, 71: 50, 68: 58, 69: 52, 70: 36, 64: 56, 65: 49, 66: 44, 56: 55, 57: 40,
           60: 41, 22: 55, 24: 40, 25: 40, 26: 40, 46: 36, 105: 48, 0: 40, 11: 48, 13: 60, 80: 48, 81: 48}
MAX_SECONDS = 12.0


@dataclass(frozen=True)
class Example:
    """One training render: its semitone spectrum (frames x bands, dB, float16), frame labels (pitch
    band or :data:`SILENCE`) and onset labels (1 at a note's first frame)."""

    spectrum: np.ndarray
    frames: np.ndarray
    onsets: np.ndarray


def clean_melodies(split: str, cache_dir=None, collections=CLEAN_COLLECTIONS) -> list[tuple[Note, ...]]:
    """The one-line melodies of ``split`` (train or valid; never test) in ``collections``."""
    from musicstudio.generators.corpus import load_corpus

    if split == "test":
        raise ValueError("the transcriber never trains or tunes on the test split")
    corpus = load_corpus(cache_dir, verify=False)
    infos = [i for i in corpus.select(split, collections=collections, max_tracks=1)
             if "chords" not in i.flags and i.notes >= 8]
    infos.sort(key=lambda i: i.content_hash)
    return [corpus.piece(i.id).notes for i in infos]


def performed(notes: tuple[Note, ...], rng: np.random.Generator, program: int) -> tuple[tuple[Note, ...], float]:
    """A random stretch of the melody as a player might give it: a tempo of 70-150 BPM, transposed
    by -5..+6 semitones into an octave that suits the timbre, onsets off the grid by up to 20 ms, a quarter of
    the takes detached (notes held for 50-95% of their length), louder and softer notes, a lead-in of 0-0.4 s."""
    bpm = float(rng.uniform(70, 150))
    ticks_per_second = bpm * PPQ / 60
    first = notes[int(rng.integers(0, max(1, len(notes) // 2)))].start
    lead = int(rng.uniform(0, 0.4) * ticks_per_second)
    span = MAX_SECONDS * ticks_per_second
    chosen = [n for n in notes if first <= n.start and n.end - first <= span]
    low = min(n.pitch for n in chosen) + int(rng.integers(-5, 7))        # transposed: every pitch is met
    octaves = int(np.ceil((TIMBRES[program] - low) / 12)) + int(rng.integers(0, 2))
    shift = low - min(n.pitch for n in chosen) + 12 * octaves
    detached = rng.random() < 0.25
    out = []
    for n in chosen:
        jitter = int(rng.normal(0, 0.008) * ticks_per_second)
        start = max(0, n.start - first + lead + jitter)
        length = n.duration * (rng.uniform(0.5, 0.95) if detached else 1.0)
        velocity = int(np.clip(n.velocity + rng.integers(-20, 21), 30, 127))
        out.append(Note(int(np.clip(n.pitch + shift, NOTE_LOW, 100)), start, max(20, int(length)), velocity))
    out.sort(key=lambda n: n.start)
    for i in range(len(out) - 1):                   # one line: jitter may not make notes overlap
        if out[i].end > out[i + 1].start:
            out[i] = out[i].with_duration(max(1, out[i + 1].start - out[i].start))
    return tuple(out), bpm


def rendered(notes: tuple[Note, ...], bpm: float, program: int, rng: np.random.Generator, soundfont=None) -> np.ndarray:
    """The notes through FluidSynth with the timbre, half the takes with vibrato (10-50 cents at 4-7 Hz),
    half detuned (up to 35 cents), half in a room (RT60 0.2-0.9 s), half with white or pink noise at
    8-35 dB SNR, at a peak of -26 to -1 dBFS; mono float64."""
    end = max(n.end for n in notes)
    cents = rng.uniform(10, 50) if rng.random() < 0.5 else 0.0
    offset = rng.uniform(-35, 35) if rng.random() < 0.5 else 0.0
    controls = augment.vibrato(end, bpm, cents, rng.uniform(4, 7), 0.02, offset) if cents or offset else ()
    song = Song(tracks=(Track("line", program, False, notes, controls=controls),), tempos=(Tempo(0, bpm_to_us(bpm)),))
    samples = render_song(song, soundfont).mean(axis=1).astype(np.float64)
    if rng.random() < 0.5:
        samples = augment.room(samples, rng, rng.uniform(0.2, 0.9), SAMPLE_RATE, rng.uniform(0.06, 0.2))
    if rng.random() < 0.5:
        samples = augment.noisy(samples, rng, rng.uniform(8, 35), pink=bool(rng.random() < 0.5))
    return samples * (10 ** (rng.uniform(-26, -1) / 20) / max(np.abs(samples).max(), 1e-9))


def labels(notes: tuple[Note, ...], bpm: float, frames: int) -> tuple[np.ndarray, np.ndarray]:
    """Per frame the sounding pitch's band (or :data:`SILENCE`) and 1 where a note starts."""
    seconds = 60.0 / (bpm * PPQ)
    frame_labels = np.full(frames, SILENCE, np.int64)
    onset_labels = np.zeros(frames, np.float32)
    for n in notes:
        a, b = int(round(n.start * seconds / HOP)), int(round(n.end * seconds / HOP))
        if a < frames:
            frame_labels[a:b] = n.pitch - NOTE_LOW
            onset_labels[a] = 1.0
    return frame_labels, onset_labels


def example(notes: tuple[Note, ...], seed: int, soundfont=None) -> Example:
    """Melody ``notes`` performed and rendered with the draws of ``seed``: the detector's input and labels."""
    rng = np.random.default_rng(seed)
    program = list(TIMBRES)[int(rng.integers(0, len(TIMBRES)))]
    played, bpm = performed(notes, rng, program)
    mono, rate = halved(rendered(played, bpm, program, rng, soundfont), SAMPLE_RATE)
    spectrum = spectrum_frames(mono, rate)
    frame_labels, onset_labels = labels(played, bpm, len(spectrum))
    return Example(spectrum.astype(np.float16), frame_labels.astype(np.int8), onset_labels)
