"""A file written through io.atomic gets 0666 less the umask (0644 under 022), from any thread, and also
where /proc cannot say the umask; a file it replaces keeps its own mode."""

import os
import stat
import threading

import pytest

from musicstudio.io import atomic
from musicstudio.io.atomic import write_atomically

pytestmark = pytest.mark.skipif(not hasattr(os, "fchmod"), reason="file modes are POSIX")


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_file_is_0644_under_umask_022(tmp_path, umask_022):
    write_atomically(tmp_path / "a.mid", b"x")
    assert mode(tmp_path / "a.mid") == 0o644


def test_a_file_written_from_a_worker_thread_too(tmp_path, umask_022):
    thread = threading.Thread(target=write_atomically, args=(tmp_path / "a.wav", b"x"))
    thread.start()
    thread.join()
    assert mode(tmp_path / "a.wav") == 0o644


def test_without_proc_the_umask_is_still_read(tmp_path, monkeypatch):
    real_open = open

    def no_proc(name, *args, **kwargs):
        if str(name).startswith("/proc/"):
            raise FileNotFoundError(name)
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr("builtins.open", no_proc)
    old = os.umask(0o027)
    try:
        assert atomic._umask() == 0o027
        write_atomically(tmp_path / "a.mid", b"x")
        assert os.umask(0o027) == 0o027   # put back as it was
    finally:
        os.umask(old)
    assert mode(tmp_path / "a.mid") == 0o640


def test_a_replaced_file_keeps_its_mode_and_its_backup_too(tmp_path, umask_022):
    path = tmp_path / "song.msproj"
    path.write_bytes(b"one")
    os.chmod(path, 0o600)            # the user made it private
    write_atomically(path, b"two", backup=tmp_path / "song.msproj.bak")
    assert mode(path) == 0o600 and mode(tmp_path / "song.msproj.bak") == 0o600
