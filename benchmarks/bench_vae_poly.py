"""The polyphonic VAE's interactive operations on the shipped ``vae-poly`` (and ``vae-poly-gan``) models.

Encode and decode a 4-bar phrase (two 2-bar chunks) at most 30 ms (issue 23); a slider move to a new phrase
and an interpolation of 8 steps are timed beside it (the melody VAE's targets: 30 and 100 ms). Medians of 30
runs after a warm-up, one torch thread (what the generation process uses), greedy decoding. The phrases are
``bench_generate``'s four-voice chords on every beat and a melody with a bass line under it, written out here,
so the figures need no corpus. The machine is shared: run it more than once.
"""

import torch

from benchmarks.timing import shipped, skipped
from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.interface import BAR

# "Ode to Joy" over a bass note a half bar (pitch, start in 8ths, length in 8ths)
_TUNE = [(64, 0, 2), (64, 2, 2), (65, 4, 2), (67, 6, 2), (67, 8, 2), (65, 10, 2), (64, 12, 2), (62, 14, 2),
         (60, 16, 2), (60, 18, 2), (62, 20, 2), (64, 22, 2), (64, 24, 3), (62, 27, 1), (62, 28, 4)]
_BASS = [48, 43, 48, 43, 45, 43, 48, 43]
TUNE_AND_BASS = Clip(tuple(Note(p, s * 240, d * 240, 90) for p, s, d in _TUNE)
                     + tuple(Note(p, k * BAR // 2, BAR // 2, 80) for k, p in enumerate(_BASS)), 4 * BAR)


def run():
    from benchmarks.bench_generate import CHORDS
    from musicstudio.generators.vae.evaluation import timings

    rows = []
    for name, vae in shipped(["vae-poly", "vae-poly-gan"]):
        if vae is None:
            rows.append(skipped(name))
            continue
        torch.set_num_threads(1)
        t = timings(vae, CHORDS, TUNE_AND_BASS)
        rows += [(f"{name}: encode + decode 4 bars of chords (median)", t["encode_decode_4_bars_ms"], "ms",
                  lambda v: v <= 30),
                 (f"{name}: a slider move to a new 4-bar phrase (median)", t["slider_move_ms"], "ms",
                  lambda v: v <= 30),
                 (f"{name}: interpolation of 8 steps, 4 bars each (median)", t["interpolate_8_steps_ms"], "ms",
                  lambda v: v <= 100)]
    return rows
