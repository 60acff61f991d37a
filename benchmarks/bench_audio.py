"""Playback engine: callback work, note-on latency, and 200,000 controller events in a dense 16-track song.

The controller events: scheduling them (each edit during playback does), a start from the middle
(the chase), and the callback's work with them.
"""

import random
import statistics
import time

import numpy as np

from benchmarks.timing import median_seconds
from musicstudio.audio.engine import PlaybackEngine
from musicstudio.audio.schedule import audible_tracks, schedule, start_point
from musicstudio.audio.soundfont import find_soundfont
from musicstudio.audio.synth import Synth
from musicstudio.core import Note, Song, Tempo, Track
from musicstudio.core.controls import EXPRESSION, SUSTAIN, controller, pitch_bend

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


def with_controllers(song: Song, per_track: int = 12_500) -> Song:
    """Each track gets ``per_track`` controller events spread over the song: a pitch-bend curve and an
    expression swell, with the pedal down and up every bar (16 tracks: 200,000 events)."""
    tracks = []
    for track in song.tracks:
        step = max(1, song.end_tick // per_track)
        controls = []
        for i in range(per_track):
            tick = i * step
            if i % 3 == 0:
                controls.append(pitch_bend(tick, (i * 97) % 8000 - 4000))
            elif i % 3 == 1:
                controls.append(controller(tick, EXPRESSION, 60 + i % 67))
            else:
                controls.append(controller(tick, SUSTAIN, 127 if tick // 1920 % 2 == 0 else 0))
        tracks.append(Track(track.name, track.program, track.is_drum, track.notes, controls=tuple(controls)))
    return Song(tuple(tracks), tempos=song.tempos)


def callback_load(song: Song, block: int, from_tick: int = 0) -> list[float]:
    """The callback's work per buffer over ten seconds of ``song``, in % of the buffer's time."""
    with Synth(find_soundfont(), RATE) as synth:
        engine = PlaybackEngine(synth)
        engine.set_song(song)
        engine.play(from_tick)
        out = np.zeros((block, 2), np.float32)
        times = []
        for _ in range(int(10 * RATE / block)):      # ten seconds of the song
            t = time.perf_counter()
            engine.render(out)
            times.append(time.perf_counter() - t)
    budget = block / RATE
    return [x / budget * 100 for x in times]


def controller_figures(song: Song) -> list:
    busy = with_controllers(song)
    count = sum(len(t.controls) for t in busy.tracks)
    plain_s = median_seconds(lambda: schedule(song, RATE, audible_tracks(song)), repeat=3)
    busy_s = median_seconds(lambda: schedule(busy, RATE, audible_tracks(busy)), repeat=3)
    events = schedule(busy, RATE, audible_tracks(busy))
    middle = events[len(events) // 2].frame
    chase_s = median_seconds(lambda: start_point(events, middle), repeat=3)
    load = callback_load(busy, 256, from_tick=busy.end_tick // 2)
    return [
        (f"{count:,} controller events: schedule (set_song), more than without", busy_s - plain_s, "s",
         lambda v: v < 1.0),
        ("start from the middle: chase the controllers before it", chase_s * 1000, "ms", None),
        ("256 frames with them: first buffer (reset + chase), % of the buffer", load[0], "%", None),
        ("256 frames with them: callback work, median", statistics.median(load), "%", lambda v: v < 25),
        ("256 frames with them: callback work, 99th percentile", float(np.percentile(load, 99)), "%", None),
    ]


def run():
    song = dense_16_track_song()
    figures = []
    for block in (256, 128, 64):
        budget = block / RATE
        load = callback_load(song, block)
        figures += [
            (f"{block} frames: callback work, median (% of the buffer's {budget * 1000:.1f} ms)",
             statistics.median(load), "%", (lambda v: v < 25) if block == 256 else None),
            (f"{block} frames: callback work, 99th percentile", float(np.percentile(load, 99)), "%", None),
            (f"{block} frames: note-on to sound leaving the callback, worst (one buffer)",
             budget * 1000, "ms", lambda v: v <= 30),
        ]
    return figures + controller_figures(song)
