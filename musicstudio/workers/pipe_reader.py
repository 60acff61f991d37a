"""A thread that reads a worker process's pipe and turns what arrives into Qt signals.

A :class:`~musicstudio.workers.child_process.ChildProcess` (the generation and the fine-tune service both
use one) hears its process this way: the reader blocks in ``recv`` (without the interpreter lock), emits
``event`` for each message and ``lost`` when the pipe ends, which is when the process has gone. Its
signals reach the GUI thread queued.

A QThread that is destroyed while it still runs aborts the whole process (Qt's "Destroyed while thread
is still running"), taking the user's unsaved work with it. :func:`let_go` is therefore the only way a
reader is dropped: a reader that has not stopped in time (a pipe held open by something that
outlived the process) is kept here until it does.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QThread, Signal

log = logging.getLogger(__name__)

_still_running: set[PipeReader] = set()


class PipeReader(QThread):
    """Reads ``connection`` until it ends. ``number`` tags every signal, for a service whose next process
    can start while the last one's final events are still on their way."""

    event = Signal(int, object)   # number, message
    lost = Signal(int)            # number

    def __init__(self, connection, name: str, number: int = 0):
        super().__init__()
        self.setObjectName(name)
        self.connection, self.number = connection, number

    def run(self) -> None:
        while True:
            try:
                message = self.connection.recv()
            except (EOFError, OSError):
                self.lost.emit(self.number)
                return
            self.event.emit(self.number, message)


def let_go(reader: PipeReader | None, timeout_ms: int = 2000) -> bool:
    """Wait up to ``timeout_ms`` for ``reader`` to stop; one that has not is kept until it has, never
    destroyed while running. True if it stopped in time (or there was none). Call from the GUI thread."""
    _forget_stopped()
    if reader is None or reader.wait(timeout_ms):
        return True
    log.warning("the %s reader is still waiting on its pipe; it is kept until the pipe closes",
                reader.objectName())
    _still_running.add(reader)
    return False


def readers_still_running() -> list[PipeReader]:
    """Readers let go before they had stopped, and still running."""
    _forget_stopped()
    return list(_still_running)


def _forget_stopped() -> None:
    for reader in [r for r in _still_running if r.wait(0)]:   # wait(0): true once the thread is over
        _still_running.discard(reader)
