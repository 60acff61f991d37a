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
_write_float = None


def _load_fluidsynth():
    global _write_float
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
    return fluidsynth


class Synth:
    """One FluidSynth instance with one SoundFont loaded. Not thread-safe: one owner at a time."""

    def __init__(self, soundfont: Path, sample_rate: int = 44100, gain: float = 0.5, threads: int | None = None):
        check_soundfont(Path(soundfont))
        fluidsynth = _load_fluidsynth()
        self.sample_rate = sample_rate
        # FluidSynth shares the voices of one render among this many threads: about twice as fast on 2 cores.
        threads = threads or min(os.cpu_count() or 1, 4)
        self._fs = fluidsynth.Synth(gain=gain, samplerate=float(sample_rate), **{"synth.cpu-cores": threads})
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

    def all_notes_off(self) -> None:
        for channel in range(16):
            self.all_notes_off_channel(channel)

    def all_notes_off_channel(self, channel: int) -> None:
        self._fs.cc(channel, 123, 0)

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
