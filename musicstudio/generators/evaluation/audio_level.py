"""How loud a phrase comes out: energy and mean level of its FluidSynth render.

The phrase is rendered as one track with :func:`musicstudio.audio.render.render_song` (44.1 kHz stereo,
with the release tail, peaks kept under -0.1 dBFS), by default with the SoundFont bundled with pretty_midi
(TimGM6mb.sf2), so that numbers compare across machines. With ``x[t, c]`` the samples:

- ``energy`` = sum over frames of the mean over channels of x², in full-scale units squared;
- ``rms_dbfs`` = 20 log10 sqrt(energy / frames): a full-scale sine reads -3.01 dBFS (no +3 dB correction);
- ``peak_dbfs`` = 20 log10 max |x|; levels of silence are -inf.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple, Sequence

import numpy as np

from musicstudio.audio.render import SAMPLE_RATE, render_song
from musicstudio.audio.soundfont import bundled_soundfont
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track


class AudioLevel(NamedTuple):
    energy: float
    rms_dbfs: float
    peak_dbfs: float
    seconds: float


def _dbfs(amplitude: float) -> float:
    return float(20 * np.log10(amplitude)) if amplitude > 0 else float("-inf")


def audio_level(samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> AudioLevel:
    """Energy and levels of float samples (frames, or frames x channels)."""
    x = np.asarray(samples, dtype=np.float64)
    x = x[:, None] if x.ndim == 1 else x
    if not len(x):
        return AudioLevel(0.0, float("-inf"), float("-inf"), 0.0)
    energy = float((x * x).mean(axis=1).sum())
    return AudioLevel(energy, _dbfs(np.sqrt(energy / len(x))), _dbfs(float(np.abs(x).max())), len(x) / sample_rate)


def render_phrase(notes: Sequence[Note], program: int = 0, tempo_bpm: float = 120.0,
                  soundfont: str | Path | None = None) -> np.ndarray:
    """The phrase played by General MIDI ``program`` at ``tempo_bpm``: float32 frames x 2."""
    song = Song((Track("Phrase", program, False, tuple(notes)),)).with_tempo_bpm(tempo_bpm)
    return render_song(song, soundfont if soundfont is not None else bundled_soundfont())


def phrase_level(notes: Sequence[Note], program: int = 0, tempo_bpm: float = 120.0,
                 soundfont: str | Path | None = None) -> AudioLevel:
    """:func:`audio_level` of :func:`render_phrase`."""
    return audio_level(render_phrase(notes, program, tempo_bpm, soundfont))
