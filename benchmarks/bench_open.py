"""Opening 1,000,000-note MIDI files in the window: the longest stall of the event loop while the file is read.

A 10 ms QTimer ticks on the GUI thread while File ▸ Open reads the file in its worker thread; the longest
gap between ticks is how long the window stopped answering. Three files: the malformed-file corpus's
``too_many_notes`` (1,000,001 notes, refused once read), the same bytes one note shorter (exactly the
limit, so it loads; every note the same, at tick 0), and a song as big ones are made: 1,000,000 notes in
8 tracks over about 1,000 bars, in pairs whose later note ends first (so the reader meets them out of
order and sorts them). For those that load, the stall while the song lands in the window (the song
replaced, the roll repainted: GUI work, after the read) and in the second after it (when the song before
is let go of, and the cycle collector is back) is reported on its own line, against the same target.
Cancel is pressed half a second into another read: the time until the wait ends and until the reading
thread has stopped, and whether the song stayed as it was.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

STALL_MS = 50


def run():
    from PySide6.QtWidgets import QApplication, QMessageBox

    from musicstudio.io.settings import Settings
    from musicstudio.ui.main_window import MainWindow

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "io"))
    from malformed_midi import corpus  # the malformed-file corpus of the MIDI tests

    app = QApplication.instance() or QApplication([])
    results = []
    with tempfile.TemporaryDirectory() as folder:
        os.environ["MUSICSTUDIO_CONFIG_DIR"] = os.environ["MUSICSTUDIO_DATA_DIR"] = folder
        refused = Path(folder) / "too_many_notes.mid"
        refused.write_bytes(corpus()["too_many_notes"])
        at_limit = Path(folder) / "million.mid"
        at_limit.write_bytes(_one_note_fewer(refused.read_bytes()))
        song = Path(folder) / "eight_tracks.mid"
        song.write_bytes(_eight_tracks())
        QMessageBox.warning = staticmethod(lambda *a, **k: QMessageBox.StandardButton.Ok)  # "Cannot open file"
        window = MainWindow(Settings())
        window.show()
        app.processEvents()
        for label, path in (("corpus file (1,000,001 notes, refused)", refused),
                            ("1,000,000 notes (loads)", at_limit),
                            ("1,000,000 notes in 8 tracks, out of order (loads)", song)):
            results += _open(app, window, label, path)
        results += _cancel(app, window, at_limit)
        window.document.undo_stack.setClean()
        window.close()
    return results


def _one_note_fewer(data: bytes) -> bytes:
    """The corpus file (header, one track of 6-byte notes and an end-of-track) without its last note."""
    size = int.from_bytes(data[18:22], "big") - 6
    return data[:18] + size.to_bytes(4, "big") + data[22:-10] + data[-4:]


def _eight_tracks(tracks: int = 8, notes: int = 1_000_000) -> bytes:
    """A type 1 file of ``tracks`` tracks, ``notes`` notes in all: in each track, pairs of notes 30 ticks
    apart at 480 ticks a beat, the second starting 10 ticks after the first and ending 20 ticks before it;
    pitches and velocities vary from pair to pair."""
    def one(t: int) -> bytes:
        events = []
        for i in range(notes // tracks // 2):
            a, b = 28 + (i * 7 + t * 5) % 36, 64 + (i * 5 + t * 3) % 36
            events.append(bytes((0, 0x90, a, 30 + (i + t) % 90, 10, 0x90, b, 40 + i % 80,
                                 10, 0x80, b, 0, 10, 0x80, a, 0)))
        body = b"".join(events) + b"\x00\xff\x2f\x00"
        return b"MTrk" + len(body).to_bytes(4, "big") + body
    head = b"MThd" + (6).to_bytes(4, "big") + bytes((0, 1, 0, tracks)) + (480).to_bytes(2, "big")
    return head + b"".join(one(t) for t in range(tracks))


class Ticks:
    """A 10 ms timer on the GUI thread, keeping when it fired."""

    def __init__(self):
        from PySide6.QtCore import QTimer

        self.times = [time.perf_counter()]
        self.timer = QTimer()
        self.timer.timeout.connect(lambda: self.times.append(time.perf_counter()))
        self.timer.start(10)

    def longest_gap_ms(self, start: float, end: float) -> float:
        """The longest gap between ticks that ends in (start, end]."""
        gaps = [b - a for a, b in zip(self.times, self.times[1:]) if start < b <= end]
        return 1000 * max(gaps, default=0.0)

    def settle(self, app, ms: int = 50) -> None:
        """Let the timer tick for ``ms`` more, so that a stall that ended is closed by a tick."""
        until = time.perf_counter() + ms / 1000
        while time.perf_counter() < until:
            app.processEvents()
            time.sleep(0.001)


def _open(app, window, label, path):
    import musicstudio.ui.file_actions as file_actions

    real_wait = file_actions.wait_for
    marks = {}

    def wait_for(*args, **kwargs):   # notes when the read ended, before the song lands
        outcome = real_wait(*args, **kwargs)
        marks["read"] = time.perf_counter()
        return outcome

    file_actions.wait_for = wait_for
    ticks = Ticks()
    shown = []
    from PySide6.QtCore import QTimer
    QTimer.singleShot(600, lambda: shown.append(_progress_visible(app)))
    started = time.perf_counter()
    opened = window.files.open_file(path)
    window.roll.canvas.repaint()
    app.processEvents()
    ended = time.perf_counter()
    ticks.settle(app, 1000 if opened else 50)
    ticks.timer.stop()
    file_actions.wait_for = real_wait
    out = [(f"{label}: read", marks["read"] - started, "s", None),
           (f"{label}: longest stall while read", ticks.longest_gap_ms(started, marks["read"]), "ms",
            lambda ms: ms <= STALL_MS),
           (f"{label}: progress dialog shown (1 yes)", float(bool(shown and shown[0])), "", lambda v: v == 1)]
    if opened:
        out.append((f"{label}: stall while the song lands, and 1 s after",
                    ticks.longest_gap_ms(marks["read"], ended + 2), "ms", lambda ms: ms <= STALL_MS))
    return out


def _progress_visible(app) -> bool:
    from PySide6.QtWidgets import QProgressDialog

    return any(isinstance(w, QProgressDialog) and w.isVisible() for w in app.topLevelWidgets())


def _cancel(app, window, path):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QProgressDialog, QPushButton

    from musicstudio.workers.render_worker import running_threads

    window.files.new_song()
    before = window.document.song
    marks = {}

    def press():
        dialog = next(w for w in app.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible())
        marks["pressed"] = time.perf_counter()
        dialog.findChild(QPushButton).click()

    QTimer.singleShot(500, press)
    window.files.open_file(path)
    waited = time.perf_counter() - marks["pressed"]
    while running_threads():
        app.processEvents()
        time.sleep(0.001)
    stopped = time.perf_counter() - marks["pressed"]
    return [("Cancel: the wait ends after", 1000 * waited, "ms", lambda ms: ms <= 100),
            ("Cancel: the reading thread has stopped after", 1000 * stopped, "ms", lambda ms: ms <= 500),
            ("Cancel: the song is as it was (1 yes)", float(window.document.song is before), "", lambda v: v == 1)]
