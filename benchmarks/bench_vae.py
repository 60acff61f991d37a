"""The VAE's interactive operations on the shipped ``vae`` model (targets from issue 7, on this 2-core CPU).

Encode and decode a 4-bar phrase (two 2-bar chunks) at most 30 ms; a slider move to a new phrase (encode,
move, decode) at most 30 ms; an interpolation of 8 steps between two 4-bar phrases at most 100 ms. Medians
of 30 runs after a warm-up, one torch thread (what the generation process uses), greedy decoding. The two
phrases are the first four bars of two folk tunes written out here, so the figures need no corpus.
"""

import torch

from benchmarks.timing import bench_device
from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.interface import BAR
from musicstudio.generators.registry import ModelRegistry

# (pitch, start in 8ths, length in 8ths): "Muss i denn" and "Ode to Joy", four bars each
_A = [(67, 0, 2), (72, 2, 2), (72, 4, 1), (71, 5, 1), (72, 6, 2), (74, 8, 2), (76, 10, 2), (76, 12, 2),
      (74, 14, 1), (72, 15, 1), (71, 16, 2), (72, 18, 1), (74, 19, 1), (72, 20, 4), (67, 24, 2),
      (72, 26, 2), (72, 28, 1), (71, 29, 1), (72, 30, 2)]
_B = [(64, 0, 2), (64, 2, 2), (65, 4, 2), (67, 6, 2), (67, 8, 2), (65, 10, 2), (64, 12, 2), (62, 14, 2),
      (60, 16, 2), (60, 18, 2), (62, 20, 2), (64, 22, 2), (64, 24, 3), (62, 27, 1), (62, 28, 4)]
PHRASE_A = Clip(tuple(Note(p, s * 240, d * 240, 90) for p, s, d in _A), 4 * BAR)
PHRASE_B = Clip(tuple(Note(p, s * 240, d * 240, 90) for p, s, d in _B), 4 * BAR)


def run():
    from musicstudio.generators.vae.evaluation import timings

    registry = ModelRegistry()
    if "vae" not in {m.name for m in registry.models()}:
        return [("vae: not installed, skipped", 0.0, "", None)]
    torch.set_num_threads(1)
    vae = registry.load("vae", bench_device())
    t = timings(vae, PHRASE_A, PHRASE_B)
    return [("vae: encode + decode 4 bars (median)", t["encode_decode_4_bars_ms"], "ms", lambda v: v <= 30),
            ("vae: a slider move to a new 4-bar phrase (median)", t["slider_move_ms"], "ms", lambda v: v <= 30),
            ("vae: interpolation of 8 steps, 4 bars each (median)", t["interpolate_8_steps_ms"], "ms",
             lambda v: v <= 100)]
