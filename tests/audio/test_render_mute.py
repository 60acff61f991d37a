"""Mute and solo are heard in the WAV export as in playback (issue 21): the exported mix is the song as
the track list sets it."""

import numpy as np

from musicstudio.audio.render import render_song
from musicstudio.audio.soundfont import bundled_soundfont
from musicstudio.core import Note, Song, Track

PIANO = Track("Piano", 0, False, tuple(Note(60 + i, i * 480, 480, 100) for i in range(4)))
BASS = Track("Bass", 32, False, tuple(Note(36, i * 480, 480, 100) for i in range(4)))


def rms(song: Song) -> float:
    audio = render_song(song, bundled_soundfont())
    return float(np.sqrt(np.mean(np.square(audio, dtype=np.float64))))


def test_a_muted_track_is_silent_and_a_soloed_one_plays_alone():
    both, piano_only = rms(Song((PIANO, BASS))), rms(Song((PIANO,)))
    assert both > piano_only * 1.05                                  # the bass adds to the mix
    muted = rms(Song((PIANO, BASS.with_mix(muted=True))))
    soloed = rms(Song((PIANO.with_mix(solo=True), BASS)))
    assert abs(muted - piano_only) < 1e-4 * piano_only and abs(soloed - piano_only) < 1e-4 * piano_only
    assert rms(Song((PIANO.with_mix(muted=True), BASS.with_mix(muted=True)))) < 1e-6
