"""Autosave: writes on time only when modified, survives a restart, discards, and fails politely."""

import errno
import sys

import pytest

from musicstudio.core import Note, Song, Track
from musicstudio.io.project import Project, load_project
from musicstudio.ui.autosave import AUTOSAVE_NAME, Autosaver, install_crash_hook, pending_recovery


class Session:
    """Stands in for the main window: a current project and a modified flag."""

    def __init__(self, song: Song, dirty: bool = True):
        self.project = Project(song, [{"generator": "lstm", "seed": 7}])
        self.dirty = dirty
        self.snapshots = 0

    def snapshot(self) -> Project:
        self.snapshots += 1
        return self.project

    def is_dirty(self) -> bool:
        return self.dirty


@pytest.fixture
def session(four_voice_song):
    return Session(four_voice_song)


@pytest.fixture
def make_autosaver():
    """Autosavers on a 50 ms timer, stopped at the end of the test."""
    made = []

    def make(session, folder, ms=50):
        made.append(Autosaver(session.snapshot, session.is_dirty, folder, interval_ms=ms))
        return made[-1]

    yield make
    for saver in made:
        saver.stop()


def test_a_modified_song_is_written_within_the_interval(qtbot, make_autosaver, session, tmp_path):
    saver = make_autosaver(session, tmp_path)
    with qtbot.waitSignal(saver.saved, timeout=2000) as blocker:
        pass
    assert blocker.args == [str(tmp_path / AUTOSAVE_NAME)]
    assert load_project(tmp_path / AUTOSAVE_NAME) == session.project


def test_the_interval_comes_from_seconds_by_default(qtbot, session, tmp_path):
    saver = Autosaver(session.snapshot, session.is_dirty, tmp_path)
    assert saver.interval_ms == 60_000
    saver.set_interval_s(0)
    assert saver.interval_ms == 0


def test_nothing_is_written_when_not_modified(qtbot, make_autosaver, session, tmp_path):
    session.dirty = False
    saver = make_autosaver(session, tmp_path)
    with qtbot.assertNotEmitted(saver.saved, wait=300):
        pass
    assert not (tmp_path / AUTOSAVE_NAME).exists()
    assert session.snapshots == 0  # no snapshot is even taken


def test_an_unchanged_song_is_not_written_again(qtbot, make_autosaver, session, tmp_path):
    saver = make_autosaver(session, tmp_path)
    with qtbot.waitSignal(saver.saved, timeout=2000):
        pass
    mtime = (tmp_path / AUTOSAVE_NAME).stat().st_mtime_ns
    with qtbot.assertNotEmitted(saver.saved, wait=300):
        pass
    assert (tmp_path / AUTOSAVE_NAME).stat().st_mtime_ns == mtime
    # An edit is written at the next tick.
    song = session.project.song
    session.project = Project(song.with_track(0, song.tracks[0].with_name("Flute")), session.project.history)
    with qtbot.waitSignal(saver.saved, timeout=2000):
        pass
    assert load_project(tmp_path / AUTOSAVE_NAME).song.tracks[0].name == "Flute"


def test_a_change_to_the_history_alone_is_written(qtbot, session, tmp_path):
    saver = Autosaver(session.snapshot, session.is_dirty, tmp_path, interval_s=0)
    assert saver.save_now()
    session.project.history.append({"generator": "vae"})  # the caller mutates its own list
    with qtbot.waitSignal(saver.saved, timeout=1000):
        saver.save_now()
    assert load_project(tmp_path / AUTOSAVE_NAME).history[-1] == {"generator": "vae"}


def test_a_restart_recovers_the_exact_song(qtbot, tmp_path):
    song = Song((Track("Lead", 81, False, (Note(60, 0, 480, 90), Note(64, 480, 240, 100))),
                 Track("Kit", 0, True, (Note(36, 0, 10, 127),))), title="Crash test")
    first = Session(song)
    saver = Autosaver(first.snapshot, first.is_dirty, tmp_path, interval_s=0)
    assert saver.save_now()
    del saver  # the app dies without a clean close

    assert pending_recovery(tmp_path) == tmp_path / AUTOSAVE_NAME
    restored = load_project(pending_recovery(tmp_path))
    assert restored.song == song and restored.song.title == "Crash test"
    assert restored.history == first.project.history

    # The new session starts from the recovered song, saves for real, and discards the autosave.
    second = Session(restored.song, dirty=False)
    again = Autosaver(second.snapshot, second.is_dirty, tmp_path, interval_s=0)
    again.discard()
    assert pending_recovery(tmp_path) is None


def test_discard_removes_the_file_and_its_backup(qtbot, session, tmp_path):
    saver = Autosaver(session.snapshot, session.is_dirty, tmp_path, interval_s=0)
    saver.save_now()
    session.project = Project(Song(), [])
    saver.save_now()  # the second save keeps the first as autosave.msproj.bak
    assert (tmp_path / (AUTOSAVE_NAME + ".bak")).exists()
    saver.discard()
    assert list(tmp_path.iterdir()) == []
    saver.discard()  # twice is fine
    # After a discard the same song is written again when it is modified again.
    assert saver.save_now() and (tmp_path / AUTOSAVE_NAME).exists()


def test_no_recovery_without_a_file_or_with_a_damaged_one(tmp_path):
    assert pending_recovery(tmp_path) is None
    assert pending_recovery(tmp_path / "missing") is None
    (tmp_path / AUTOSAVE_NAME).write_text("{broken", "utf-8")
    assert pending_recovery(tmp_path) is None


def test_recovery_falls_back_to_the_previous_autosave(qtbot, session, tmp_path):
    saver = Autosaver(session.snapshot, session.is_dirty, tmp_path, interval_s=0)
    saver.save_now()
    session.project = Project(Song(), [])
    saver.save_now()
    (tmp_path / AUTOSAVE_NAME).write_bytes(b"\x00garbage")
    found = pending_recovery(tmp_path)
    assert found == tmp_path / (AUTOSAVE_NAME + ".bak")
    assert load_project(found).song.note_count == 256


def test_a_full_disk_emits_failed_and_leaves_no_temporary_file(qtbot, make_autosaver, session, tmp_path, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("musicstudio.io.atomic.os.fsync", full)
    saver = make_autosaver(session, tmp_path)
    with qtbot.waitSignal(saver.failed, timeout=2000) as blocker:
        pass
    assert "the disk is full" in blocker.args[0]
    saver.stop()
    assert list(tmp_path.iterdir()) == []
    # Once there is room again the next tick succeeds.
    monkeypatch.undo()
    with qtbot.waitSignal(saver.saved, timeout=1000):
        saver.save_now()


def test_a_folder_that_cannot_be_created_emits_failed(qtbot, session, tmp_path):
    blocker_file = tmp_path / "not-a-folder"
    blocker_file.write_text("x", "utf-8")
    saver = Autosaver(session.snapshot, session.is_dirty, blocker_file / "autosave", interval_s=0)
    with qtbot.waitSignal(saver.failed, timeout=1000) as blocker:
        assert not saver.save_now()
    assert blocker.args[0].startswith("the autosave folder ") and "cannot be created" in blocker.args[0]


def test_a_broken_snapshot_emits_failed_instead_of_raising(qtbot, tmp_path, caplog):
    def snapshot():
        raise RuntimeError("the model is gone")

    saver = Autosaver(snapshot, lambda: True, tmp_path, interval_s=0)
    with qtbot.waitSignal(saver.failed, timeout=1000) as blocker:
        assert not saver.save_now()
    assert blocker.args[0] == "internal error: RuntimeError: the model is gone"
    assert "autosave failed" in caplog.text


def test_the_crash_hook_autosaves_then_calls_the_previous_hook(qtbot, session, tmp_path, monkeypatch):
    seen = []

    def previous(*args):
        seen.append((args[0], (tmp_path / AUTOSAVE_NAME).exists()))

    monkeypatch.setattr(sys, "excepthook", previous)
    saver = Autosaver(session.snapshot, session.is_dirty, tmp_path, interval_s=0)
    uninstall = install_crash_hook(saver)
    try:
        error = ValueError("boom")
        sys.excepthook(ValueError, error, None)
    finally:
        uninstall()
    assert seen == [(ValueError, True)]  # written before the previous hook ran
    assert load_project(tmp_path / AUTOSAVE_NAME) == session.project
    assert sys.excepthook is previous  # uninstalled


def test_the_crash_hook_still_reports_the_crash_when_the_autosave_fails(qtbot, tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(sys, "excepthook", lambda *args: seen.append(args[0]))

    class Gone:
        def save_now(self):
            raise RuntimeError("Internal C++ object already deleted.")

    uninstall = install_crash_hook(Gone())
    try:
        sys.excepthook(KeyError, KeyError("x"), None)
    finally:
        uninstall()
    assert seen == [KeyError]
