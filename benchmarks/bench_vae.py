"""The VAE's interactive operations on the shipped ``vae`` model (targets from issue 7, on this 2-core CPU).

Encode and decode a 4-bar phrase (two 2-bar chunks) at most 30 ms; a slider move to a new phrase (encode,
move, decode) at most 30 ms; an interpolation of 8 steps between two 4-bar phrases at most 100 ms. Medians
of 30 runs after a warm-up, one torch thread (what the generation process uses), greedy decoding. The two
phrases are the first four bars of two folk tunes written out here, so the figures need no corpus. A model
that writes 6/8 (the meter-aware default) is timed on four bars of two jigs in 6/8 as well.

And the request the app sends most, as ``bench_generate`` times it for the token models: continue a 4-bar
seed by 8 bars, four variations in one batch (target 150 ms, issue 17), after the melodic tune, the chordal
seed of ``bench_generate`` (four-voice chords on every beat) and a jig in 6/8.
"""

import statistics
import time

import torch

from benchmarks.timing import shipped, skipped
from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.interface import BAR, GenerationRequest

# (pitch, start in 8ths, length in 8ths): "Muss i denn" and "Ode to Joy", four bars each
_A = [(67, 0, 2), (72, 2, 2), (72, 4, 1), (71, 5, 1), (72, 6, 2), (74, 8, 2), (76, 10, 2), (76, 12, 2),
      (74, 14, 1), (72, 15, 1), (71, 16, 2), (72, 18, 1), (74, 19, 1), (72, 20, 4), (67, 24, 2),
      (72, 26, 2), (72, 28, 1), (71, 29, 1), (72, 30, 2)]
_B = [(64, 0, 2), (64, 2, 2), (65, 4, 2), (67, 6, 2), (67, 8, 2), (65, 10, 2), (64, 12, 2), (62, 14, 2),
      (60, 16, 2), (60, 18, 2), (62, 20, 2), (64, 22, 2), (64, 24, 3), (62, 27, 1), (62, 28, 4)]
PHRASE_A = Clip(tuple(Note(p, s * 240, d * 240, 90) for p, s, d in _A), 4 * BAR)
PHRASE_B = Clip(tuple(Note(p, s * 240, d * 240, 90) for p, s, d in _B), 4 * BAR)
# two jigs in 6/8 (8ths of 240 ticks, 6 a bar): "The Irish Washerwoman" and "Haste to the Wedding", four bars
_JIG_A = [(67, 0, 1), (71, 1, 1), (71, 2, 1), (67, 3, 1), (71, 4, 1), (71, 5, 1), (67, 6, 1), (71, 7, 1),
          (71, 8, 1), (72, 9, 1), (71, 10, 1), (69, 11, 1), (66, 12, 1), (69, 13, 1), (69, 14, 1), (66, 15, 1),
          (69, 16, 1), (69, 17, 1), (66, 18, 1), (69, 19, 1), (69, 20, 1), (71, 21, 1), (69, 22, 1), (67, 23, 1)]
_JIG_B = [(64, 0, 1), (69, 1, 1), (69, 2, 1), (69, 3, 2), (71, 5, 1), (73, 6, 2), (71, 8, 1), (69, 9, 2),
          (76, 11, 1), (73, 12, 1), (71, 13, 1), (69, 14, 1), (71, 15, 2), (69, 17, 1), (68, 18, 2), (69, 20, 1),
          (71, 21, 3)]
SIX_EIGHT_BAR = 6 * 240
JIG_A = Clip(tuple(Note(p, s * 240, d * 240, 90) for p, s, d in _JIG_A), 4 * SIX_EIGHT_BAR)
JIG_B = Clip(tuple(Note(p, s * 240, d * 240, 90) for p, s, d in _JIG_B), 4 * SIX_EIGHT_BAR)


def continuation_ms(vae, seed: Clip, meter=(4, 4), repeat: int = 7, clock=time.perf_counter) -> float:
    """Median milliseconds of 8 bars x 4 variations after ``seed`` (after one warm-up run), by ``clock``
    (wall time; ``time.process_time`` gives the CPU time this process spent, what a free core would take)."""
    times = []
    for i in range(repeat + 1):
        started = clock()
        vae.generate(GenerationRequest(seed=seed, bars=8, variations=4, random_seed=i, meter=meter))
        times.append(clock() - started)
    return 1000 * statistics.median(times[1:])


def run():
    from musicstudio.generators.vae.evaluation import timings

    ((name, vae),) = shipped(["vae"])
    if vae is None:
        return [skipped(name)]
    torch.set_num_threads(1)
    from benchmarks.bench_generate import CHORDS

    rows = [("vae: 8 bars x 4 variations, chordal seed (median)", continuation_ms(vae, CHORDS), "ms",
             lambda v: v <= 150),
            ("vae: 8 bars x 4 variations, melodic seed (median)", continuation_ms(vae, PHRASE_A), "ms",
             lambda v: v <= 150),
            ("vae: the same, chordal seed, CPU time of this process (median)",
             continuation_ms(vae, CHORDS, clock=time.process_time), "ms", None)]
    if (6, 8) in vae.meters:
        rows.append(("vae: 8 bars x 4 variations of 6/8, a jig seed (median)", continuation_ms(vae, JIG_A, (6, 8)),
                     "ms", lambda v: v <= 150))
    for meter, a, b in (((4, 4), PHRASE_A, PHRASE_B), ((6, 8), JIG_A, JIG_B)):
        if meter not in vae.meters:
            continue
        t = timings(vae, a, b, meter=meter)
        name = f"vae in {meter[0]}/{meter[1]}"
        rows += [(f"{name}: encode + decode 4 bars (median)", t["encode_decode_4_bars_ms"], "ms", lambda v: v <= 30),
                 (f"{name}: a slider move to a new 4-bar phrase (median)", t["slider_move_ms"], "ms",
                  lambda v: v <= 30),
                 (f"{name}: interpolation of 8 steps, 4 bars each (median)", t["interpolate_8_steps_ms"], "ms",
                  lambda v: v <= 100)]
    return rows
