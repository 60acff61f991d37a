"""A stand-in for sounddevice's InputStream, fed by hand: tests push samples through its callback as the
audio thread would."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from musicstudio.audio.microphone import InputDevice

MIC = InputDevice(3, "Test microphone", 1, 44100, default=True)


def FROZEN() -> float:  # noqa: N802 - a constant clock
    """A clock that stands still: a fake stream fed in bursts never looks stalled (unplugged) while a test
    waits between them."""
    return 0.0


class FakeInputStream:
    """Records the arguments it was opened with; :meth:`feed` plays samples into the callback block by block."""

    opened: list[FakeInputStream] = []

    def __init__(self, **kwargs):
        self.kwargs = kwargs
        self.callback = kwargs["callback"]
        self.finished_callback = kwargs.get("finished_callback")
        self.blocksize = kwargs.get("blocksize") or 1024
        self.channels = kwargs.get("channels", 1)
        self.active = False
        self.closed = False
        FakeInputStream.opened.append(self)

    def start(self):
        self.active = True

    def stop(self):
        self.active = False
        if self.finished_callback is not None:
            self.finished_callback()

    def close(self):
        self.closed = True

    def feed(self, samples: np.ndarray, overflow_every: int = 0) -> int:
        """Send mono ``samples`` through the callback in blocks (copied to every channel); the blocks sent."""
        samples = np.asarray(samples, np.float32)
        count = 0
        for start in range(0, len(samples), self.blocksize):
            block = np.repeat(samples[start:start + self.blocksize, None], self.channels, axis=1)
            count += 1
            status = SimpleNamespace(input_overflow=bool(overflow_every and count % overflow_every == 0))
            self.callback(block, len(block), None, status)
        return count

    def unplug(self):
        """The device disappears: PortAudio ends the stream by itself."""
        self.active = False
        if self.finished_callback is not None:
            self.finished_callback()


def refusing_stream(message: str, code: int | None = None):
    """A stream factory whose streams fail to open as PortAudio does: its own error, with its code."""
    import sounddevice

    def factory(**kwargs):
        args = (message,) if code is None else (message, code)
        raise sounddevice.PortAudioError(*args)
    return factory
