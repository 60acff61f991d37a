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


def median_seconds(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
