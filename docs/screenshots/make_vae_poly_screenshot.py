"""A screenshot of the VAE studio with the polyphonic VAE (``vae-poly``), with the shipped models:

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_vae_poly_screenshot.py

A piano part (the chords of Pachelbel's Canon under its tune, public domain, 4 bars) is opened; bars 1-2 are
encoded with vae-poly and its polyphony and note-density sliders moved: the moved phrase shows as ghost
notes over the chords. Writes vae-poly.png next to this script. Settings go to a temporary folder.
``MUSICSTUDIO_SCREENSHOT_MODEL`` picks another model (default vae-poly).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODEL = os.environ.get("MUSICSTUDIO_SCREENSHOT_MODEL", "vae-poly")
Q = 480
# Pachelbel's Canon in D: a chord every half bar under a crotchet tune (pitch, start in crotchets, crotchets)
_CHORDS = [(50, 54, 57), (45, 49, 52), (47, 50, 54), (42, 45, 49), (43, 47, 50), (38, 42, 45), (43, 47, 50),
           (45, 49, 52)]
_TUNE = [78, 76, 74, 73, 71, 69, 71, 73, 74, 73, 71, 69, 67, 66, 67, 64]


def piano_part():
    from musicstudio.core import Note

    chords = [Note(p, k * 2 * Q, 2 * Q, 78) for k, chord in enumerate(_CHORDS) for p in chord]
    tune = [Note(p, k * Q, Q, 90) for k, p in enumerate(_TUNE)]
    return tuple(sorted(chords + tune))


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="musicstudio-shots-"))
    os.environ["MUSICSTUDIO_CONFIG_DIR"] = str(tmp / "config")
    os.environ["MUSICSTUDIO_DATA_DIR"] = str(tmp / "data")
    from PySide6.QtCore import QEventLoop, Qt
    from PySide6.QtWidgets import QApplication

    from musicstudio.core import Song, Track
    from musicstudio.generators.interface import BAR
    from musicstudio.io.settings import Settings
    from musicstudio.ui.main_window import MainWindow
    from musicstudio.workers.generation import GenerationService

    app = QApplication(sys.argv)
    window = MainWindow(Settings())
    service = GenerationService(None)
    window.attach_generation(service)
    window.resize(1400, 900)
    window.show()
    window.generate_dock.show()
    window.resizeDocks([window.generate_dock], [540], Qt.Orientation.Horizontal)
    window.document.load(Song((Track("Piano", 0, False, piano_part()),)), None)
    panel, roll = window.generate, window.roll
    roll.zoom(0.5, 0)
    roll.geometry.centre_on_pitch(60, roll.canvas.height())
    roll.refresh()

    def settle(seconds: float) -> None:
        end = time.time() + seconds
        while time.time() < end:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            time.sleep(0.01)

    def wait_for(condition, what: str, timeout: float = 180) -> None:
        end = time.time() + timeout
        while not condition():
            if time.time() > end:
                raise SystemExit(f"timed out waiting for {what}; status: {panel.status.text()}")
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            time.sleep(0.01)

    settle(1.0)
    if not panel.picker.select(MODEL):
        raise SystemExit(f"no model {MODEL!r} installed: {[i.name for i in panel.picker.infos]}")
    studio = panel.studio
    page = studio.sliders_page
    roll.set_selection([n for n in window.document.song.tracks[0].notes if n.start < 2 * BAR])
    studio.encode_selection()
    wait_for(lambda: studio.job is None and page.phrase is not None, "the encoding")
    for name, delta in (("polyphony", 1.0), ("note_density", 0.7)):
        page.sliders.set_value(name, page.sliders.sliders[name].home + delta)
        wait_for(lambda: studio.job is None and page.wanted is None, f"the {name} move")
    roll.set_selection([])
    page.sliders.sliders["polyphony"].setFocus()
    settle(0.5)
    path = HERE / "vae-poly.png"
    window.grab().save(str(path))
    print("wrote", path)
    window.document.undo_stack.setClean()
    window.close()
    service.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
