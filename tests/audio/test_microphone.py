"""The microphone: devices listed and picked, blocks reach the callback as mono samples with their level,
and every way it cannot record is a sentence (no device, device busy, device unplugged)."""

import numpy as np
import pytest
from fake_microphone import MIC, FakeInputStream, refusing_stream

from musicstudio.audio import microphone
from musicstudio.audio.microphone import (
    SILENT_DBFS,
    InputDevice,
    Microphone,
    MicrophoneBusy,
    MicrophoneError,
    NoMicrophone,
    level_of,
    pick_device,
)


class Clock:
    def __init__(self):
        self.now = 10.0

    def __call__(self):
        return self.now


def open_mic(blocks, device=MIC, clock=None, blocksize=256):
    mic = Microphone(blocks.append, blocksize=blocksize, stream_factory=FakeInputStream, devices=lambda: [device],
                     clock=clock or Clock())
    mic.open()
    return mic, FakeInputStream.opened[-1]


def test_level_in_dbfs():
    t = np.arange(44100) / 44100
    sine = 0.5 * np.sin(2 * np.pi * 440 * t)
    level = level_of(sine)
    assert level.peak_dbfs == pytest.approx(-6.02, abs=0.01)
    assert level.rms_dbfs == pytest.approx(-9.03, abs=0.01)     # a sine's RMS is 3 dB under its peak
    assert level_of(np.zeros(100)) .rms_dbfs == SILENT_DBFS
    assert level_of(np.array([1.0, -0.2])).clipping
    assert not level.clipping


def test_blocks_arrive_mono_with_their_level():
    blocks = []
    mic, stream = open_mic(blocks)
    assert stream.kwargs["samplerate"] == 44100 and stream.kwargs["device"] == 3 and stream.kwargs["channels"] == 1
    assert mic.running
    stream.feed(np.full(1000, 0.25))
    assert [len(b) for b in blocks] == [256, 256, 256, 232]
    assert mic.frames == 1000 and mic.seconds == pytest.approx(1000 / 44100)
    assert mic.level.peak_dbfs == pytest.approx(-12.04, abs=0.01)
    assert mic.peak_hold == pytest.approx(-12.04, abs=0.01)
    mic.close()
    assert stream.closed and not mic.running and mic.problem is None   # a stop we asked for is no problem


def test_a_stereo_input_is_mixed_down():
    blocks = []
    mic, stream = open_mic(blocks, InputDevice(0, "USB interface", 2, 48000, default=True))
    assert stream.kwargs["channels"] == 2 and mic.sample_rate == 48000
    stream.callback(np.array([[0.5, -0.5], [0.2, 0.4]], np.float32), 2, None, None)
    assert blocks[0].tolist() == pytest.approx([0.0, 0.3])
    mic.close()


def test_overflows_are_counted():
    mic, stream = open_mic([])
    stream.feed(np.zeros(256 * 6), overflow_every=3)
    assert mic.overflows == 2
    mic.close()


def test_no_input_device_says_so():
    mic = Microphone(lambda b: None, stream_factory=FakeInputStream, devices=lambda: [])
    with pytest.raises(NoMicrophone, match="No microphone or other audio input was found"):
        mic.open()
    assert mic.stream is None


def test_this_machine_has_no_input_and_says_so():
    """The real PortAudio here has no device at all (MACHINE-NOTES): the listing is empty, not an error."""
    assert microphone.input_devices() == [] or all(d.channels >= 1 for d in microphone.input_devices())
    if not microphone.input_devices():
        with pytest.raises(NoMicrophone):
            Microphone(lambda b: None).open()


def test_a_busy_device_says_another_program_holds_it():
    mic = Microphone(lambda b: None, stream_factory=refusing_stream("Device unavailable", -9985), devices=lambda: [MIC])
    with pytest.raises(MicrophoneBusy, match="Test microphone is in use by another program"):
        mic.open()
    mic = Microphone(lambda b: None, stream_factory=refusing_stream("Error opening InputStream: Device or resource "
                                                                    "busy [PaErrorCode -9985]"), devices=lambda: [MIC])
    with pytest.raises(MicrophoneBusy):
        mic.open()


def test_a_device_gone_when_opening_says_so():
    mic = Microphone(lambda b: None, stream_factory=refusing_stream("Invalid device", -9996), devices=lambda: [MIC])
    with pytest.raises(MicrophoneError, match="not connected any more"):
        mic.open()
    other = Microphone(lambda b: None, stream_factory=refusing_stream("Unanticipated host error", -9999),
                       devices=lambda: [MIC])
    with pytest.raises(MicrophoneError, match=r"could not be opened \(Unanticipated host error \[PaErrorCode"):
        other.open()


def test_picking_a_device():
    devices = [InputDevice(1, "Built-in Microphone", 1, 44100), InputDevice(4, "USB Audio CODEC", 2, 48000, True)]
    assert pick_device(devices).index == 4                 # the system's default
    assert pick_device(devices, "usb").index == 4
    assert pick_device(devices, 1).name == "Built-in Microphone"
    assert pick_device(devices[:1]).index == 1             # no default marked: the first
    with pytest.raises(MicrophoneError, match="'Headset' is not connected. Inputs found: Built-in Microphone"):
        pick_device(devices, "Headset")


def test_the_device_and_its_rate_are_known_before_opening():
    mic = Microphone(lambda b: None, device="usb", stream_factory=FakeInputStream,
                     devices=lambda: [MIC, InputDevice(5, "USB Audio CODEC", 2, 48000)])
    assert mic.choose().index == 5 and mic.sample_rate == 48000 and mic.stream is None
    mic.open()
    assert FakeInputStream.opened[-1].kwargs["device"] == 5
    mic.close()


def test_unplugged_while_recording_is_a_problem_and_keeps_what_was_heard():
    blocks = []
    mic, stream = open_mic(blocks)
    stream.feed(np.full(512, 0.1))
    stream.unplug()
    assert "stopped sending sound (was it unplugged?)" in mic.check()
    assert len(blocks) == 2
    mic.close()


def test_a_stream_that_falls_silent_without_a_word_is_found_out():
    clock = Clock()
    mic, stream = open_mic([], clock=clock)
    stream.feed(np.zeros(256))
    clock.now += 1.0
    assert mic.check() is None
    clock.now += 1.5                                        # 2.5 s with no block: the device has gone
    assert "was it unplugged?" in mic.check()
    mic.close()


REAL_STREAM = """
import time
from musicstudio.audio.microphone import Microphone
blocks = []
mic = Microphone(blocks.append, blocksize=512)
mic.open()
time.sleep(0.2)
print(len(blocks) > 0, blocks[0].shape == (512,), str(blocks[0].dtype), mic.sample_rate > 0, mic.check())
mic.close()
print(mic.running, mic.problem)
"""


def test_a_real_portaudio_stream_on_alsas_null_device(tmp_path):
    """PortAudio itself, in a process of its own pointed at ALSA's null device (MACHINE-NOTES): the stream
    opens, blocks of mono float32 arrive, and closing it is no problem."""
    import os
    import subprocess
    import sys

    try:
        import sounddevice  # noqa: F401
    except OSError:
        pytest.skip("PortAudio is not installed here")
    config = tmp_path / "asound.conf"
    config.write_text("pcm.!default { type null }\nctl.!default { type hw card 0 }\n")
    run = subprocess.run([sys.executable, "-c", REAL_STREAM], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "ALSA_CONFIG_PATH": str(config)})
    assert run.returncode == 0, run.stderr
    assert run.stdout.split("\n")[:2] == ["True True float32 True None", "False None"]
