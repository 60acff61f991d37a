"""Run every benchmark and print its figures: ``make bench`` or ``python -m benchmarks [NAME ...]``."""

import importlib
import platform
import sys
import time

BENCHMARKS = ("bench_midi", "bench_project", "bench_wav", "bench_piano_roll", "bench_audio", "bench_generate",
              "bench_ensemble", "bench_vae", "bench_gan", "bench_generate_ui", "bench_hostile_models", "bench_open",
              "bench_transcribe", "bench_sing", "bench_mixer", "bench_drums", "bench_infill", "bench_vae_poly",
              "bench_harmonize", "bench_saliency", "bench_controls")


def _device_line() -> str:
    """The device the generation benchmarks use (``make bench BENCH_DEVICE=cuda`` on a lent GPU), by name."""
    from benchmarks.timing import bench_device
    from musicstudio.generators.devices import describe_device, pick_device, torch_build

    device = pick_device(bench_device())
    return f"{describe_device(device)} ({device}), {torch_build()}"


def main(names: list[str]) -> int:
    print(f"Music Studio benchmarks on {platform.machine()} ({platform.processor() or 'cpu'}), "
          f"Python {platform.python_version()}")
    print(f"generation benchmarks run on: {_device_line()}")
    for name in names or BENCHMARKS:
        module = importlib.import_module(f"benchmarks.{name}")
        started = time.perf_counter()
        print(f"\n== {name}: {module.__doc__.strip().splitlines()[0]}")
        for label, value, unit, target in module.run():
            verdict = "" if target is None else ("  ok" if target(value) else "  MISSES TARGET")
            print(f"  {label:<52} {value:>10.3f} {unit}{verdict}")
        print(f"  ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
