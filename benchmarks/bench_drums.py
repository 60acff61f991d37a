"""Drum continuation with the shipped drums model: 8 bars x 4 variations after a 4-bar groove (target 150 ms),
with the default decoding (the seed's own bar pattern mixed in at each step); and Vary of an 8-bar groove,
4 variations (no target of its own; the same 150 ms is asked of it here); and Add drums, one drum part for a
32-bar drumless song of bass and piano in 4/4 (target 500 ms), from reading the song's rhythm to the track.

Two seeds, each four bars on General MIDI drums: a rock beat in 4/4 (kick, snare, closed hi-hat in 8ths)
and a waltz in 3/4. Figures are medians of 7 runs after one warm-up on the benchmark device (the CPU unless
$MUSICSTUDIO_BENCH_DEVICE says otherwise); the model not installed is skipped.
"""

import statistics
import time

import torch

from benchmarks.timing import shipped, skipped
from musicstudio.core.clip import Clip
from musicstudio.core.note import Note

TARGET_S = 0.150
ADD_TARGET_S = 0.500
ADD_BARS = 32
REPEAT = 7
ROCK = {36: "x.......x.x.....", 38: "....x.......x...", 42: "x.x.x.x.x.x.x.x."}
WALTZ = {36: "x...........", 38: "....x...x...", 42: "x.x.x.x.x.x."}


def groove(pattern: dict[int, str], bars: int = 4) -> Clip:
    steps = len(next(iter(pattern.values())))
    notes = tuple(Note(p, (b * steps + s) * 120, 120, 90) for b in range(bars) for p, hits in pattern.items()
                  for s, c in enumerate(hits) if c == "x")
    return Clip(tuple(sorted(notes, key=lambda n: (n.start, n.pitch))), bars * steps * 120)


def band_song(bars: int = ADD_BARS):
    """Bass on one and three (and the and of four), piano chords on each beat, ``bars`` bars of 4/4."""
    from musicstudio.core.song import Song
    from musicstudio.core.track import Track

    bass = tuple(Note(36 + b % 5, b * 1920 + s * 120, 240, 96) for b in range(bars) for s in (0, 8, 14))
    piano = tuple(Note(p, b * 1920 + beat * 480, 480, 70) for b in range(bars) for beat in range(4)
                  for p in (60, 64, 67))
    return Song((Track("Bass", 33, False, bass), Track("Piano", 0, False, piano)))


def add_figure(generator):
    from musicstudio.generators.drums.add import AddRequest, add_drums

    song, times = band_song(), []
    for i in range(REPEAT + 1):
        started = time.perf_counter()
        add_drums(generator, song, AddRequest(random_seed=i))
        if i:
            times.append(time.perf_counter() - started)
    return (f"drums: add drums to a {ADD_BARS}-bar song, one part (median)", statistics.median(times) * 1000, "ms",
            lambda v: v <= ADD_TARGET_S * 1000)


def run():
    from musicstudio.generators.interface import GenerationRequest

    ((name, generator),) = shipped(["drums"])
    if generator is None:
        return [skipped(name)]
    torch.set_num_threads(1)
    figures = []
    cases = (("rock 4/4", groove(ROCK), (4, 4), generator.generate), ("waltz 3/4", groove(WALTZ), (3, 4),
             generator.generate), ("Vary, rock 4/4", groove(ROCK, 8), (4, 4), generator.vary))
    for label, seed, meter, method in cases:
        times = []
        for i in range(REPEAT + 1):
            started = time.perf_counter()
            method(GenerationRequest(seed=seed, bars=8, variations=4, random_seed=i, meter=meter))
            if i:
                times.append(time.perf_counter() - started)
        figures.append((f"drums: 8 bars x 4 variations, {label} (median)", statistics.median(times) * 1000, "ms",
                        lambda v: v <= TARGET_S * 1000))
    if generator.library is not None:
        figures.append(add_figure(generator))
    return figures
