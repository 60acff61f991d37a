"""Autosave: a copy of the unsaved song every minute, restored after a crash.

The autosaver only ever asks for a snapshot (an immutable song plus its history), so it needs no
knowledge of the window. On its timer the snapshot is compared, serialised and written in a worker thread
(a 1,000,000-note song takes over a second to write); :meth:`Autosaver.save_now` writes at once, for the
crash hook. Beside the copy, a small file says what the song was called and where it came from. A clean
close or a real save discards the copy; a copy still there at the next start means the last session
ended badly, and :func:`find_recovery` finds it, with the song's name and the time it was saved.
"""

from __future__ import annotations

import copy
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from musicstudio.io.atomic import write_atomically
from musicstudio.io.errors import MusicFileError
from musicstudio.io.project import Project, backup_path, load_project, save_project
from musicstudio.workers.background_job import BackgroundJob
from musicstudio.workers.render_worker import start_in_thread

AUTOSAVE_NAME = "autosave.msproj"
ABOUT_NAME = "autosave-song.json"    # {"name": "tune.mid", "source": "/home/me/tune.mid"}
log = logging.getLogger(__name__)
Describe = Callable[[], tuple[str, "Path | None"]]   # the song's name as the window shows it, and its file


class AutosaveError(Exception):
    """An autosave that could not be written, in a sentence without an "Autosave failed" prefix."""


def autosave_path(folder: str | Path) -> Path:
    return Path(folder) / AUTOSAVE_NAME


class Autosaver(QObject):
    """Writes ``folder/autosave.msproj`` every interval while the song is modified and has changed.

    ``interval_ms`` (for tests) overrides ``interval_s``; an interval of 0 turns the timer off,
    leaving :meth:`save_now` and :meth:`discard`. Failures never raise: they emit ``failed`` with a
    one-line reason (without an "Autosave failed" prefix: the window adds its own). ``describe``, when
    set, names the song for the recovery prompt.
    """

    saved = Signal(str)
    failed = Signal(str)

    def __init__(self, snapshot: Callable[[], Project], is_dirty: Callable[[], bool], folder: str | Path,
                 interval_s: int = 60, parent: QObject | None = None, *, interval_ms: int | None = None):
        super().__init__(parent)
        self._snapshot = snapshot
        self._is_dirty = is_dirty
        self.folder = Path(folder)
        self.describe: Describe | None = None
        self._last: Project | None = None
        self._job: BackgroundJob | None = None      # the write in a worker thread, while there is one
        self._thread: QThread | None = None
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._on_timer)
        self.set_interval(interval_ms if interval_ms is not None else interval_s * 1000)

    @property
    def path(self) -> Path:
        return autosave_path(self.folder)

    @property
    def interval_ms(self) -> int:
        return self._timer.interval() if self._timer.isActive() else 0

    @property
    def writing(self) -> bool:
        """A write is under way in a worker thread."""
        return self._job is not None

    def set_interval(self, ms: int) -> None:
        """Autosave every ``ms`` milliseconds; 0 stops the timer."""
        if ms > 0:
            self._timer.start(ms)
        else:
            self._timer.stop()

    def set_interval_s(self, seconds: int) -> None:
        self.set_interval(seconds * 1000)

    def stop(self) -> None:
        """No more autosaves on the timer; a write under way is finished first."""
        self._timer.stop()
        self._wait_for_write()

    def save_now(self) -> bool:
        """Autosave at once, on this thread, if the song is modified and differs from the last autosave.

        Returns True when the autosave file holds the current song afterwards (or nothing needed saving).
        """
        try:
            self._wait_for_write()   # the last write first, so that this one is the one that stays
            task = self._task()
            if task is not None:
                task()
        except AutosaveError as e:
            self.failed.emit(str(e))
            return False
        except Exception as e:  # an autosave must never take the app down with it; say what went wrong
            log.exception("autosave failed")
            self.failed.emit(f"internal error: {type(e).__name__}: {e}")
            return False
        return True

    def save_in_background(self) -> bool:
        """Start writing the song in a worker thread, unless nothing needs writing or a write is under
        way (then the next tick tries again). ``saved`` or ``failed`` says how it went. True if started."""
        if self._job is not None:
            return False
        try:
            task = self._task()
        except Exception as e:  # the snapshot itself failed: the same words as save_now
            log.exception("autosave failed")
            self.failed.emit(f"internal error: {type(e).__name__}: {e}")
            return False
        if task is None:
            return False
        job = self._job = BackgroundJob(lambda say: task(emit=False), (AutosaveError,), name="autosave")
        job.finished.connect(self._written)
        job.failed.connect(self._write_failed)
        job.cancelled.connect(self._write_ended)
        self._thread = start_in_thread(job)
        return True

    def discard(self) -> None:
        """Delete the autosave (after a real save or a clean close); a write under way is stopped first,
        so that it cannot bring the file back."""
        if self._job is not None:
            self._job.cancel()
        self._wait_for_write()
        self._last = None
        for path in (self.path, backup_path(self.path), self.folder / ABOUT_NAME):
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            except OSError as e:
                self.failed.emit(f"the autosave {path} could not be removed ({e.strerror or e})")

    # -- writing --------------------------------------------------------------------------------------
    def _task(self) -> Callable[..., None] | None:
        """What an autosave now has to do, as a function to call on any thread; None if nothing. The
        snapshot is taken here, on the GUI thread; comparing and writing are left to the function."""
        if not self._is_dirty():
            return None
        snap = self._snapshot()
        project = Project(snap.song, copy.deepcopy(snap.history))   # the history list is the caller's
        last = self._last
        if last is not None and project.song is last.song and project.history == last.history:
            return None   # the same song value: no need to compare it note by note
        about = self.describe() if self.describe is not None else (project.song.title, None)

        def write(emit: bool = True) -> bool:
            if last is not None and project == last:
                return False
            _write(self.folder, project, about)
            self._last = project
            if emit:
                self.saved.emit(str(self.path))
            return True
        return write

    def _wait_for_write(self) -> None:
        thread = self._thread
        if thread is not None and thread.isRunning():
            thread.wait()
        self._thread = None

    @Slot(object)
    def _written(self, wrote) -> None:
        self._write_ended()
        if wrote:
            self.saved.emit(str(self.path))

    @Slot(str)
    def _write_failed(self, message: str) -> None:
        self._write_ended()
        self.failed.emit(message)

    @Slot()
    def _write_ended(self) -> None:
        self._job = None

    def _on_timer(self) -> None:
        self.save_in_background()


def _write(folder: Path, project: Project, about: tuple[str, Path | None]) -> None:
    """Write the autosave and what it is; raises :class:`AutosaveError` with the reason."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise AutosaveError(f"the autosave folder {folder} cannot be created ({e.strerror or e})") from e
    try:
        save_project(project, autosave_path(folder))
        name, source = about
        text = json.dumps({"name": name, "source": str(source) if source else None}, ensure_ascii=False)
        write_atomically(folder / ABOUT_NAME, text.encode("utf-8"))
    except MusicFileError as e:
        raise AutosaveError(str(e)) from e
    except OSError as e:
        raise AutosaveError(f"the song could not be written to {folder} ({e.strerror or e})") from e


@dataclass(frozen=True)
class Recovery:
    """An autosave that a session which did not close cleanly left behind, loaded."""

    path: Path              # the autosave file (or its backup, when the latest cannot be read)
    project: Project
    name: str               # the song's name as the window showed it ("tune.mid", "Untitled")
    source: Path | None     # the file the song came from, if any
    saved_at: float         # when it was written, in seconds since the epoch


def find_recovery(folder: str | Path) -> Recovery | None:
    """The autosave left by a session that did not close cleanly, if there is one that loads.

    Falls back to the previous autosave (``autosave.msproj.bak``) when the latest cannot be read.
    """
    path = autosave_path(folder)
    for candidate in (path, backup_path(path)):
        if candidate.is_file():
            try:
                project = load_project(candidate)
                saved_at = candidate.stat().st_mtime
            except (MusicFileError, OSError):
                log.warning("autosave %s cannot be recovered", candidate, exc_info=True)
                continue
            name, source = _about(Path(folder) / ABOUT_NAME)
            return Recovery(candidate, project, name or project.song.title, source, saved_at)
    return None


def _about(path: Path) -> tuple[str, Path | None]:
    """The name and source written beside the autosave; ("", None) if that file is missing or damaged."""
    try:
        about = json.loads(path.read_text("utf-8"))
        name, source = about.get("name") or "", about.get("source")
        return (name if isinstance(name, str) else ""), (Path(source) if isinstance(source, str) else None)
    except (OSError, ValueError, AttributeError):
        return "", None


def pending_recovery(folder: str | Path) -> Path | None:
    """The file :func:`find_recovery` would restore, or None."""
    found = find_recovery(folder)
    return found.path if found is not None else None


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
