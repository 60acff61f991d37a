"""Piano roll with a 50,000-note song: open time, repaint time while scrolling and zooming, memory."""

import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchmarks.timing import peak_rss_mb  # noqa: E402
from musicstudio.core.examples import dense_song  # noqa: E402
from musicstudio.io.midi_write import export_midi  # noqa: E402

NOTES = 50_000


def run():
    from PySide6.QtWidgets import QApplication

    from musicstudio.io.settings import Settings
    from musicstudio.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        os.environ["MUSICSTUDIO_CONFIG_DIR"] = os.environ["MUSICSTUDIO_DATA_DIR"] = folder
        path = Path(folder) / "dense.mid"
        export_midi(dense_song(NOTES, tracks=4), path)
        window = MainWindow(Settings())
        window.resize(1600, 900)
        window.show()
        app.processEvents()
        rss_before = peak_rss_mb()
        t = time.perf_counter()
        window.files.open_file(path)
        window.roll.canvas.repaint()
        app.processEvents()
        t_open = time.perf_counter() - t
        roll = window.roll
        canvas = roll.canvas

        def frame(action) -> float:
            action()
            t = time.perf_counter()
            canvas.repaint()
            roll.ruler.repaint()
            roll.velocity_lane.repaint()
            roll.keyboard.repaint()
            return time.perf_counter() - t

        frames = []
        for _ in range(120):      # scroll right through the song at the default zoom
            frames.append(frame(lambda: roll.scroll_by(dx=120)))
        for _ in range(30):       # zoom out step by step until the whole song is on screen, and back in
            frames.append(frame(lambda: roll.zoom(0.8)))
        for _ in range(30):
            frames.append(frame(lambda: roll.zoom(1.25)))
        for _ in range(60):
            frames.append(frame(lambda: roll.scroll_by(dy=20)))
        roll.zoom(0.01)          # everything at once
        whole = [frame(lambda: roll.scroll_by(dx=1)) for _ in range(10)]
        window.document.undo_stack.setClean()
        window.close()
    ms = [f * 1000 for f in frames]
    return [
        (f"open a {NOTES:,}-note MIDI file (read, load, first paint)", t_open, "s", lambda v: v < 2.0),
        ("repaint while scrolling/zooming: median", statistics.median(ms), "ms", lambda v: v <= 16),
        ("repaint while scrolling/zooming: worst", max(ms), "ms", lambda v: v <= 16),
        ("repaint with the whole song on screen: worst", max(whole) * 1000, "ms", lambda v: v <= 16),
        ("memory added by opening the song (peak RSS)", peak_rss_mb() - rss_before, "MB", None),
    ]
