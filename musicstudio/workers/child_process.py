"""A worker process spawned by a service, with its pipes and the reader thread that turns its answers into
signals. Shared by the generation and the fine-tune service.

:meth:`ChildProcess.start` spawns ``target(commands, events, *args)`` (``commands`` is None for a process that
only talks); :meth:`~ChildProcess.send` writes a command; a :class:`~musicstudio.workers.pipe_reader.PipeReader`
emits ``event`` for each message the current process sends, and ``lost`` with a sentence when its pipe ends
without the service having asked it to stop (it crashed, was killed for memory, or simply finished: the
service knows which). Messages from a process that was replaced or stopped are dropped.
"""

from __future__ import annotations

import logging
import multiprocessing

from PySide6.QtCore import QObject, Signal

from musicstudio.workers.pipe_reader import PipeReader, let_go

log = logging.getLogger(__name__)


class ChildProcess(QObject):
    """One spawned process at a time; ``name`` ("generation", "fine-tune") names it in messages."""

    event = Signal(object)   # a message from the process (see musicstudio.workers.messages)
    lost = Signal(str)       # "the generation process stopped unexpectedly (exit code 3, perhaps out of memory)"

    def __init__(self, name: str, listens: bool = True, parent: QObject | None = None):
        """``listens``: the process reads commands (a pipe is made for :meth:`send`)."""
        super().__init__(parent)
        self.name, self.listens = name, listens
        self.context = multiprocessing.get_context("spawn")   # for shared values the process is given
        self._process = None
        self._commands = None
        self._reader: PipeReader | None = None
        self._number = 0        # processes started: tags the reader, so a replaced process's messages are dropped

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.is_alive()

    @property
    def reader(self) -> PipeReader | None:
        return self._reader

    def start(self, target, args: tuple = ()) -> None:
        """Spawn ``target(commands, events, *args)``, replacing a process that has gone."""
        self._forget()
        commands_out = None
        if self.listens:
            commands_out, self._commands = self.context.Pipe(duplex=False)
        events_in, events_out = self.context.Pipe(duplex=False)
        self._process = self.context.Process(target=target, name=f"musicstudio-{self.name}", daemon=True,
                                             args=(commands_out, events_out, *args))
        self._process.start()
        for end in (commands_out, events_out):   # ours are the other ends: when the process dies, reading gives EOF
            if end is not None:
                end.close()
        self._number += 1
        self._reader = PipeReader(events_in, f"{self.name} events", self._number)
        self._reader.event.connect(self._on_event)
        self._reader.lost.connect(self._on_lost)
        self._reader.start()

    def send(self, message) -> None:
        try:
            self._commands.send(message)
        except (AttributeError, OSError, ValueError) as e:   # the process died just now; the reader reports it
            log.warning("could not reach the %s process: %s", self.name, e)

    def shutdown(self, timeout_ms: int, farewell=None) -> bool:
        """Send ``farewell`` (a quit command), wait up to ``timeout_ms`` for the process to end, terminate it
        if it has not, and let go of the pipes and the reader. True if it ended in time (or there was none)."""
        stopped = True
        if self._process is not None:
            if farewell is not None:
                self.send(farewell)
            self._process.join(timeout_ms / 1000)
            stopped = not self._process.is_alive()
            if not stopped:
                self._process.terminate()
                self._process.join(1)
        self._forget()
        return stopped

    def stop_now(self, timeout_ms: int = 2000) -> bool:
        """End a busy process without waiting for it to read a quit command: terminate it, kill it if it has
        not ended within ``timeout_ms``, and let go of it; no ``lost`` follows. True if it ended (or there was
        none)."""
        stopped = True
        if self._process is not None:
            self._process.terminate()
            self._process.join(timeout_ms / 1000)
            if self._process.is_alive():
                self._process.kill()
                self._process.join(5)
            stopped = not self._process.is_alive()
        self._forget()
        return stopped

    def kill(self) -> None:
        """End the process at once (it is stuck) and let go of it; no ``lost`` follows."""
        if self._process is not None:
            self._process.kill()
            self._process.join(5)
        self._forget()

    def _forget(self) -> None:
        if self._commands is not None:
            self._commands.close()
            self._commands = None
        let_go(self._reader)
        self._reader = None
        self._process = None

    # -- from the reader thread (queued into the GUI thread) --------------------------------------
    def _on_event(self, number: int, message) -> None:
        if self._process is not None and number == self._number:
            self.event.emit(message)

    def _on_lost(self, number: int) -> None:
        if self._process is None or number != self._number:
            return  # stopped on purpose, or the end of a process already replaced
        self._process.join(1)
        code = self._process.exitcode
        why = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        # the reader is over before the loss is told: let go of while still running, its last reference could
        # drop inside the thread itself, and Qt aborts the app for that
        self._forget()
        self.lost.emit(f"the {self.name} process stopped unexpectedly ({why}, perhaps out of memory)")
