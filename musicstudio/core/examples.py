"""Example songs built from code: for a first look at the app, the tests and the benchmarks."""

from __future__ import annotations

import random

from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.tempo import Tempo
from musicstudio.core.ticks import PPQ
from musicstudio.core.track import Track

FOUR_VOICES = (("Melody", 73, 72), ("Strings", 48, 64), ("Guitar", 24, 55), ("Bass", 32, 40))
PENTATONIC_STEPS = (0, 2, 4, 5, 7, 9)


def four_voice_song(bars: int = 16, us_per_beat: int = 500_000, seed: int = 1) -> Song:
    """Four voices (flute melody, strings, guitar, bass) in 4/4, each a quarter note per beat."""
    rnd = random.Random(seed)
    tracks = []
    for voice, (name, program, base) in enumerate(FOUR_VOICES):
        notes = tuple(Note(base + rnd.choice(PENTATONIC_STEPS), beat * PPQ, PPQ * 15 // 16, 70 + 10 * voice)
                      for beat in range(bars * 4))
        tracks.append(Track(name, program, False, notes))
    return Song(tuple(tracks), tempos=(Tempo(0, us_per_beat),), title="Four voices")


def dense_song(notes: int, tracks: int = 8, seed: int = 2) -> Song:
    """A song of about ``notes`` notes over ``tracks`` tracks, 16th notes in chords: a load test."""
    rnd = random.Random(seed)
    per_track = notes // tracks
    out = []
    for t in range(tracks):
        step = PPQ // 4
        line = tuple(Note(36 + rnd.randrange(60), (i // 2) * step, step * (1 + rnd.randrange(4)),
                          40 + rnd.randrange(80)) for i in range(per_track))
        out.append(Track(f"Track {t + 1}", (t * 8) % 128, t == tracks - 1, line))
    return Song(tuple(out), title="Dense")
