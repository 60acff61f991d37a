"""Autosave on its timer compares, serialises and writes in a worker thread: the window goes on while a
big song is written, and a discard (a save, a clean close) never lets a late write bring the file back."""

import threading
import time

from PySide6.QtCore import QTimer

from musicstudio.io.project import Project, load_project
from musicstudio.ui import autosave as autosave_module
from musicstudio.ui.autosave import ABOUT_NAME, AUTOSAVE_NAME, Autosaver, find_recovery


class Session:
    def __init__(self, song):
        self.project = Project(song, [])

    def snapshot(self) -> Project:
        return self.project


def slow_save(monkeypatch, seconds: float, threads: list):
    """save_project as it is, after ``seconds`` of work in small steps, as serialising a big song would."""
    real = autosave_module.save_project

    def save(project, path):
        threads.append(threading.current_thread())
        until = time.perf_counter() + seconds
        while time.perf_counter() < until:
            sum(range(2000))
        real(project, path)

    monkeypatch.setattr(autosave_module, "save_project", save)


def test_the_timer_writes_in_a_worker_thread_and_the_gui_goes_on(qtbot, four_voice_song, tmp_path, monkeypatch):
    threads = []
    slow_save(monkeypatch, 0.5, threads)
    session = Session(four_voice_song)
    saver = Autosaver(session.snapshot, lambda: True, tmp_path, interval_ms=20)
    saver.describe = lambda: ("tune.mid", tmp_path / "tune.mid")
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(10)
    with qtbot.waitSignal(saver.saved, timeout=3000):
        pass
    saver.stop()
    timer.stop()
    assert threads and threading.main_thread() not in threads
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    assert max(gaps) < 0.2, f"the event loop stalled for {max(gaps) * 1000:.0f} ms"
    found = find_recovery(tmp_path)
    assert found.project == session.project and found.name == "tune.mid"
    assert found.source == tmp_path / "tune.mid" and abs(found.saved_at - time.time()) < 60


def test_an_unchanged_song_starts_no_write(qtbot, four_voice_song, tmp_path, monkeypatch):
    threads = []
    slow_save(monkeypatch, 0.0, threads)
    saver = Autosaver(Session(four_voice_song).snapshot, lambda: True, tmp_path, interval_ms=20)
    with qtbot.waitSignal(saver.saved, timeout=3000):
        pass
    with qtbot.assertNotEmitted(saver.saved, wait=200):
        pass
    saver.stop()
    assert len(threads) == 1


def test_a_discard_during_a_write_leaves_no_autosave(qtbot, four_voice_song, tmp_path, monkeypatch):
    threads = []
    slow_save(monkeypatch, 1.0, threads)
    saver = Autosaver(Session(four_voice_song).snapshot, lambda: True, tmp_path, interval_ms=0)
    assert saver.save_in_background() and saver.writing
    qtbot.waitUntil(lambda: bool(threads), timeout=2000)
    started = time.perf_counter()
    saver.discard()                       # a real save, or a clean close, while the write runs
    assert time.perf_counter() - started < 0.5     # stopped, not waited for to the end
    qtbot.wait(100)                       # the job's last signals arrive
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    assert find_recovery(tmp_path) is None and not saver.writing


def test_the_crash_hook_still_writes_at_once(qtbot, four_voice_song, tmp_path):
    saver = Autosaver(Session(four_voice_song).snapshot, lambda: True, tmp_path, interval_ms=0)
    assert saver.save_now()               # on this thread: a crashing app has no time to wait for signals
    assert load_project(tmp_path / AUTOSAVE_NAME).song == four_voice_song
    assert (tmp_path / ABOUT_NAME).is_file()
