"""The screenshot of "Which notes shaped this take?" (docs/saliency.md):

    QT_QPA_PLATFORM=offscreen OMP_NUM_THREADS=1 .venv/bin/python docs/screenshots/make_saliency_screenshot.py

A held-out tune of the clean corpus (O'Neill's, test split: the first 8 bars of a 6/8 jig whose ninth bar
repeats its first) as the seed, one infill take of 2 bars after it (made here with the shipped model and its copy
cache, offered in the Generate panel as the panel offers takes), then the button pressed and the tint (integrated
gradients + copy) waited for; the window is
written to saliency.png next to this script. Settings go to a temporary folder, never the user's.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PIECE = "oneills1850/0732-0758_bs.abc#755"
MODEL = "infill"


def tune():
    """(seed clip, meter) of the piece's first 8 bars."""
    from musicstudio.core.clip import Clip
    from musicstudio.generators.corpus_store import read_cache
    from musicstudio.generators.infill.gaps import PieceNotes

    notes = PieceNotes.of(read_cache("cache/corpus-clean", verify=False).piece(PIECE))
    end = 8 * notes.bar
    seed = tuple(n._replace(duration=min(n.end, end) - n.start) for n in notes.notes if n.start < end)
    return Clip(seed, end), notes.meter


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="musicstudio-shots-"))
    os.environ["MUSICSTUDIO_CONFIG_DIR"] = str(tmp / "config")
    os.environ["MUSICSTUDIO_DATA_DIR"] = str(tmp / "data")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from musicstudio.core import Song, Track
    from musicstudio.core.meter import TimeSignature
    from musicstudio.generators.interface import GenerationRequest
    from musicstudio.generators.registry import ModelRegistry
    from musicstudio.io.settings import Settings
    from musicstudio.ui.main_window import MainWindow
    from musicstudio.workers.generation import GenerationService
    from musicstudio.workers.generation_job import GenerationResult

    app = QApplication(sys.argv)
    seed, meter = tune()
    window = MainWindow(Settings())
    service = GenerationService(None)
    window.attach_generation(service)
    window.resize(1400, 860)
    window.show()
    window.generate_dock.show()
    window.resizeDocks([window.generate_dock], [430], Qt.Orientation.Horizontal)
    window.document.load(Song((Track("Jig", 40, False, seed.notes),), time_signatures=(TimeSignature(0, *meter),)),
                         None)
    panel, roll = window.generate, window.roll
    settle = time.monotonic() + 8            # the model list arrives (and the VAE pages hear of it) first
    while time.monotonic() < settle:
        app.processEvents()
        time.sleep(0.05)
    panel.picker.select(MODEL)               # the panel shows the model the take came from
    panel.set_source("track")
    panel.set_mode("continue")
    plan = panel.current_plan()
    take = ModelRegistry().load(MODEL, "cpu").generate(
        GenerationRequest(seed=plan.seed, bars=2, variations=1, random_seed=7, meter=meter))[0]
    panel.show_takes([take], plan, MODEL, GenerationResult([take], "cpu", 0.0), "One take.")
    roll.geometry.px_per_tick = roll.canvas.width() / (10.4 * seed.length / 8)
    roll.hbar.setValue(0)
    roll.geometry.centre_on_pitch(74, roll.canvas.height())
    roll.vbar.setValue(int(roll.geometry.scroll_y))
    roll.refresh()
    panel.take_box.saliency.button.click()
    deadline = time.monotonic() + 300
    while roll.canvas.saliency_tint is None and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.05)
    if roll.canvas.saliency_tint is None:
        print("no tint came back", file=sys.stderr)
        return 1
    for _ in range(20):
        app.processEvents()
    window.grab().save(str(HERE / "saliency.png"))
    print(f"{HERE / 'saliency.png'}: {roll.canvas.saliency_tint.summary()}")
    window.document.undo_stack.setClean()
    window.close()
    service.shutdown(10_000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
