"""Offline WAV render of the 16-bar four-voice song (aim: at least 100x realtime), a long export's memory,
and the sustain pedal heard in the render (issue 20)."""

import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

import numpy as np

from benchmarks.timing import median_seconds
from musicstudio.audio.render import SAMPLE_RATE, export_wav, most_frames, render_blocks, song_seconds
from musicstudio.audio.schedule import Renderer, schedule
from musicstudio.audio.soundfont import SYSTEM_SOUNDFONTS, bundled_soundfont
from musicstudio.audio.synth import Synth
from musicstudio.core import Note, Song, Tempo, Track
from musicstudio.core.controls import SUSTAIN, controller
from musicstudio.core.examples import four_voice_song
from musicstudio.core.ticks import PPQ

LONG_BARS = 300  # 10 minutes at 120 BPM: a 212 MB float array if it were held whole
# Exports of the long song in a fresh process, for its peak resident memory (this one has run other
# benchmarks): a quiet one (one pass, allocations traced) then a loud one (over -0.1 dBFS: two passes).
LONG_EXPORTS = """
import resource, sys, time, tracemalloc
from musicstudio.audio.render import export_wav
from musicstudio.audio.soundfont import bundled_soundfont
from musicstudio.core import Note, Song, Track
from musicstudio.core.examples import four_voice_song
song, sf = four_voice_song(int(sys.argv[1])), bundled_soundfont()
tracemalloc.start()
t = time.perf_counter()
export_wav(song, sys.argv[2] + "/quiet.wav", soundfont=sf)
quiet, traced = time.perf_counter() - t, tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
wall = tuple(Note(p, 0, 960, 127) for p in range(36, 100, 2))
loud_song = Song(song.tracks + (Track("Wall", 30, False, wall),), tempos=song.tempos)
t = time.perf_counter()
export_wav(loud_song, sys.argv[2] + "/loud.wav", soundfont=sf)
loud = time.perf_counter() - t
try:   # this image's own peak: ru_maxrss keeps the forking parent's peak across exec on Linux
    peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")) / 1024
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(quiet, traced / 1e6, loud, peak)
"""


def run():
    song = four_voice_song(16)
    seconds = song_seconds(song)
    figures = [("song length", seconds, "s", None)]
    fonts = [("TimGM6mb", bundled_soundfont())] + [(p.stem, p) for p in SYSTEM_SOUNDFONTS[:1] if p.is_file()]
    for name, sf in fonts:
        t = time.perf_counter()
        synth = Synth(sf, SAMPLE_RATE)
        load = time.perf_counter() - t

        def synthesis(synth=synth):
            renderer = Renderer(synth, schedule(song, SAMPLE_RATE))
            out = np.zeros((round((seconds + 2) * SAMPLE_RATE), 2), np.float32)
            for start in range(0, len(out), 4096):
                renderer.render(out[start:start + 4096])
            synth.all_notes_off()

        t_synth = median_seconds(synthesis, repeat=3)
        synth.close()
        with tempfile.TemporaryDirectory() as folder:
            t_total = median_seconds(lambda sf=sf: export_wav(song, Path(folder) / "x.wav", soundfont=sf), repeat=3)
        figures += [
            (f"{name}: SoundFont load", load, "s", None),
            (f"{name}: synthesis speed (song + 2 s tail)", (seconds + 2) / t_synth, "x realtime", lambda v: v >= 100),
            (f"{name}: whole export_wav incl. load and write", seconds / t_total, "x realtime", None),
        ]
    return pedal_figures() + figures + long_export_figures()


def pedal_figures():
    """Two bars of detached broken chords on the piano, with the sustain pedal (down at the top, up
    1.5 s after the last note-off) and without: the RMS of the second after the last note-off, as in
    tests/audio/test_sustain_render.py."""
    eighth = PPQ // 2
    notes = tuple(Note(p, i * eighth, eighth * 3 // 4, 80)
                  for i, p in enumerate([48, 55, 60, 64, 67, 64, 60, 55, 53, 60, 65, 69, 72, 69, 65, 60]))
    last_off = max(n.end for n in notes)
    first = last_off * SAMPLE_RATE // (2 * PPQ)
    levels = []
    for controls in ((), (controller(0, SUSTAIN, 127), controller(last_off + 3 * PPQ, SUSTAIN, 0))):
        song = Song((Track("Piano", 0, False, notes, controls=controls),), tempos=(Tempo(0, 500_000),))
        with closing(render_blocks(song, bundled_soundfont())) as blocks:
            samples = np.concatenate([b.copy() for b in blocks])[first:first + SAMPLE_RATE].astype(np.float64)
        rms = float(np.sqrt(np.sum(samples ** 2) / (SAMPLE_RATE * 2)))   # missing frames count as silence
        levels.append(20 * np.log10(max(rms, 1e-12)))
    return [("second after the last note-off, no pedal: RMS", levels[0], "dBFS", None),
            ("second after the last note-off, sustain pedal: RMS", levels[1], "dBFS", None),
            ("the pedal's gain over the dry release", levels[1] - levels[0], "dB", lambda v: v > 6)]


def long_export_figures():
    """A 10-minute export streams in blocks: its memory is that of a short one."""
    long_song = four_voice_song(LONG_BARS)
    minutes = song_seconds(long_song) / 60
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run([sys.executable, "-c", LONG_EXPORTS, str(LONG_BARS), folder],
                              capture_output=True, text=True, check=True)
    quiet, traced_mb, loud, rss_mb = (float(v) for v in done.stdout.split())
    whole_song_mb = most_frames(long_song) * 2 * 4 / 1e6
    return [
        (f"long export ({minutes:.0f} min): float array it does not hold", whole_song_mb, "MB", None),
        ("long export: peak traced allocations (tracemalloc)", traced_mb, "MB", lambda v: v < 10),
        ("long export: speed (one pass)", minutes * 60 / quiet, "x realtime", None),
        ("loud long export: speed (two passes)", minutes * 60 / loud, "x realtime", None),
        ("long exports: peak RSS of their process", rss_mb, "MB", lambda v: v < 300),
    ]
