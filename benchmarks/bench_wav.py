"""Offline WAV render of the 16-bar four-voice song (aim: at least 100x realtime)."""

import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.timing import median_seconds
from musicstudio.audio.render import SAMPLE_RATE, export_wav, song_seconds
from musicstudio.audio.schedule import Renderer, schedule
from musicstudio.audio.soundfont import SYSTEM_SOUNDFONTS, bundled_soundfont
from musicstudio.audio.synth import Synth
from musicstudio.core.examples import four_voice_song


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
    return figures
