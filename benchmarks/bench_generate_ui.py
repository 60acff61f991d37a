"""Generate panel: GUI event-loop gaps while each backend makes 16 bars x 8 variations, and cancel time.

A 2 ms QTimer on the GUI thread stamps every tick while the generation process loads and samples; a gap is
the time between two ticks (the worst the user could wait for a click to be handled). The first request of
a backend includes loading the model; the warm ones reuse the cached model. The same timer with nothing
generating gives the floor this machine allows (other processes share its cores). A backend that writes drums
continues a drum groove (:data:`GROOVE`, a drum track), the others a melody; a backend that refuses its seed
is reported with the panel's message, one that fails with the model's, one that brings nothing within
:data:`ANSWER_S` as such: the benchmark never waits for ever.
"""

import os
import statistics
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from musicstudio.core import Note, Song, Track  # noqa: E402
from musicstudio.generators.capabilities import DrumWriter  # noqa: E402
from musicstudio.generators.interface import BAR  # noqa: E402

WARM_RUNS = 8
ANSWER_S = 120.0     # the longest a request may go unanswered before it is reported (never waited on for ever)
TIMER_MS = 2
SEED = tuple(Note(p, i * BAR // 4, BAR // 4, 88) for i, p in enumerate([60, 62, 64, 65, 67, 65, 64, 62]))
# two bars of rock: kick on 1 and 3, snare on 2 and 4, closed hi-hat on every 8th (General MIDI numbers)
GROOVE = tuple(sorted([Note(42, bar * BAR + i * BAR // 8, BAR // 16, 80) for bar in range(2) for i in range(8)]
                      + [Note(36, bar * BAR + b * BAR // 4, BAR // 16, 100) for bar in range(2) for b in (0, 2)]
                      + [Note(38, bar * BAR + b * BAR // 4, BAR // 16, 96) for bar in range(2) for b in (1, 3)],
                      key=lambda n: (n.start, n.pitch)))


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


class Refused(Exception):
    """The request brought no takes: the panel refused it, the model failed or nothing came (the message)."""


def wait(app, ready, seconds: float) -> bool:
    """Run the event loop until ``ready()`` or ``seconds`` have passed; whether it got ready."""
    end = time.perf_counter() + seconds
    while not ready():
        if time.perf_counter() > end:
            return False
        app.processEvents()
        time.sleep(0.0005)
    return True


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
        panel.params.fresh_seed.setChecked(False)

        def load_seed(drums: bool) -> None:
            """The seed song the backend continues: a drum groove for a drum writer, else a melody."""
            track = Track("Groove", 0, True, GROOVE) if drums else Track("Seed", 0, False, SEED)
            window.document.load(Song((track,)), None)
            window.roll.select_all()
            panel.set_source("selection")
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
            if panel.generate() is None:      # refused before anything ran: nothing will come back
                failed.append(panel.status.text())
            elif not wait(app, lambda: done or failed, ANSWER_S):
                failed.append(f"no takes in {ANSWER_S} s")
            app.processEvents()
            wall = time.perf_counter() - t
            timer.stop()
            panel.takes_ready.disconnect()
            panel.service.failed.disconnect()
            if failed:
                raise Refused(failed[0])
            return [(b - a) * 1000 for a, b in zip(stamps, stamps[1:])], wall

        figures += idle_floor(app, stamps, timer)
        found = []
        service.device_found.connect(lambda device, name: found.append(name))
        service.find_device("auto")
        if not wait(app, lambda: found, ANSWER_S):      # the process has started and imported torch
            raise RuntimeError(f"the generation process named no device in {ANSWER_S} s")
        for info in one_model_per_backend(service):
            load_seed(info.family.can(DrumWriter))
            panel.picker.select(info.name)
            try:
                cold_gaps, cold_wall = generate_and_measure(16, 8)
            except Refused as refusal:
                figures.append((f"{info.name} ({info.backend}): no takes ({refusal})"[:120], 0.0, "", None))
                continue
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
                progressed, failed = [], []
                panel.service.progress.connect(lambda job, done, seen=progressed: seen.append(done))
                panel.service.failed.connect(lambda job, message, seen=failed: seen.append(message))
                sent = panel.generate() is not None
                wait(app, lambda p=progressed, f=failed, s=sent: p or f or not s, ANSWER_S)
                panel.service.progress.disconnect()
                panel.service.failed.disconnect()
                if not progressed:      # refused, failed or silent: no cancel to time
                    answered = []
                    why = failed[0] if failed else panel.status.text() or f"no progress in {ANSWER_S} s"
                    figures.append((f"{name}: Cancel not timed, the long request: {why}"[:120], 0.0, "", None))
                    break
                song_before, steps_before = window.document.song, window.document.undo_stack.count()
                t = time.perf_counter()
                panel.cancel_button.click()
                answered.append(time.perf_counter() - t)
                while panel.service.working:
                    app.processEvents()
                    time.sleep(0.0002)
                stopped.append(time.perf_counter() - t)
                assert window.document.song is song_before and window.document.undo_stack.count() == steps_before
            if answered:
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
