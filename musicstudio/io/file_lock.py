"""A lock per file, so that two Music Studio processes never switch the versions of one file at once.

Saving keeps the old version as a backup and then renames the new one into place: two steps, which two
processes saving the same project must not interleave (issue 26). The lock is an OS lock (``flock``, or
``msvcrt.locking`` on Windows) on a small file in a per-user folder under the temporary folder, named
after the locked file's resolved path: never in the project's own folder, so a save leaves nothing
there. The OS drops the lock when a process dies, so there are no stale locks to clean up, and on POSIX
the lock file itself is removed by whoever releases it (see :func:`_acquire` for why that is safe).

It only coordinates Music Studio processes of one user on one machine that see the same temporary
folder; other programs do not take it. The lock is re-entrant within a thread, so a command can hold it
around a check and a save that takes it again.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt

LOCK_TIMEOUT_S = 30.0
_POLL_S = (0.001, 0.05)  # the first and the longest wait between tries
_held = threading.local()  # .depth: lock key -> how many blocks of this thread hold it


def lock_key(path: str | Path) -> str:
    """The name of a file as the lock sees it: absolute, symbolic links resolved, case folded where the
    file system ignores case."""
    return os.path.normcase(os.path.realpath(os.path.abspath(path)))


@contextmanager
def file_lock(path: str | Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the lock of ``path`` (which need not exist) for the block.

    Raises :class:`TimeoutError` when another process holds it for longer than ``timeout`` seconds
    (default :data:`LOCK_TIMEOUT_S`). Where no lock folder can be made (a read-only temporary folder),
    the block runs unlocked.
    """
    key = lock_key(path)
    if not hasattr(_held, "depth"):
        _held.depth = {}
    depth = _held.depth
    if key in depth:
        depth[key] += 1
        try:
            yield
        finally:
            depth[key] -= 1
        return
    folder = _lock_folder()
    lock_path = None if folder is None else folder / (hashlib.sha256(os.fsencode(key)).hexdigest()[:32] + ".lock")
    fd = None if lock_path is None else _acquire(lock_path, LOCK_TIMEOUT_S if timeout is None else timeout)
    depth[key] = 1
    try:
        yield
    finally:
        del depth[key]
        if fd is not None:
            _release(fd, lock_path)


def _lock_folder() -> Path | None:
    uid = os.getuid() if hasattr(os, "getuid") else None
    folder = Path(tempfile.gettempdir()) / ("musicstudio-locks" + ("" if uid is None else f"-{uid}"))
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or (uid is not None and info.st_uid != uid):
        return None  # someone else's folder (or a link) under a shared /tmp: not ours to trust
    return folder


def _acquire(lock_path: Path, timeout: float) -> int:
    """An open descriptor of ``lock_path``, locked.

    The holder removes the lock file before it lets go, so a process that opened the file while it was
    held may lock a file that no longer has the name: it checks that the name still leads to the file it
    locked, and starts again if not. Two holders at once would need two files under one name.
    """
    deadline = time.monotonic() + timeout
    wait = _POLL_S[0]
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        while True:
            if _try_lock(fd):
                if _names(fd, lock_path):
                    return fd
                _unlock(fd)
                os.close(fd)
                fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
                continue
            if time.monotonic() >= deadline:
                raise TimeoutError(errno.ETIMEDOUT, "another Music Studio kept the file locked for "
                                                    f"{timeout:g} s")
            time.sleep(wait)
            wait = min(wait * 2, _POLL_S[1])
    except BaseException:
        os.close(fd)
        raise


def _names(fd: int, lock_path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(lock_path))
    except FileNotFoundError:
        return False


def _release(fd: int, lock_path: Path) -> None:
    try:
        if fcntl is not None:
            _remove(lock_path)  # while still held: see _acquire
        _unlock(fd)
    finally:
        os.close(fd)
    if fcntl is None:
        _remove(lock_path)  # Windows cannot remove a file that is open; this fails while another waits


def _try_lock(fd: int) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError as e:
        if e.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK, errno.EDEADLK):
            return False
        raise
    return True


def _unlock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
    else:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
