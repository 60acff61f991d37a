"""The GAN with the shipped ``gan`` model: 8 bars x 4 variations after a 4-bar seed (target: 20 ms).

The same request and seeds as bench_generate (a folk-tune melody and four-voice chords on every beat):
eight bars, each one network pass for the four variations in a batch, then masking, binarisation and
the notes. Medians of 30 runs after a warm-up, on the CPU with one thread (what the generation process
uses); also the time per bar, a key-locked request, and one that follows typed chords.
"""

import statistics
import time

from benchmarks.bench_generate import CHORDS, MELODY
from benchmarks.timing import bench_device
from musicstudio.core.key import Key
from musicstudio.generators.interface import GenerationRequest
from musicstudio.generators.registry import ModelRegistry

TARGET_MS = 20.0
REPEAT = 30


def _median_ms(generator, request: GenerationRequest) -> float:
    generator.generate(request)
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        generator.generate(request)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def run():
    import torch

    registry = ModelRegistry()
    if "gan" not in {m.name for m in registry.models()}:
        return [("gan: not installed, skipped", 0.0, "", None)]
    torch.set_num_threads(1)
    gan = registry.load("gan", bench_device())
    figures = []
    for label, seed in (("melodic", MELODY), ("chordal", CHORDS)):
        ms = _median_ms(gan, GenerationRequest(seed=seed, bars=8, variations=4, random_seed=1))
        figures += [(f"gan: 8 bars x 4 variations, {label} seed (median)", ms, "ms", lambda v: v <= TARGET_MS),
                    (f"gan: per bar (4 variations), {label} seed", ms / 8, "ms", None)]
    locked = GenerationRequest(seed=MELODY, bars=8, variations=4, key=Key(-3, True), pitch_range=(55, 79))
    figures.append(("gan: the same, key-locked to C minor, G3-G5", _median_ms(gan, locked), "ms", None))
    typed = GenerationRequest(seed=MELODY, bars=8, variations=4, options={"chords": "Am F C G"})
    figures.append(("gan: the same, following typed chords", _median_ms(gan, typed), "ms", None))
    return figures
