"""Saliency ("Which notes shaped this take?") for an 8-bar seed: drawing the tint in the piano roll, and,
apart from it, computing the attribution with each model and method.

The seed is a held-out tune's first 8 bars (clean corpus, test split) and the take its next 2 bars; drawing is
timed as the app draws it (a repaint of the note canvas, 1600 x 900 window, with the tint and its legend over
the seed's notes), against the same repaint without the tint. Computing: each method, and for the infill model
(decoded with a copy cache) each also with the cache's attribution added ("+copy", the app's default). Each
figure is a median; wall and this process's CPU time are both given, since a shared machine's load stretches
the first."""

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_NUM_THREADS", "1")

from benchmarks.timing import median_cpu_seconds, median_seconds, shipped, skipped  # noqa: E402
from musicstudio.core.clip import Clip  # noqa: E402
from musicstudio.generators.interface import bar_ticks  # noqa: E402

SEED_BARS, TAKE_BARS = 8, 2
DRAW_TARGET_MS = 100.0


def seed_and_take():
    """(seed, take, meter): the first test-split tune of 10 bars or more, its first 8 bars and the 2 after."""
    from musicstudio.generators.corpus_store import read_cache
    from musicstudio.generators.infill.gaps import PieceNotes

    corpus = read_cache("cache/corpus-clean", verify=False)
    for info in corpus.select(split="test"):
        notes = PieceNotes.of(corpus.piece(info.id))
        if notes.bars >= SEED_BARS + TAKE_BARS and notes.meter == (4, 4):
            bar, end = notes.bar, SEED_BARS * notes.bar
            seed = tuple(n._replace(duration=min(n.end, end) - n.start) for n in notes.notes if n.start < end)
            take = tuple(n.moved_by(ticks=-end) for n in notes.notes if end <= n.start < end + TAKE_BARS * bar)
            return Clip(seed, end), Clip(take, TAKE_BARS * bar), notes.meter
    raise RuntimeError("no 10-bar 4/4 tune in the test split")


def run():
    seed, take, meter = seed_and_take()
    return _drawing(seed, meter) + _computing(seed, take, meter)


def _drawing(seed, meter):
    import tempfile

    from PySide6.QtWidgets import QApplication

    from musicstudio.core import Song, Track
    from musicstudio.core.meter import TimeSignature
    from musicstudio.io.project import Project, save_project
    from musicstudio.io.settings import Settings
    from musicstudio.ui.main_window import MainWindow
    from musicstudio.ui.piano_roll.saliency_tint import SaliencyTint

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        os.environ["MUSICSTUDIO_CONFIG_DIR"] = os.environ["MUSICSTUDIO_DATA_DIR"] = folder
        path = Path(folder) / "seed.msproj"
        save_project(Project(Song((Track("Tune", 40, False, seed.notes),),
                                  time_signatures=(TimeSignature(0, *meter),))), path)
        window = MainWindow(Settings())
        window.resize(1600, 900)
        window.show()
        window.files.open_file(path)
        canvas = window.roll.canvas
        window.roll.geometry.px_per_tick = canvas.width() / ((SEED_BARS + 1) * bar_ticks(meter))
        window.roll.refresh()
        app.processEvents()
        strengths = tuple(i / max(1, len(seed.notes) - 1) for i in range(len(seed.notes)))
        tint = SaliencyTint(seed.notes, strengths, strengths, "infill", "integrated gradients + copy")
        plain = median_seconds(canvas.repaint, 20)
        canvas.saliency_tint = tint
        tinted, tinted_cpu = median_seconds(canvas.repaint, 20), median_cpu_seconds(canvas.repaint, 20)
        canvas.saliency_tint = None
        window.document.undo_stack.setClean()
        window.close()
    return [(f"draw: repaint with the tint, {len(seed.notes)} seed notes (wall)", tinted * 1000, "ms",
             lambda v: v <= DRAW_TARGET_MS),
            ("draw: the same repaint, CPU", tinted_cpu * 1000, "ms", lambda v: v <= DRAW_TARGET_MS),
            ("draw: the same repaint without the tint (wall)", plain * 1000, "ms", None)]


def _computing(seed, take, meter):
    from musicstudio.generators.saliency.pointer import copy_cache
    from musicstudio.generators.saliency.saliency import attribute

    rows = []
    for name, generator in shipped(("lstm", "infill", "vae")):
        if generator is None:
            rows.append(skipped(name))
            continue
        copies = ("gradxinput+copy", "ig+copy") if copy_cache(generator) is not None else ()
        for method in ("gradxinput", "ig", *copies):     # "+copy": what the copy cache adds (the app's default)
            attribute(generator, seed, take, meter, method)        # warm
            wall = median_seconds(lambda g=generator, m=method: attribute(g, seed, take, meter, m), 3)
            rows.append((f"compute: {name}, {method} (wall)", wall, "s", None))
    return rows
