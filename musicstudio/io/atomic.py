"""Writing a file so that a crash, a full disk or another process saving it too never leaves it
half-written, or leaves anything else behind in its folder."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator

from musicstudio.io.file_lock import file_lock
from musicstudio.io.output_guard import check_before_replacing


@contextmanager
def atomic_file(path: Path, backup: Path | None = None) -> Iterator[BinaryIO]:
    """A binary file to write that replaces ``path`` only when the block ends without error.

    Data goes to a temporary file of a unique name in the same folder, is fsync'd, then renamed over
    ``path``. With ``backup``, the version that was there before is kept under that name. On any error
    the temporary file is removed and ``path`` is as it was.

    Keeping the backup and renaming are done holding ``path``'s lock (:mod:`musicstudio.io.file_lock`),
    so two Music Studio processes saving one file take turns: the backup is always the version the
    other one saved, and both files are always whole. An :class:`~musicstudio.io.output_guard.OutputGuard`
    armed for ``path`` checks it under that lock too.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        _give_mode(fd, path)
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        with file_lock(path):
            check_before_replacing(path)
            if backup is not None and path.exists():
                _keep_backup(path, Path(backup))
            os.replace(tmp, path)  # the one step that switches versions: atomic on POSIX and Windows
    except BaseException:
        _remove(tmp)
        raise
    _sync_folder(path.parent)


def _give_mode(fd: int, path: Path) -> None:
    """The permissions ``path`` has, or a new file's (0666 less the umask), instead of mkstemp's 0600:
    a song saved here is readable by the other programs and users who could read it before."""
    if not hasattr(os, "fchmod"):
        return  # Windows: no modes to keep
    try:
        mode = os.stat(path).st_mode & 0o7777
    except OSError:
        mode = 0o666 & ~_umask()
    try:
        os.fchmod(fd, mode)
    except OSError:
        pass


def _umask() -> int:
    """The process's umask. Linux says it without changing it; elsewhere (or without /proc) it is read
    the only other way there is, by setting it and putting it back at once."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o077)   # the strictest for the moment it is changed, should another thread create a file
    os.umask(mask)
    return mask


def write_atomically(path: Path, data: bytes, backup: Path | None = None) -> None:
    """Write ``data`` to ``path`` through :func:`atomic_file`."""
    with atomic_file(path, backup) as f:
        f.write(data)


def _keep_backup(path: Path, backup: Path) -> None:
    """Make ``backup`` a copy of ``path`` without ever leaving ``path`` missing.

    When ``backup`` already is ``path`` (two names of one file: a save that stopped between its two
    renames leaves that), renaming the new link onto it does nothing at all, and the link would stay in
    the folder under its temporary name: so the temporary name is removed if it is still there.
    """
    tmp = _link_or_copy(path, backup.parent, prefix=f".{backup.name}.")
    try:
        made = os.lstat(tmp)
        os.replace(tmp, backup)
        try:
            if os.path.samestat(os.lstat(tmp), made):
                os.unlink(tmp)  # rename() of a hard link onto another link of its inode is a no-op
        except FileNotFoundError:
            pass  # renamed, as it should be
    except BaseException:
        _remove(tmp)
        raise


def _link_or_copy(path: Path, folder: Path, prefix: str) -> str:
    """A new name in ``folder`` for ``path``'s contents: a hard link (cheap: the old version keeps its
    data blocks), or a copy on file systems without hard links."""
    for _ in range(100):
        tmp = os.path.join(folder, f"{prefix}{secrets.token_hex(4)}.tmp")
        try:
            os.link(path, tmp)
            return tmp
        except FileExistsError:
            continue
        except OSError:
            break
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        shutil.copy2(path, tmp)
    except BaseException:
        _remove(tmp)
        raise
    return tmp


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
