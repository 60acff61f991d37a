"""Generation with controls asked: infill-controls, 8 bars x 4 variations after a 4-bar seed, density and
polyphony wished for every bar (the control tokens, guided sampling, 4 draws a variation: docs/controls.md).

The same seeds as bench_generate (a folk tune, four-voice chords on every beat), each with two requests: a thin
texture (density low, polyphony 1) and a full one (density mid, polyphony 3+); medians of 5 runs after one
warm-up. The request without controls is bench_generate's (infill-controls is in its list, target 150 ms); with
controls a variation is four draws, so no target is set here: the figure is reported beside it.
"""

import statistics
import time

from benchmarks.bench_generate import CHORDS, MELODY
from benchmarks.timing import shipped, skipped
from musicstudio.generators.interface import GenerationRequest

REPEAT = 5
WISHES = (("thin", {"density": "low", "polyphony": "1"}), ("full", {"density": "mid", "polyphony": "3+"}))


def run():
    figures = []
    for name, generator in shipped(("infill-controls",)):
        if generator is None:
            return [skipped(name)]
        for label, seed in (("melodic", MELODY), ("chordal", CHORDS)):
            for texture, options in WISHES:
                times = []
                for i in range(REPEAT + 1):
                    started = time.perf_counter()
                    generator.generate(GenerationRequest(seed=seed, bars=8, variations=4, random_seed=i,
                                                         options=options))
                    if i:
                        times.append(time.perf_counter() - started)
                figures.append((f"{name}: 8 x 4, {label} seed, {texture} wished", statistics.median(times) * 1000,
                                "ms", None))
    return figures
