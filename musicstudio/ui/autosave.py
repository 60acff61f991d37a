"""Autosave: a copy of the unsaved song every minute, restored after a crash.

The autosaver only ever asks for a snapshot (an immutable song plus its history), so it needs no
knowledge of the window. A clean close or a real save discards the copy; a copy still there at the
next start means the last session ended badly, and :func:`pending_recovery` finds it.
"""

from __future__ import annotations

import copy
import logging
import sys
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from musicstudio.io.errors import MusicFileError
from musicstudio.io.project import Project, backup_path, load_project, save_project

AUTOSAVE_NAME = "autosave.msproj"
log = logging.getLogger(__name__)


def autosave_path(folder: str | Path) -> Path:
    return Path(folder) / AUTOSAVE_NAME


class Autosaver(QObject):
    """Writes ``folder/autosave.msproj`` every interval while the song is modified and has changed.

    ``interval_ms`` (for tests) overrides ``interval_s``; an interval of 0 turns the timer off,
    leaving :meth:`save_now` and :meth:`discard`. Failures never raise: they emit ``failed`` with a
    one-line reason (without an "Autosave failed" prefix: the window adds its own).
    """

    saved = Signal(str)
    failed = Signal(str)

    def __init__(self, snapshot: Callable[[], Project], is_dirty: Callable[[], bool], folder: str | Path,
                 interval_s: int = 60, parent: QObject | None = None, *, interval_ms: int | None = None):
        super().__init__(parent)
        self._snapshot = snapshot
        self._is_dirty = is_dirty
        self.folder = Path(folder)
        self._last: Project | None = None
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._on_timer)
        self.set_interval(interval_ms if interval_ms is not None else interval_s * 1000)

    @property
    def path(self) -> Path:
        return autosave_path(self.folder)

    @property
    def interval_ms(self) -> int:
        return self._timer.interval() if self._timer.isActive() else 0

    def set_interval(self, ms: int) -> None:
        """Autosave every ``ms`` milliseconds; 0 stops the timer."""
        if ms > 0:
            self._timer.start(ms)
        else:
            self._timer.stop()

    def set_interval_s(self, seconds: int) -> None:
        self.set_interval(seconds * 1000)

    def stop(self) -> None:
        self._timer.stop()

    def save_now(self) -> bool:
        """Autosave at once if the song is modified and differs from the last autosave.

        Returns True when the autosave file holds the current song afterwards (or nothing needed saving).
        """
        try:
            if not self._is_dirty():
                return True
            project = self._snapshot()
            if self._last is not None and project == self._last:
                return True
            self.folder.mkdir(parents=True, exist_ok=True)
            save_project(project, self.path)
        except MusicFileError as e:
            self.failed.emit(str(e))
            return False
        except OSError as e:
            self.failed.emit(f"the autosave folder {self.folder} cannot be created ({e.strerror or e})")
            return False
        except Exception as e:  # an autosave must never take the app down with it; say what went wrong
            log.exception("autosave failed")
            self.failed.emit(f"internal error: {type(e).__name__}: {e}")
            return False
        # The song is immutable; the history list is the caller's, so keep a copy to compare with.
        self._last = Project(project.song, copy.deepcopy(project.history))
        self.saved.emit(str(self.path))
        return True

    def discard(self) -> None:
        """Delete the autosave (after a real save or a clean close)."""
        self._last = None
        for path in (self.path, backup_path(self.path)):
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            except OSError as e:
                self.failed.emit(f"the autosave {path} could not be removed ({e.strerror or e})")

    def _on_timer(self) -> None:
        self.save_now()


def pending_recovery(folder: str | Path) -> Path | None:
    """The autosave left by a session that did not close cleanly, if there is one that loads.

    Falls back to the previous autosave (``autosave.msproj.bak``) when the latest cannot be read.
    """
    path = autosave_path(folder)
    for candidate in (path, backup_path(path)):
        if candidate.is_file():
            try:
                load_project(candidate)
            except MusicFileError:
                log.warning("autosave %s cannot be recovered", candidate, exc_info=True)
                continue
            return candidate
    return None


def install_crash_hook(autosaver: Autosaver) -> Callable[[], None]:
    """Chain ``sys.excepthook`` so that an uncaught exception autosaves before the previous hook runs.

    Returns a function that puts the previous hook back.
    """
    previous = sys.excepthook

    def hook(exc_type, exc, tb):
        try:
            autosaver.save_now()
        except Exception:  # the autosaver may be gone; the original error matters more
            log.exception("autosave on crash failed")
        previous(exc_type, exc, tb)

    def uninstall() -> None:
        if sys.excepthook is hook:
            sys.excepthook = previous

    sys.excepthook = hook
    return uninstall
