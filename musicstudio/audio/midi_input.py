"""MIDI input through mido (python-rtmidi): list ports, open one, timestamp what arrives.

Without an ALSA sequencer, rtmidi raises instead of listing nothing; here that is "no ports".
"""

from __future__ import annotations

import time
from typing import Callable


def input_ports() -> list[str]:
    """Names of the MIDI inputs present now (hot-plugged devices appear on the next call)."""
    try:
        import mido
        return list(mido.get_input_names())
    except Exception:  # rtmidi.SystemError (an OSError) without a sequencer, ImportError without rtmidi
        return []


class MidiInput:
    """An open input port that hands each message, with its arrival time, to ``receive``."""

    def __init__(self, receive: Callable[[float, object], None], clock: Callable[[], float] = time.perf_counter):
        self.receive = receive
        self.clock = clock
        self.port = None

    def open(self, name: str | None = None, port=None) -> None:
        """Open the named port (or use ``port``, any mido input, e.g. a test's fake)."""
        self.close()
        if port is None:
            import mido
            port = mido.open_input(name)
        port.callback = self._on_message
        self.port = port

    def _on_message(self, message) -> None:
        if message.type in ("note_on", "note_off"):
            self.receive(self.clock(), message)

    def close(self) -> None:
        if self.port is not None:
            try:
                self.port.close()
            finally:
                self.port = None
