"""Generate panel: GUI event-loop gaps while each backend makes 16 bars x 8 variations, and cancel time.

A 2 ms QTimer on the GUI thread stamps every tick while the generation process loads and samples; a gap is
the time between two ticks (the worst the user could wait for a click to be handled). The first request of
a backend includes loading the model; the warm ones reuse the cached model. The same timer with nothing
generating gives the floor this machine allows (other processes share its cores).
"""

import os
import statistics
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from musicstudio.core import Note, Song, Track  # noqa: E402
from musicstudio.generators.interface import BAR  # noqa: E402

WARM_RUNS = 8
TIMER_MS = 2
SEED = tuple(Note(p, i * BAR // 4, BAR // 4, 88) for i, p in enumerate([60, 62, 64, 65, 67, 65, 64, 62]))


def idle_floor(app, stamps, timer, seconds: float = 3.0) -> list:
    stamps.clear()
    timer.start()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.0005)
    timer.stop()
    gaps = [(b - a) * 1000 for a, b in zip(stamps, stamps[1:])]
    return [("nothing generating: worst event-loop gap", max(gaps), "ms", None),
            ("nothing generating: p99 gap", percentile(gaps, 0.99), "ms", None)]


def one_model_per_backend(service) -> list:
    chosen = {}
    for info in sorted(service.models(), key=lambda m: (m.name != m.backend, m.size_bytes)):
        chosen.setdefault(info.backend, info)
    return [chosen[b] for b in sorted(chosen)]


def percentile(values, q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run():
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from musicstudio.io.settings import Settings
    from musicstudio.ui.main_window import MainWindow
    from musicstudio.workers.generation import GenerationService

    app = QApplication.instance() or QApplication([])
    figures = []
    with tempfile.TemporaryDirectory() as folder:
        os.environ["MUSICSTUDIO_CONFIG_DIR"] = os.environ["MUSICSTUDIO_DATA_DIR"] = folder
        service = GenerationService()
        window = MainWindow(Settings())
        window.attach_generation(service)
        window.resize(1600, 900)
        window.show()
        panel = window.generate
        window.document.load(Song((Track("Seed", 0, False, SEED),)), None)
        window.roll.select_all()
        panel.set_source("selection")
        panel.params.fresh_seed.setChecked(False)
        stamps: list[float] = []
        timer = QTimer()
        timer.setInterval(TIMER_MS)
        timer.timeout.connect(lambda: stamps.append(time.perf_counter()))

        def generate_and_measure(bars: int, variations: int) -> tuple[list[float], float]:
            """Event-loop gaps (ms) from Generate until the takes are listed, and the wall time."""
            panel.params.bars.setValue(bars)
            panel.params.variations.setValue(variations)
            done = []
            panel.takes_ready.connect(lambda: done.append(1))
            failed = []
            panel.service.failed.connect(lambda job, message: failed.append(message))
            stamps.clear()
            timer.start()
            t = time.perf_counter()
            stamps.append(t)
            panel.generate()
            while not done and not failed:
                app.processEvents()
                time.sleep(0.0005)
            app.processEvents()
            wall = time.perf_counter() - t
            timer.stop()
            panel.takes_ready.disconnect()
            panel.service.failed.disconnect()
            if failed:
                raise RuntimeError(failed[0])
            return [(b - a) * 1000 for a, b in zip(stamps, stamps[1:])], wall

        figures += idle_floor(app, stamps, timer)
        found = []
        service.device_found.connect(lambda device, name: found.append(name))
        service.find_device("auto")
        while not found:          # the process has started and imported torch
            app.processEvents()
            time.sleep(0.001)
        for info in one_model_per_backend(service):
            panel.picker.select(info.name)
            cold_gaps, cold_wall = generate_and_measure(16, 8)
            gaps, walls = [], []
            for _ in range(WARM_RUNS):
                g, w = generate_and_measure(16, 8)
                gaps += g
                walls.append(w)
            name = f"{info.name} ({info.backend})"
            figures += [
                (f"{name}: first request (loads the model), wall", cold_wall, "s", None),
                (f"{name}: first request, worst event-loop gap", max(cold_gaps), "ms", lambda v: v <= 50),
                (f"{name}: first request, p99 gap", percentile(cold_gaps, 0.99), "ms", lambda v: v < 20),
                (f"{name}: 16 bars x 8 takes, median wall", statistics.median(walls), "s", None),
                (f"{name}: warm, worst event-loop gap ({len(gaps)} ticks)", max(gaps), "ms", lambda v: v <= 50),
                (f"{name}: warm, p99 gap", percentile(gaps, 0.99), "ms", lambda v: v < 20),
            ]

            # Cancel: a long request, cancelled once it is sampling
            panel.discard()
            panel.params.bars.setValue(64)
            panel.params.variations.setValue(16)
            answered, stopped = [], []
            for _ in range(5):
                progressed = []
                panel.service.progress.connect(lambda job, done, seen=progressed: seen.append(done))
                panel.generate()
                while not progressed:
                    app.processEvents()
                    time.sleep(0.0005)
                panel.service.progress.disconnect()
                song_before, steps_before = window.document.song, window.document.undo_stack.count()
                t = time.perf_counter()
                panel.cancel_button.click()
                answered.append(time.perf_counter() - t)
                while panel.service.working:
                    app.processEvents()
                    time.sleep(0.0002)
                stopped.append(time.perf_counter() - t)
                assert window.document.song is song_before and window.document.undo_stack.count() == steps_before
            figures += [
                (f"{name}: Cancel until the panel is idle, worst of 5", max(answered) * 1000, "ms",
                 lambda v: v < 100),
                (f"{name}: Cancel until the worker has stopped, worst of 5", max(stopped) * 1000, "ms",
                 lambda v: v < 100),
            ]
        panel.discard()
        window.document.undo_stack.setClean()
        window.close()
    figures.append(("load average (1 min) while measuring", os.getloadavg()[0], "", None))
    return figures
