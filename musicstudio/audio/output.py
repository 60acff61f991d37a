"""Sound out of the speakers: a sounddevice output stream whose callback asks the engine for samples.

sounddevice (PortAudio) is imported when output starts. No sound card, no PortAudio, a device
that cannot be opened or that disappears: each becomes :class:`AudioUnavailable` or a ``problem``
with a reason, and the rest of the app carries on.
"""

from __future__ import annotations

from musicstudio.audio.engine import PlaybackEngine
from musicstudio.audio.errors import AudioError


class AudioUnavailable(AudioError):
    """No sound can leave the computer; ``str(error)`` says why."""


def _sounddevice():
    try:
        import sounddevice
    except OSError as e:  # the module imports PortAudio at once
        raise AudioUnavailable("PortAudio is not installed, so there is no sound output: install the "
                               "libportaudio2 package (Debian/Ubuntu)") from e
    except ImportError as e:
        raise AudioUnavailable("the sounddevice package is missing: reinstall Music Studio") from e
    return sounddevice


def output_devices() -> list[tuple[int, str]]:
    """(index, name) of every device that can play sound; empty when there is none or no PortAudio."""
    try:
        sd = _sounddevice()
        return [(i, d["name"]) for i, d in enumerate(sd.query_devices()) if d["max_output_channels"] >= 2]
    except Exception:
        return []


class AudioOutput:
    def __init__(self, engine: PlaybackEngine, device: int | str | None = None, blocksize: int = 256):
        self.engine = engine
        self.device = device
        self.blocksize = blocksize
        self.stream = None
        self.problem: str | None = None      # set from the audio thread when the stream fails
        self.underruns = 0

    @property
    def running(self) -> bool:
        return self.stream is not None and self.stream.active

    def start(self) -> None:
        sd = _sounddevice()
        try:
            if self.device is None and not output_devices():
                raise AudioUnavailable("no audio output device found (no sound card?): playback is off; "
                                       "editing, generating and WAV export still work")
            self.stream = sd.OutputStream(samplerate=self.engine.sample_rate, blocksize=self.blocksize,
                                          channels=2, dtype="float32", device=self.device, latency="low",
                                          callback=self._callback, finished_callback=self._finished)
            self.stream.start()
        except AudioUnavailable:
            raise
        except Exception as e:  # sd.PortAudioError, ValueError for an unknown device name
            self.stream = None
            raise AudioUnavailable(f"the audio device could not be opened ({e}): playback is off") from e
        self.problem = None

    def _callback(self, outdata, frames, time, status) -> None:
        if status.output_underflow:
            self.underruns += 1
        self.engine.render(outdata)

    def _finished(self) -> None:
        if self.stream is not None and not getattr(self, "_closing", False):
            self.problem = "the audio device stopped (was it unplugged?): playback is off"

    @property
    def latency_seconds(self) -> float:
        """The device's own output latency, as PortAudio reports it."""
        return float(self.stream.latency) if self.stream is not None else 0.0

    def close(self) -> None:
        stream, self.stream = self.stream, None
        if stream is not None:
            self._closing = True
            try:
                stream.abort()
                stream.close()
            except Exception:
                pass
            self._closing = False
