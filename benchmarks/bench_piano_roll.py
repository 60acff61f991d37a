"""Piano roll repaint, open time and memory with 50,000 notes; a transpose across its 4 tracks; a
controller lane over 200,000 events.

The controller lane part paints a pitch-bend lane of 199,000 events (and a sustain lane) while scrolling
and zooming; frames are timed by the wall clock and by this process's CPU time, since a shared machine's
load stretches the first."""

import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchmarks.timing import peak_rss_mb  # noqa: E402
from musicstudio.core.examples import dense_song  # noqa: E402
from musicstudio.io.midi_write import export_midi  # noqa: E402
from musicstudio.ui.piano_roll.geometry import Geometry  # noqa: E402

NOTES = 50_000
CONTROLLERS = 200_000


def run():
    return _notes() + _controller_lane()


def _notes():
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
        t_across = _transpose_across(roll)
        roll.geometry.px_per_tick = Geometry().px_per_tick     # the song opened zoomed to fit: back to 60 px a beat
        roll.refresh()

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
        (f"transpose all {NOTES:,} notes of 4 tracks as one step, then undo", t_across * 1000, "ms", None),
    ]


def _transpose_across(roll) -> float:
    """Seconds to transpose a selection of every note of every track (one undo step) and undo it."""
    tracks = roll.document.song.tracks
    roll.set_selected({i: list(t.notes) for i, t in enumerate(tracks)})
    t = time.perf_counter()
    roll.transpose_selection(1)
    roll.document.undo_stack.undo()
    return time.perf_counter() - t


def _lane_song():
    """One track: 2,000 notes over 250 bars, a bend every 3 ticks under them and the sustain pedal every
    half bar: 200,000 controller events in all, most of them in the pitch-bend lane."""
    from musicstudio.core.controls import SUSTAIN, controller, pitch_bend
    from musicstudio.core.note import Note
    from musicstudio.core.song import Song
    from musicstudio.core.track import Track

    pedals = [controller(t * 960 + (0 if k else 900), SUSTAIN, 127 if k else 0) for t in range(500) for k in (1, 0)]
    bends = [pitch_bend(t * 3, (t * 37) % 16384 - 8192) for t in range(CONTROLLERS - len(pedals))]
    notes = [Note(48 + i % 24, i * 240, 220) for i in range(2000)]
    return Song(tracks=(Track("Lead", 0, False, tuple(notes), controls=tuple(pedals + bends)),))


def _drawn_stroke(lane) -> float:
    """Seconds from the release of a stroke drawn across the lane to its edit being made."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    y, none = lane.height() // 2, Qt.KeyboardModifier.NoModifier
    QTest.mousePress(lane, Qt.MouseButton.LeftButton, none, QPoint(10, y))
    QTest.mouseMove(lane, QPoint(200, y - 20))
    t = time.perf_counter()
    QTest.mouseRelease(lane, Qt.MouseButton.LeftButton, none, QPoint(200, y - 20))
    return time.perf_counter() - t


def _controller_lane():
    from PySide6.QtWidgets import QApplication

    from musicstudio.io.settings import Settings
    from musicstudio.ui.main_window import MainWindow
    from musicstudio.ui.piano_roll.lanes import BEND_LANE, SUSTAIN_LANE

    app = QApplication.instance() or QApplication([])
    song = _lane_song()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["MUSICSTUDIO_CONFIG_DIR"] = os.environ["MUSICSTUDIO_DATA_DIR"] = folder
        window = MainWindow(Settings())
        window.resize(1600, 900)
        window.show()
        app.processEvents()
        roll, lane = window.roll, window.roll.controller_lane
        window.document.load(song, None)
        roll.lane_header.show_lane(BEND_LANE)
        t = time.perf_counter()
        lane.repaint()           # builds the lane's index
        t_first = time.perf_counter() - t
        lane_ms, frame_ms, cpu_ms = [], [], []

        def frame(action) -> float:
            """One frame: the action marks what it changed, Qt paints it all at once; then the lane alone."""
            action()
            lane.update()
            t, cpu = time.perf_counter(), time.process_time()
            app.processEvents()
            frame_ms.append((time.perf_counter() - t) * 1000)
            cpu_ms.append((time.process_time() - cpu) * 1000)
            t = time.perf_counter()
            lane.repaint()
            lane_ms.append((time.perf_counter() - t) * 1000)
            return frame_ms[-1]

        for _ in range(80):
            frame(lambda: roll.scroll_by(dx=150))
        for _ in range(30):      # out until the whole song shows, and back in
            frame(lambda: roll.zoom(0.8))
        for _ in range(30):
            frame(lambda: roll.zoom(1.25))
        roll.lane_header.show_lane(SUSTAIN_LANE)
        t = time.perf_counter()
        lane.repaint()           # another lane: its index is built
        t_switch = time.perf_counter() - t
        for _ in range(20):
            frame(lambda: roll.scroll_by(dx=150))
        roll.lane_header.show_lane(BEND_LANE)
        roll.zoom(0.001)
        whole = [frame(lambda: roll.scroll_by(dx=1)) for _ in range(10)]
        roll.zoom(1000)
        t_edit = _drawn_stroke(lane)
        after_edit = frame(lambda: None)
        window.document.undo_stack.setClean()
        window.close()
    return [
        (f"lane over {CONTROLLERS:,} controller events: first paint", t_first * 1000, "ms", None),
        ("switching to the sustain lane: first paint", t_switch * 1000, "ms", None),
        ("lane alone while scrolling/zooming: median", statistics.median(lane_ms), "ms", lambda v: v <= 16),
        ("lane alone while scrolling/zooming: worst", max(lane_ms), "ms", lambda v: v <= 16),
        ("lane + roll frame while scrolling/zooming: median", statistics.median(frame_ms), "ms", lambda v: v <= 16),
        ("lane + roll frame while scrolling/zooming: worst", max(frame_ms), "ms", lambda v: v <= 16),
        ("the same frames in CPU time: median", statistics.median(cpu_ms), "ms", lambda v: v <= 16),
        ("the same frames in CPU time: worst", max(cpu_ms), "ms", lambda v: v <= 16),
        ("lane + roll frame, whole song on screen: worst", max(whole), "ms", lambda v: v <= 16),
        ("a drawn stroke's edit on mouse release", t_edit * 1000, "ms", None),
        ("lane + roll frame after that edit", after_edit, "ms", lambda v: v <= 16),
        ("load average of the machine (1 minute)", os.getloadavg()[0], "", None),
    ]
