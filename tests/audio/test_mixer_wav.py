"""The mixer heard in the WAV: a track's tick-0 volume and pan (core/mixer.py) rendered by FluidSynth through
the WAV export path. A track at volume 0 is silent (below -80 dBFS); hard left puts at least 95% of its
energy in the left channel, whatever the instrument (audio/pan_law.py pans the track's rendered pair)."""

import numpy as np
import pytest

from musicstudio.audio.render import export_wav
from musicstudio.audio.soundfont import bundled_soundfont
from musicstudio.core import Note, Song, Track
from musicstudio.core.controls import PAN, VOLUME
from musicstudio.core.mixer import mix_change
from musicstudio.io.wav import read_wav

# A bar of chords and a melody, for instruments of different kinds: piano, strings, brass, a synth lead.
PROGRAMS = {"Piano": 0, "Strings": 48, "Trumpet": 56, "Lead": 81}
# FluidSynth alone pans a voice by adding CC10 to its sample's own pan, before its chorus and reverb sends:
# TimGM6mb's string ensembles (stereo pairs panned apart, a large chorus send) and its synth leads and pads (a
# large chorus send) kept 19-47% of their energy in the right channel at hard left that way. The export now
# pans each track's output after synthesis, so every instrument follows the pan.
PANNED = {"Piano": 0, "Nylon guitar": 24, "Acoustic bass": 32, "Trumpet": 56, "Flute": 73, "Strings": 48,
          "Slow strings": 49, "Synth lead": 81, "Pad": 88}

def phrase(program: int, name: str) -> Track:
    notes = [Note(p, 0, 1920, 100) for p in (48, 55, 64)]
    notes += [Note(72 + step, i * 240, 240, 110) for i, step in enumerate((0, 2, 4, 5, 7, 5, 4, 2))]
    return Track(name, program, False, tuple(notes))


def mixed(track: Track, number: int, value: int) -> Track:
    song = Song((track,))
    return mix_change(0, track, number, value).apply(song).tracks[0]


def exported(tmp_path, *tracks: Track, bits: int = 24) -> np.ndarray:
    path = tmp_path / "mix.wav"
    export_wav(Song(tuple(tracks)), path, bits=bits, soundfont=soundfont())
    samples, _ = read_wav(path)
    return samples.astype(np.float64)


def soundfont():
    sf = bundled_soundfont()
    assert sf is not None, "pretty_midi's TimGM6mb.sf2 should be installed"
    return sf


def rms_dbfs(samples: np.ndarray) -> float:
    return 20 * np.log10(max(float(np.sqrt(np.mean(samples ** 2))), 1e-12))


def left_share(samples: np.ndarray) -> float:
    energy = (samples ** 2).sum(axis=0)
    return float(energy[0] / energy.sum())


@pytest.mark.parametrize("name", PROGRAMS)
def test_a_track_at_volume_0_is_silent_in_the_wav(tmp_path, name):
    track = phrase(PROGRAMS[name], name)
    full = rms_dbfs(exported(tmp_path, track))
    silent = rms_dbfs(exported(tmp_path, mixed(track, VOLUME, 0)))
    assert full > -40, f"{name} at volume 100 should be heard ({full:.1f} dBFS)"
    assert silent < -80, f"{name} at volume 0: {silent:.1f} dBFS RMS (at 100: {full:.1f} dBFS)"


def test_a_silent_track_leaves_the_others_as_they_were(tmp_path):
    piano, strings = phrase(0, "Piano"), phrase(48, "Strings")
    alone = exported(tmp_path, strings)
    together = exported(tmp_path, mixed(piano, VOLUME, 0), strings)
    frames = min(len(alone), len(together))
    difference = rms_dbfs(together[:frames] - alone[:frames])
    assert difference < -80, f"the silent piano still adds {difference:.1f} dBFS to the strings"


@pytest.mark.parametrize("name", PANNED)
def test_pan_hard_left_puts_the_track_in_the_left_channel(tmp_path, name):
    track = phrase(PANNED[name], name)
    left = left_share(exported(tmp_path, mixed(track, PAN, 0)))
    centre = left_share(exported(tmp_path, track))
    right = left_share(exported(tmp_path, mixed(track, PAN, 127)))
    figures = f"{name}: left channel's share of the energy {left:.1%} hard left, {centre:.1%} centred, " \
              f"{right:.1%} hard right"
    assert left >= 0.95, figures
    assert right <= 0.05, figures
    assert 0.35 < centre < 0.65, figures
