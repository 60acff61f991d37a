"""The transcription test set: held-out corpus melodies rendered through FluidSynth with five timbres,
some with vibrato, noise and a room's reverb (issue 24). Used by :mod:`benchmarks.transcription_eval`
and by its small version in tests/audio/test_transcribe_eval.py.

Melodies come from the corpus's test split (never trained on): one-line tunes of Essen, O'Neill's
and Ryan's Mammoth that sit on the 16th grid, cut to their first bars (at most ~12 s). Each is
rendered with one timbre and one condition, both chosen from its position, so every timbre meets
every condition:

* vibrato: +/-30 cents at 5 Hz, as pitch-bend events every 20 ms;
* noise: white noise at 20 dB SNR (against the melody's RMS);
* reverb: a room-like impulse response (a direct path, then exponentially decaying noise with a
  0.4 s RT60), convolved.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicstudio.audio import augment
from musicstudio.audio.render import render_song
from musicstudio.core import Note, Song, Tempo, Track
from musicstudio.core.tempo import bpm_to_us
from musicstudio.core.ticks import PPQ

SAMPLE_RATE = 44100
# General MIDI programs (0-based) and their names: the five timbres the issue asks for
TIMBRES = {"voice oohs": 53, "flute": 73, "violin": 40, "clarinet": 71, "nylon guitar": 24}
LOWEST = {"voice oohs": 48, "flute": 60, "violin": 55, "clarinet": 50, "nylon guitar": 40}
CONDITIONS = ("clean", "vibrato", "noise + reverb", "vibrato + noise + reverb")
COLLECTIONS = ("essenFolksong", "oneills1850", "ryansMammoth")
MAX_SECONDS = 12.0
VIBRATO_CENTS, VIBRATO_HZ, BEND_SECONDS = 30.0, 5.0, 0.020
SNR_DB, RT60 = 20.0, 0.4


@dataclass(frozen=True)
class Item:
    """One rendered melody: its notes (ticks at 480 PPQ), tempo, timbre, condition and samples (mono)."""

    piece: str
    notes: tuple[Note, ...]
    bpm: float
    timbre: str
    condition: str
    samples: np.ndarray

    def seconds(self, tick: float) -> float:
        return tick * 60.0 / (self.bpm * PPQ)


def melodies(count: int, cache_dir=None, split: str | None = "test") -> list[tuple[str, tuple[Note, ...]]]:
    """``count`` held-out melodies (piece id, notes), the same ones every time (``split`` None: any
    split, for a small corpus built by a test)."""
    from musicstudio.generators.corpus import load_corpus

    corpus = load_corpus(cache_dir, verify=False)
    infos = [i for i in corpus.select(split, collections=COLLECTIONS, exact_only=True, max_tracks=1)
             if "chords" not in i.flags and i.notes >= 16]
    infos.sort(key=lambda i: i.content_hash)       # a fixed order that mixes the collections
    seen, out = set(), []
    for info in infos:
        if info.content_hash in seen:
            continue
        seen.add(info.content_hash)
        out.append((info.id, corpus.piece(info.id).notes))
        if len(out) == count:
            break
    if len(out) < count:
        raise ValueError(f"the corpus has only {len(out)} held-out one-line melodies, not {count}")
    return out


def tempo_of(index: int) -> float:
    return 90.0 + (index * 7) % 41      # 90 .. 130 BPM


def cut(notes: tuple[Note, ...], bpm: float) -> tuple[Note, ...]:
    """The notes that end within :data:`MAX_SECONDS` (whole notes only), moved to start at the first bar."""
    bar = 4 * PPQ
    shift = (notes[0].start // bar) * bar
    last = MAX_SECONDS * bpm * PPQ / 60.0
    return tuple(n.moved_by(-shift) for n in notes if n.end - shift <= last)


def fit_register(notes: tuple[Note, ...], timbre: str) -> tuple[Note, ...]:
    """Octaves up until the lowest note is in the instrument's range."""
    low = min(n.pitch for n in notes)
    octaves = max(0, -((low - LOWEST[timbre]) // 12))
    return tuple(n.moved_by(semitones=12 * octaves) for n in notes)


def vibrato(end_tick: int, bpm: float) -> tuple:
    """Pitch-bend events every 20 ms over the melody: +/-30 cents at 5 Hz (bend range 2 semitones)."""
    return augment.vibrato(end_tick, bpm, VIBRATO_CENTS, VIBRATO_HZ, BEND_SECONDS)


def room(samples: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The samples in a small room: a direct path and an exponentially decaying tail (RT60 0.4 s)."""
    return augment.room(samples, rng, RT60, SAMPLE_RATE)


def noisy(samples: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """White noise at :data:`SNR_DB` below the melody's RMS (over its sounding part)."""
    return augment.noisy(samples, rng, SNR_DB)


def render_item(index: int, piece: str, notes: tuple[Note, ...], timbre: str | None = None,
                condition: str | None = None, soundfont=None) -> Item:
    """Melody ``index`` rendered with its timbre and condition (chosen from ``index`` unless given)."""
    names = list(TIMBRES)
    timbre = timbre or names[index % len(names)]
    condition = condition or CONDITIONS[(index // len(names)) % len(CONDITIONS)]
    bpm = tempo_of(index)
    notes = fit_register(cut(notes, bpm), timbre)
    controls = vibrato(max(n.end for n in notes), bpm) if "vibrato" in condition else ()
    track = Track(timbre, TIMBRES[timbre], False, notes, controls=controls)
    song = Song(tracks=(track,), tempos=(Tempo(0, bpm_to_us(bpm)),))
    samples = render_song(song, soundfont).mean(axis=1).astype(np.float64)
    rng = np.random.default_rng(index)
    if "reverb" in condition:
        samples = room(samples, rng)
    if "noise" in condition:
        samples = noisy(samples, rng)
    return Item(piece, notes, bpm, timbre, condition, samples * (0.5 / max(np.abs(samples).max(), 1e-9)))
