"""Small timing helpers shared by the benchmarks."""

import os
import resource
import statistics
import time

DEVICE_VARIABLE = "MUSICSTUDIO_BENCH_DEVICE"


def bench_device() -> str:
    """The device the generation benchmarks run on: $MUSICSTUDIO_BENCH_DEVICE (``make bench
    BENCH_DEVICE=cuda`` on a lent GPU), else the CPU the targets were set for."""
    return os.environ.get(DEVICE_VARIABLE) or "cpu"


def shipped(names):
    """(name, the shipped model loaded on :func:`bench_device`) for each of ``names``, the model None when
    it is not installed (the benchmark reports it skipped: :func:`skipped`)."""
    from musicstudio.generators.registry import ModelRegistry

    registry = ModelRegistry()
    installed = {m.name for m in registry.models()}
    for name in names:
        yield name, (registry.load(name, bench_device()) if name in installed else None)


def skipped(name: str) -> tuple:
    """A benchmark's figure row for a model that is not installed."""
    return (f"{name}: not installed, skipped", 0.0, "", None)


def median_seconds(fn, repeat: int = 5, clock=time.perf_counter) -> float:
    """The median time ``fn`` takes on ``clock`` (wall time by default)."""
    times = []
    for _ in range(repeat):
        t = clock()
        fn()
        times.append(clock() - t)
    return statistics.median(times)


def median_cpu_seconds(fn, repeat: int = 3) -> float:
    """The processor time ``fn`` takes (median): on a machine shared with other work it is the figure that
    stays put, where the wall-clock time grows with the load."""
    return median_seconds(fn, repeat, time.process_time)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
