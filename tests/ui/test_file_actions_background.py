"""Opening and importing read the file in a worker thread behind a progress dialog that can cancel; an
import's warning that is not a repair stays in sight after "Opened …"."""

import threading
import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QProgressDialog, QPushButton

from musicstudio.io.midi_write import export_midi
from musicstudio.workers.render_worker import running_threads


def one_track_midi(path, body: bytes):
    body += b"\x00\xff\x2f\x00"
    path.write_bytes(b"MThd" + (6).to_bytes(4, "big") + bytes((0, 0, 0, 1, 1, 0xE0))
                     + b"MTrk" + len(body).to_bytes(4, "big") + body)
    return path


def big_midi(folder, notes: int = 300_000):
    """One track of ``notes`` notes (about a second to read here)."""
    body = b"\x00\x90\x3c\x40\x00\x3c\x00" + b"\x00\x3c\x40\x00\x3c\x00" * (notes - 1)
    return one_track_midi(folder / "big.mid", body)


def trigger(window, text: str) -> None:
    """Click a File menu item by its text (the menu's own action, as a mouse click would)."""
    menu = window.menuBar().actions()[0].menu()
    next(a for a in menu.actions() if a.text().replace("&", "").startswith(text)).trigger()


def shown_progress():
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()]
    return found[0] if found else None


def status_texts(window) -> list[str]:
    """Everything the status bar shows: the passing message and every visible label in it."""
    bar = window.statusBar()
    return [bar.currentMessage()] + [label.text() for label in bar.findChildren(QLabel) if label.isVisible()]


def test_opening_shows_progress_keeps_the_window_live_and_cancel_keeps_the_song(main_window, qtbot, tmp_path,
                                                                               four_voice_song, monkeypatch):
    w = main_window
    small = tmp_path / "four.mid"
    export_midi(four_voice_song, small)
    assert w.files.open_file(small)
    before = w.document.song
    path = big_midi(tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    seen, ticks = {}, []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(10)

    def press_cancel():
        dialog = shown_progress()
        if dialog is None:          # not shown yet: look again
            QTimer.singleShot(20, press_cancel)
            return
        seen.update(label=dialog.labelText(), threads=len(running_threads()), pressed=time.perf_counter())
        qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)

    QTimer.singleShot(20, press_cancel)
    trigger(w, "Open…")                          # File ▸ Open… (the file dialog answers big.mid)
    ended = time.perf_counter()
    timer.stop()
    assert seen, "no progress dialog was shown while the file was read"
    assert seen["label"].startswith(("Reading big.mid", "Preparing"))
    assert seen["threads"] == 1                  # the file was read in a worker thread
    assert ended - seen["pressed"] < 0.5         # Cancel ends the wait at once
    assert w.document.song is before             # ... and the song is the one that was open
    assert "cancelled" in w.statusBar().currentMessage()
    assert ticks                                 # the event loop ran while the file was read (how long it
    # stops at most is a figure, not a test: benchmarks/bench_open.py measures it)
    qtbot.waitUntil(lambda: not running_threads(), timeout=2000)       # the reading thread stopped too
    assert shown_progress() is None


def test_opening_and_importing_read_off_the_gui_thread(main_window, tmp_path, four_voice_song, monkeypatch):
    w = main_window
    path = tmp_path / "four.mid"
    export_midi(four_voice_song, path)
    from musicstudio.workers import song_reading

    threads = []
    real = song_reading.import_midi

    def import_midi(p):
        threads.append(threading.current_thread())
        return real(p)

    monkeypatch.setattr(song_reading, "import_midi", import_midi)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    trigger(w, "Open…")
    assert w.document.song.note_count == 256 and w.document.display_name == "four.mid"
    trigger(w, "Import MIDI")                    # the same file's four tracks again, as one undo step
    assert len(w.document.song.tracks) == 8
    w.document.undo_stack.undo()
    assert len(w.document.song.tracks) == 4
    assert len(threads) == 2 and threading.main_thread() not in threads


def test_a_file_that_cannot_open_says_why_and_keeps_the_song(main_window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append((title, text)))
    bad = tmp_path / "bad.mid"
    bad.write_bytes(b"not a MIDI file at all")
    before = main_window.document.song
    assert not main_window.files.open_file(bad)
    assert main_window.document.song is before
    assert shown[0][0] == "Cannot open file" and "bad.mid" in shown[0][1]


def test_an_import_warning_stays_in_sight_after_opened(main_window, qtbot, tmp_path, monkeypatch):
    """1,000 notes without an end: not a repair (no message box), so it goes to the status bar, where
    "Opened unended.mid" used to cover it at once."""
    path = one_track_midi(tmp_path / "unended.mid",
                          b"".join(b"\x00\x90" + bytes((36 + i % 48, 80)) for i in range(1000)))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    trigger(main_window, "Open…")
    assert main_window.document.song.note_count == 1000
    texts = status_texts(main_window)
    assert texts[0] == "Opened unended.mid"
    assert any("1,000 notes had no end" in t for t in texts[1:]), texts
    main_window.statusBar().showMessage("Saved something else", 10)   # later messages come and go
    qtbot.wait(50)
    assert any("1,000 notes had no end" in t for t in status_texts(main_window))
    notice = main_window.files.notice
    assert "1,000 notes had no end" in notice.toolTip()
    qtbot.mouseClick(notice.close_button, Qt.MouseButton.LeftButton)   # × dismisses it
    assert not any("had no end" in t for t in status_texts(main_window))
