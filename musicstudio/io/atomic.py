"""Writing a file so that a crash or a full disk never leaves it half-written."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator


@contextmanager
def atomic_file(path: Path, backup: Path | None = None) -> Iterator[BinaryIO]:
    """A binary file to write that replaces ``path`` only when the block ends without error.

    Data goes to a temporary file in the same folder, is fsync'd, then renamed over ``path``. With
    ``backup``, the version that was there before is kept under that name. On any error the
    temporary file is removed and ``path`` is as it was.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        if backup is not None and path.exists():
            _keep_backup(path, Path(backup))
        os.replace(tmp, path)  # the one step that switches versions: atomic on POSIX and Windows
    except BaseException:
        _remove(tmp)
        raise
    _sync_folder(path.parent)


def write_atomically(path: Path, data: bytes, backup: Path | None = None) -> None:
    """Write ``data`` to ``path`` through :func:`atomic_file`."""
    with atomic_file(path, backup) as f:
        f.write(data)


def _keep_backup(path: Path, backup: Path) -> None:
    """Make ``backup`` a copy of ``path`` without ever leaving ``path`` missing."""
    fd, tmp = tempfile.mkstemp(prefix=f".{backup.name}.", suffix=".tmp", dir=backup.parent)
    os.close(fd)
    try:
        os.unlink(tmp)
        try:
            os.link(path, tmp)          # cheap: the old version keeps its data blocks
        except OSError:
            shutil.copy2(path, tmp)     # file systems without hard links
        os.replace(tmp, backup)
    except BaseException:
        _remove(tmp)
        raise


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
