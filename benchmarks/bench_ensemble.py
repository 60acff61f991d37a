"""lstm-ensemble's ways to step: members together or one by one, hidden 256 or 128, three members or two.

The same request as bench_generate (8 bars x 4 variations after its melodic and chordal 4-bar seeds, one
BLAS thread as the app runs), for the shipped ensembles built four ways from their own members:
``lstm-ensemble-nc`` (three hidden-256 members) and ``lstm-ensemble`` (three hidden-128 members), each
stepped one by one (``batched=False``, the mixing pass over their outputs) and together
(:class:`~musicstudio.generators.lstm.ensemble_stepper.StackedStepper`), and ``lstm-ensemble``'s first two
members together. Medians of 5 runs after one warm-up, wall time and the process's CPU time (the CPU
time is the steadier figure on a shared machine). The target (150 ms) is the app's, for the shipped
``lstm-ensemble`` stepped together; the one-network ``lstm`` is timed beside them.
"""

import statistics
import time

import numpy as np

from benchmarks.bench_generate import CHORDS, MELODY
from benchmarks.timing import bench_device
from musicstudio.generators.interface import GenerationRequest
from musicstudio.generators.lstm.ensemble import EnsembleGenerator
from musicstudio.generators.registry import ModelRegistry

TARGET_MS = 150.0
REPEAT = 5


def _medians(generator, seed) -> tuple[float, float]:
    """Median wall and CPU milliseconds for the request."""
    wall, cpu = [], []
    for i in range(REPEAT + 1):
        started, used = time.perf_counter(), time.process_time()
        generator.generate(GenerationRequest(seed=seed, bars=8, variations=4, random_seed=i))
        if i:  # the first run warms up
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - used)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000


def _variants(registry: ModelRegistry, installed: set[str], device: str):
    if "lstm" in installed:
        yield "lstm (one network, hidden 256)", registry.load("lstm", device), False
    for name, hidden in (("lstm-ensemble-nc", 256), ("lstm-ensemble", 128)):
        if name not in installed:
            continue
        shipped = registry.load(name, device)
        members, weights = shipped.members, shipped.weights
        label = f"{name} ({len(members)} x hidden {hidden})"
        yield f"{label}, one by one", EnsembleGenerator(name, members, weights, batched=False), False
        yield f"{label}, together", EnsembleGenerator(name, members, weights), name == "lstm-ensemble"
        if name == "lstm-ensemble":
            yield f"{name} (first 2 members), together", EnsembleGenerator(name, members[:2], np.full(2, 0.5)), False


def run():
    registry = ModelRegistry()
    installed = {m.name for m in registry.models()}
    figures = []
    for label, generator, targeted in _variants(registry, installed, bench_device()):
        for seed_label, seed in (("melodic", MELODY), ("chordal", CHORDS)):
            wall, cpu = _medians(generator, seed)
            target = (lambda v: v <= TARGET_MS) if targeted else None
            figures += [(f"{label}: {seed_label}, wall", wall, "ms", target),
                        (f"{label}: {seed_label}, cpu", cpu, "ms", None)]
    return figures
