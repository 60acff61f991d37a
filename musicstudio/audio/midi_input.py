"""MIDI input through mido (python-rtmidi): list ports, open one, timestamp what arrives.

Notes go to one receiver; controllers, pitch wheel and aftertouch to another, if one is given (a
keyboard's pedal and wheels, for recording and for hearing them while playing).

Without an ALSA sequencer, rtmidi raises instead of listing nothing; here that is "no ports".
"""

from __future__ import annotations

import time
from typing import Callable

from musicstudio.core.controls import CHANNEL_PRESSURE, CONTROLLER, PITCH_BEND, POLY_PRESSURE, Control

Receive = Callable[[float, object], None]
NOTE_MESSAGES = ("note_on", "note_off")
CONTROL_MESSAGES = ("control_change", "pitchwheel", "aftertouch", "polytouch")

def control_of(message, tick: int = 0) -> Control | None:
    """A mido control change, pitch wheel, aftertouch or polyphonic aftertouch message as a controller
    event at ``tick``; None for any other message."""
    kind = message.type
    if kind == "control_change":
        return Control(tick, CONTROLLER, message.control, message.value)
    if kind == "pitchwheel":
        return Control(tick, PITCH_BEND, 0, message.pitch)
    if kind == "aftertouch":
        return Control(tick, CHANNEL_PRESSURE, 0, message.value)
    if kind == "polytouch":
        return Control(tick, POLY_PRESSURE, message.note, message.value)
    return None


def input_ports() -> list[str]:
    """Names of the MIDI inputs present now (hot-plugged devices appear on the next call)."""
    try:
        import mido
        return list(mido.get_input_names())
    except Exception:  # rtmidi.SystemError (an OSError) without a sequencer, ImportError without rtmidi
        return []


class MidiInput:
    """An open input port that hands each note message, with its arrival time, to ``receive``, and each
    controller, pitch-wheel and aftertouch message to ``receive_control`` (when given)."""

    def __init__(self, receive: Receive, clock: Callable[[], float] = time.perf_counter,
                 receive_control: Receive | None = None):
        self.receive = receive
        self.receive_control = receive_control
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
        if message.type in NOTE_MESSAGES:
            self.receive(self.clock(), message)
        elif message.type in CONTROL_MESSAGES and self.receive_control is not None:
            self.receive_control(self.clock(), message)

    def close(self) -> None:
        if self.port is not None:
            try:
                self.port.close()
            finally:
                self.port = None
