"""A FluidSynth synthesizer rendering float samples on demand, with no audio driver.

pyfluidsynth is imported when the first synthesizer is made: without the FluidSynth library the
app still starts, and asking for sound gives :class:`SynthUnavailable` with what to install.
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

import numpy as np

from musicstudio.audio.errors import SoundFontError, SynthUnavailable
from musicstudio.audio.soundfont import check_soundfont

DRUM_BANK = 128
# MIDI's 16, and more beyond them for notes played live, which no song track can take (FluidSynth
# counts channels in sixteens).
CHANNELS = 32
_write_float = None
_pressure = None   # (fluid_synth_channel_pressure, fluid_synth_key_pressure): pyfluidsynth wraps neither

# What a channel is reset to when playback stops or loops: pedals up, General MIDI defaults (RP-015).
SUSTAIN, SOSTENUTO, SOFT, RESET_CONTROLLERS, ALL_NOTES_OFF = 64, 66, 67, 121, 123
VOLUME, PAN, DEFAULT_VOLUME, CENTRE_PAN = 7, 10, 100, 64
# RPN 0 (pitch-bend range) back to 2 semitones, then the null RPN so that data entry changes nothing.
_BEND_RANGE_RESET = ((101, 0), (100, 0), (6, 2), (38, 0), (101, 127), (100, 127))


def _load_fluidsynth():
    global _write_float, _pressure
    try:
        import fluidsynth
    except (ImportError, OSError) as e:
        raise SynthUnavailable("FluidSynth is not installed, so Music Studio cannot make sound: install "
                               "the libfluidsynth3 package (Debian/Ubuntu) or FluidSynth for your system") from e
    if _write_float is None:
        # pyfluidsynth only wraps the 16-bit writer; float output keeps headroom for 24-bit WAV files.
        _write_float = fluidsynth.cfunc(
            "fluid_synth_write_float", ctypes.c_int,
            ("synth", ctypes.c_void_p, 1), ("len", ctypes.c_int, 1),
            ("lout", ctypes.c_void_p, 1), ("loff", ctypes.c_int, 1), ("lincr", ctypes.c_int, 1),
            ("rout", ctypes.c_void_p, 1), ("roff", ctypes.c_int, 1), ("rincr", ctypes.c_int, 1))
    if _pressure is None:
        _pressure = (
            fluidsynth.cfunc("fluid_synth_channel_pressure", ctypes.c_int, ("synth", ctypes.c_void_p, 1),
                             ("chan", ctypes.c_int, 1), ("val", ctypes.c_int, 1)),
            fluidsynth.cfunc("fluid_synth_key_pressure", ctypes.c_int, ("synth", ctypes.c_void_p, 1),
                             ("chan", ctypes.c_int, 1), ("key", ctypes.c_int, 1), ("val", ctypes.c_int, 1)))
    return fluidsynth


def fluidsynth_version() -> str:
    """The FluidSynth library's version ("2.3.4"), or why there is none."""
    try:
        fluidsynth = _load_fluidsynth()
        version = fluidsynth.cfunc("fluid_version_str", ctypes.c_char_p)
        return version().decode("ascii", "replace")
    except SynthUnavailable:
        return "not installed (no sound: install libfluidsynth3)"
    except (AttributeError, OSError) as e:
        return f"installed, version unknown ({e})"


class Synth:
    """One FluidSynth instance with one SoundFont loaded. Not thread-safe: one owner at a time."""

    def __init__(self, soundfont: Path, sample_rate: int = 44100, gain: float = 0.5, threads: int | None = None,
                 settings: dict[str, int | float | str] | None = None):
        """``settings``: more FluidSynth settings by name (``synth.audio-groups`` ...)."""
        check_soundfont(Path(soundfont))
        fluidsynth = _load_fluidsynth()
        self.sample_rate = sample_rate
        # FluidSynth shares the voices of one render among this many threads: about twice as fast on 2 cores.
        threads = threads or min(os.cpu_count() or 1, 4)
        self._fs = fluidsynth.Synth(gain=gain, samplerate=float(sample_rate), channels=CHANNELS,
                                    **{"synth.cpu-cores": threads, **(settings or {})})
        self.sfid = self._fs.sfload(str(soundfont))
        if self.sfid < 0:
            self._fs.delete()
            raise SoundFontError(f"FluidSynth could not load the SoundFont {soundfont} (it may be damaged)")
        self.soundfont = Path(soundfont)

    def set_program(self, channel: int, program: int, is_drum: bool = False) -> None:
        bank = DRUM_BANK if is_drum else 0
        if self._fs.program_select(channel, self.sfid, bank, program) != 0 and is_drum:
            self._fs.program_select(channel, self.sfid, DRUM_BANK, 0)  # the SoundFont lacks that kit

    def note_on(self, channel: int, pitch: int, velocity: int) -> None:
        self._fs.noteon(channel, pitch, velocity)

    def note_off(self, channel: int, pitch: int) -> None:
        self._fs.noteoff(channel, pitch)

    def control_change(self, channel: int, number: int, value: int) -> None:
        self._fs.cc(channel, number, value)

    def pitch_bend(self, channel: int, value: int) -> None:
        """``value`` -8192 (down) .. 0 (centre) .. 8191 (up), as in :data:`~musicstudio.core.controls.PITCH_BEND`."""
        self._fs.pitch_bend(channel, value)

    def channel_pressure(self, channel: int, value: int) -> None:
        _pressure[0](self._fs.synth, channel, value)

    def key_pressure(self, channel: int, pitch: int, value: int) -> None:
        _pressure[1](self._fs.synth, channel, pitch, value)

    def all_notes_off(self) -> None:
        for channel in range(CHANNELS):
            self.all_notes_off_channel(channel)

    def all_notes_off_channel(self, channel: int) -> None:
        self._fs.cc(channel, ALL_NOTES_OFF, 0)

    def reset_channel(self, channel: int) -> None:
        """Nothing left hanging: pedals up, controllers, pressure and bend (and its range) back to their
        defaults, volume 100 and pan centre, then every note released. The program stays."""
        fs = self._fs
        for number in (SUSTAIN, SOSTENUTO, SOFT):
            fs.cc(channel, number, 0)
        fs.cc(channel, RESET_CONTROLLERS, 0)
        for number, value in ((VOLUME, DEFAULT_VOLUME), (PAN, CENTRE_PAN)) + _BEND_RANGE_RESET:
            fs.cc(channel, number, value)
        fs.pitch_bend(channel, 0)
        self.channel_pressure(channel, 0)
        fs.cc(channel, ALL_NOTES_OFF, 0)

    def render(self, frames: int, out: np.ndarray | None = None) -> np.ndarray:
        """The next ``frames`` stereo frames as float32 (frames x 2), written into ``out`` if given."""
        if out is None:
            out = np.empty((frames, 2), dtype=np.float32)
        if frames:
            assert out.dtype == np.float32 and out.flags.c_contiguous and out.shape == (frames, 2)
            ptr = out.ctypes.data_as(ctypes.c_void_p)
            _write_float(self._fs.synth, frames, ptr, 0, 2, ptr, 1, 2)
        return out

    def close(self) -> None:
        if self._fs is not None:
            self._fs.delete()
            self._fs = None

    def __enter__(self) -> Synth:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
