"""Not overwriting an output file that another program wrote while a command ran.

A command that writes ``OUT`` records what ``OUT`` was when it started (:meth:`OutputGuard.watch`), and
saves inside :meth:`OutputGuard.writing`. Every atomic write of ``OUT`` in that block
(:func:`~musicstudio.io.atomic.atomic_file`) then checks, under the file's lock and right before it
renames the new version into place, that ``OUT`` is still what it was; if not, it raises
:class:`OutputChanged` and leaves ``OUT`` alone. Check and rename happen under one lock, so of several
Music Studio commands writing one file at once, the first to finish wins and the later ones refuse
instead of silently replacing it. ``force`` overwrites anyway.

A file that was there and has been deleted since counts as unchanged: there is nothing left to lose.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from musicstudio.io.errors import MusicFileError
from musicstudio.io.file_lock import lock_key

Identity = tuple[int, int, int, int]  # device, inode, size, modification time in ns

_armed: ContextVar[tuple[tuple[str, "OutputGuard"], ...]] = ContextVar("musicstudio_output_guards", default=())


class OutputChanged(MusicFileError):
    """The output was written by another program after the command started. Not an OSError, so that
    savers that report OSErrors as "could not be written" pass it on as it is."""

    REASON = "changed while this command ran (another program wrote it); not overwritten: use --force to overwrite"

    def __init__(self, path: str | Path):
        super().__init__(path, self.REASON)
        self.args = (f"{path} {self.REASON}",)  # the path as the user gave it, not just its name


def identity(path: str | Path) -> Identity | None:
    """What tells one version of a file from another, or None when there is no file."""
    try:
        s = os.stat(path)
    except OSError:
        return None
    return s.st_dev, s.st_ino, s.st_size, s.st_mtime_ns


@dataclass(frozen=True)
class OutputGuard:
    path: Path
    seen: Identity | None   # the file when the command started; None: there was none
    force: bool = False

    @classmethod
    def watch(cls, path: str | Path, force: bool = False) -> OutputGuard:
        """Record ``path`` as it is now (call this when the command starts)."""
        return cls(Path(path), identity(path), force)

    def changed(self) -> bool:
        now = identity(self.path)
        return now is not None and now != self.seen

    def check(self) -> None:
        """Raise :class:`OutputChanged` if the file changed since :meth:`watch`, unless ``force``."""
        if not self.force and self.changed():
            raise OutputChanged(self.path)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Save inside this block: refuses at once if the file already changed (before any work is wasted),
        and each atomic write of the file in the block checks again, under the file's lock, just before
        it replaces the file: that check is the one that counts."""
        self.check()
        token = _armed.set(_armed.get() + ((lock_key(self.path), self),))
        try:
            yield
        finally:
            _armed.reset(token)


def check_before_replacing(path: str | Path) -> None:
    """Called with ``path``'s lock held, right before ``path`` is replaced: the guard armed for it, if any,
    refuses a file that changed."""
    guards = _armed.get()
    if guards:
        key = lock_key(path)
        for armed_key, guard in guards:
            if armed_key == key:
                guard.check()
