"""Playback engine: callback work per buffer for a dense 16-track song, and note-on latency."""

import random
import statistics
import time

import numpy as np

from musicstudio.audio.engine import PlaybackEngine
from musicstudio.audio.soundfont import find_soundfont
from musicstudio.audio.synth import Synth
from musicstudio.core import Note, Song, Tempo, Track

RATE = 44100


def dense_16_track_song(bars: int = 16) -> Song:
    """16 tracks of 8th notes, two-note chords each: up to about 64 voices sounding with releases."""
    rnd = random.Random(3)
    tracks = []
    for t in range(16):
        notes = []
        for step in range(bars * 8):
            for _ in range(2):
                notes.append(Note(36 + rnd.randrange(48), step * 240, 240, 60 + rnd.randrange(60)))
        tracks.append(Track(f"T{t + 1}", (t * 8) % 128, t == 9, tuple(notes)))
    return Song(tuple(tracks), tempos=(Tempo(0, 500_000),))


def run():
    song = dense_16_track_song()
    figures = []
    for block in (256, 128, 64):
        with Synth(find_soundfont(), RATE) as synth:
            engine = PlaybackEngine(synth)
            engine.set_song(song)
            engine.play(0)
            out = np.zeros((block, 2), np.float32)
            times = []
            for _ in range(int(10 * RATE / block)):      # ten seconds of the song
                t = time.perf_counter()
                engine.render(out)
                times.append(time.perf_counter() - t)
        budget = block / RATE
        load = [x / budget * 100 for x in times]
        figures += [
            (f"{block} frames: callback work, median (% of the buffer's {budget * 1000:.1f} ms)",
             statistics.median(load), "%", (lambda v: v < 25) if block == 256 else None),
            (f"{block} frames: callback work, 99th percentile", float(np.percentile(load, 99)), "%", None),
            (f"{block} frames: note-on to sound leaving the callback, worst (one buffer)",
             budget * 1000, "ms", lambda v: v <= 30),
        ]
    return figures
