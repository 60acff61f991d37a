"""Atomic writes: the backup step, and the per-file lock that makes saves from two processes take turns."""

import errno
import multiprocessing
import os
import stat

import pytest

from musicstudio.core import Note, Song, Track
from musicstudio.io import file_lock as file_lock_module
from musicstudio.io.atomic import write_atomically
from musicstudio.io.errors import ProjectError
from musicstudio.io.file_lock import file_lock
from musicstudio.io.project import Project, backup_path, load_project, save_project


def song(title: str) -> Song:
    return Song(tracks=(Track("Lead", 0, False, (Note(60, 0, 480, 90),)),), title=title)


def names(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_backup_that_already_is_the_project_leaves_no_temporary_link(tmp_path):
    """A save that stopped between its two renames leaves NAME.msproj.bak and NAME.msproj as two names of
    one file. Renaming a new link of that file onto the backup is a no-op that used to leave the link
    behind as .NAME.msproj.bak.XXXX.tmp."""
    path = tmp_path / "song.msproj"
    save_project(Project(song("first")), path)
    os.link(path, backup_path(path))
    assert os.path.samefile(path, backup_path(path))
    save_project(Project(song("second")), path)
    assert names(tmp_path) == ["song.msproj", "song.msproj.bak"]
    assert load_project(path).song.title == "second"
    assert load_project(backup_path(path)).song.title == "first"


def test_without_hard_links_the_backup_is_a_copy(tmp_path, monkeypatch):
    path = tmp_path / "song.msproj"
    save_project(Project(song("first")), path)

    def no_links(src, dst):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr("musicstudio.io.atomic.os.link", no_links)
    save_project(Project(song("second")), path)
    save_project(Project(song("third")), path)
    assert names(tmp_path) == ["song.msproj", "song.msproj.bak"]
    assert load_project(backup_path(path)).song.title == "second"


def test_a_failed_backup_leaves_the_project_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "song.msproj"
    save_project(Project(song("first")), path)
    real_replace = os.replace

    def replace(src, dst):
        if str(dst).endswith(".bak"):
            raise OSError(errno.EIO, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr("musicstudio.io.atomic.os.replace", replace)
    with pytest.raises(ProjectError, match="previous version is unchanged"):
        save_project(Project(song("second")), path)
    assert names(tmp_path) == ["song.msproj"]
    assert load_project(path).song.title == "first"


def test_the_lock_lives_outside_the_folder_and_is_gone_after_the_save(tmp_path):
    path = tmp_path / "song.msproj"
    lock_folder = file_lock_module._lock_folder()
    assert lock_folder is not None and tmp_path not in lock_folder.parents
    with file_lock(path):
        assert names(tmp_path) == []
        held = set(os.listdir(lock_folder))
        assert held
    if os.name == "posix":  # the holder removes the lock file before letting go
        assert not held & set(os.listdir(lock_folder))


def test_the_lock_is_reentrant_within_a_thread(tmp_path):
    path = tmp_path / "song.mid"
    with file_lock(path):
        write_atomically(path, b"data")  # takes the same lock again: must not wait for itself
    assert path.read_bytes() == b"data"


def _hold_lock(path, locked, release) -> None:
    with file_lock(path):
        locked.set()
        release.wait(30)


@pytest.fixture
def lock_held_elsewhere(tmp_path):
    """The lock of tmp_path/song.msproj, held by another process until the test ends."""
    path = tmp_path / "song.msproj"
    ctx = multiprocessing.get_context("spawn")
    locked, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(path), locked, release))
    holder.start()
    try:
        assert locked.wait(30)
        yield path
    finally:
        release.set()
        holder.join(30)


def test_another_process_holding_the_lock_makes_a_save_wait_then_time_out(lock_held_elsewhere, monkeypatch):
    path = lock_held_elsewhere
    with pytest.raises(TimeoutError):
        with file_lock(path, timeout=0.2):
            pass
    monkeypatch.setattr(file_lock_module, "LOCK_TIMEOUT_S", 0.2)
    with pytest.raises(ProjectError, match="could not be saved.*previous version is unchanged"):
        save_project(Project(song("blocked")), path)
    assert names(path.parent) == []


def test_another_file_has_another_lock(lock_held_elsewhere, tmp_path):
    with file_lock(tmp_path / "other.msproj", timeout=0.2):
        pass


@pytest.mark.skipif(not hasattr(os, "fchmod"), reason="file modes are POSIX")
def test_a_new_file_gets_the_usual_mode_and_a_replaced_one_keeps_its_own(tmp_path):
    fresh = tmp_path / "fresh.mid"
    write_atomically(fresh, b"one")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask   # not mkstemp's 0600
    fresh.chmod(0o640)
    write_atomically(fresh, b"two")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o640 and fresh.read_bytes() == b"two"
