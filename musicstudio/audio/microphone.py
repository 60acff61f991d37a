"""Sound from the microphone: a sounddevice input stream that hands each block to a callback, with a level
meter and the reasons it cannot record said in words.

sounddevice (PortAudio) is imported when a stream opens, so the app starts without it. No PortAudio, no
input device, a device another program holds, or one unplugged while recording: each becomes a
:class:`MicrophoneError` (when opening) or a ``problem`` (while recording) with a sentence a musician can
act on. Tests give a ``stream_factory`` whose streams they feed by hand.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from musicstudio.audio.errors import AudioError

SILENT_DBFS = -120.0          # the level of digital silence, so that a meter needs no infinities
STALL_SECONDS = 2.0           # an open stream that sends nothing for this long has lost its device
DEVICE_UNAVAILABLE = -9985    # PortAudio's paDeviceUnavailable: another program holds the device
INVALID_DEVICE = -9996        # paInvalidDevice

Block = Callable[[np.ndarray], None]


class MicrophoneError(AudioError):
    """The microphone cannot record; ``str(error)`` says why and what to do."""


class NoMicrophone(MicrophoneError):
    """There is no audio input device at all."""


class MicrophoneBusy(MicrophoneError):
    """The device is there but another program holds it."""


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    channels: int
    sample_rate: int
    default: bool = False


@dataclass(frozen=True)
class Level:
    """How loud a block was: its RMS and its peak, in dBFS (0 is full scale; :data:`SILENT_DBFS` is silence)."""

    rms_dbfs: float = SILENT_DBFS
    peak_dbfs: float = SILENT_DBFS

    @property
    def clipping(self) -> bool:
        return self.peak_dbfs >= -0.1


def dbfs(amplitude: float) -> float:
    return 20 * math.log10(amplitude) if amplitude > 10 ** (SILENT_DBFS / 20) else SILENT_DBFS


def level_of(block: np.ndarray) -> Level:
    """The level of float samples (any shape) in dBFS."""
    if block.size == 0:
        return Level()
    samples = block.astype(np.float64, copy=False)
    return Level(dbfs(float(np.sqrt(np.mean(samples * samples)))), dbfs(float(np.max(np.abs(samples)))))


def _sounddevice():
    try:
        import sounddevice
    except OSError as e:  # the module loads PortAudio at once
        raise MicrophoneError("PortAudio is not installed, so the microphone cannot be used: install the "
                              "libportaudio2 package (Debian/Ubuntu) and start Music Studio again.") from e
    except ImportError as e:
        raise MicrophoneError("The sounddevice package is missing, so the microphone cannot be used: "
                              "reinstall Music Studio.") from e
    return sounddevice


def input_devices() -> list[InputDevice]:
    """Every device that can record, the system's default input marked; empty when there is none or no
    PortAudio."""
    try:
        sd = _sounddevice()
        default = sd.default.device[0]
        return [InputDevice(i, d["name"], int(d["max_input_channels"]), round(d["default_samplerate"]), i == default)
                for i, d in enumerate(sd.query_devices()) if d["max_input_channels"] >= 1]
    except Exception:
        return []


NO_INPUT = ("No microphone or other audio input was found. Plug one in, or turn it on in the system's sound "
            "settings, and try again. Nothing was recorded and the song is unchanged.")


def pick_device(devices: list[InputDevice], wanted: int | str | None = None) -> InputDevice:
    """The device to record from: ``wanted`` (an index or a name, or part of one), else the default
    input, else the first. :class:`NoMicrophone` when there is none, :class:`MicrophoneError` when the
    wanted one is not there."""
    if not devices:
        raise NoMicrophone(NO_INPUT)
    if wanted is None:
        return next((d for d in devices if d.default), devices[0])
    for d in devices:
        if d.index == wanted or (isinstance(wanted, str) and wanted.lower() in d.name.lower()):
            return d
    names = ", ".join(d.name for d in devices)
    raise MicrophoneError(f"The audio input {wanted!r} is not connected. Inputs found: {names}.")


def opening_error(error: Exception, device: InputDevice) -> MicrophoneError:
    """What a failure to open ``device`` means for the user."""
    code = error.args[1] if len(error.args) > 1 and isinstance(error.args[1], int) else None
    text = str(error)
    if code == DEVICE_UNAVAILABLE or "unavailable" in text.lower() or "busy" in text.lower():
        return MicrophoneBusy(f"The microphone {device.name} is in use by another program. Close that "
                              "program (or pick another input) and try again.")
    if code == INVALID_DEVICE or "invalid device" in text.lower():
        return MicrophoneError(f"The microphone {device.name} is not connected any more. Plug it in again or "
                               "pick another input.")
    return MicrophoneError(f"The microphone {device.name} could not be opened ({text}).")


class Microphone:
    """One input stream: ``on_block`` gets every block as mono float32 samples, in the audio thread (keep
    it short). ``level`` is the last block's level, ``peak_hold`` the loudest peak since :meth:`open`;
    ``problem`` says why recording stopped when the device failed after opening."""

    def __init__(self, on_block: Block, device: int | str | None = None, blocksize: int = 1024,
                 stream_factory: Callable[..., object] | None = None,
                 devices: Callable[[], list[InputDevice]] = input_devices,
                 clock: Callable[[], float] = time.monotonic):
        self.on_block = on_block
        self.wanted = device
        self.blocksize = blocksize
        self.stream_factory = stream_factory
        self.devices = devices
        self.clock = clock
        self.device: InputDevice | None = None
        self.stream = None
        self.sample_rate = 0
        self.level = Level()
        self.peak_hold = SILENT_DBFS
        self.frames = 0
        self.overflows = 0
        self.problem: str | None = None
        self._last_block = 0.0
        self._closing = False
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self.stream is not None and bool(getattr(self.stream, "active", False))

    def choose(self) -> InputDevice:
        """Pick the device (and so the sample rate) before opening; :class:`MicrophoneError` when there is
        none."""
        device = self.device = pick_device(self.devices(), self.wanted)
        self.sample_rate = device.sample_rate or 44100
        return device

    def open(self) -> None:
        """Start recording from the chosen device (choosing it first if need be); :class:`MicrophoneError`
        says why it cannot."""
        device = self.device or self.choose()
        factory = self.stream_factory or _sounddevice().InputStream
        try:
            stream = factory(samplerate=self.sample_rate, blocksize=self.blocksize, device=device.index,
                             channels=min(2, device.channels), dtype="float32", callback=self._callback,
                             finished_callback=self._finished)
            stream.start()
        except Exception as e:  # sd.PortAudioError, or ValueError for a device that has gone
            raise opening_error(e, device) from e
        self.stream, self.problem = stream, None
        self.level, self.peak_hold, self.frames, self.overflows = Level(), SILENT_DBFS, 0, 0
        self._last_block = self.clock()

    def _callback(self, indata, frames, time_info, status) -> None:
        if getattr(status, "input_overflow", False):
            self.overflows += 1
        mono = indata.mean(axis=1, dtype=np.float32) if indata.ndim == 2 else np.asarray(indata, np.float32)
        level = level_of(mono)
        with self._lock:
            self.level = level
            self.peak_hold = max(self.peak_hold, level.peak_dbfs)
            self.frames += len(mono)
            self._last_block = self.clock()
        self.on_block(mono.copy())

    def _finished(self) -> None:
        if self.stream is not None and not self._closing:
            self.problem = self._lost()

    def _lost(self) -> str:
        name = self.device.name if self.device is not None else "microphone"
        return (f"The microphone {name} stopped sending sound (was it unplugged?). Recording stopped; what was "
                "heard until then is kept.")

    def check(self) -> str | None:
        """The problem, if any: the stream ended by itself, or has sent nothing for :data:`STALL_SECONDS`
        (PortAudio does not always report a device that disappears). Call it now and then while recording."""
        if self.problem is None and self.stream is not None:
            with self._lock:
                silent_for = self.clock() - self._last_block
            if silent_for > STALL_SECONDS:
                self.problem = self._lost()
        return self.problem

    @property
    def seconds(self) -> float:
        return self.frames / self.sample_rate if self.sample_rate else 0.0

    def close(self) -> None:
        stream, self.stream = self.stream, None
        if stream is None:
            return
        self._closing = True
        try:
            stream.stop()
            stream.close()
        except Exception:  # a device that has gone cannot be stopped; it is closed all the same
            pass
        finally:
            self._closing = False
