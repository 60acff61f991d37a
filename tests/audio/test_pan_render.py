"""Each track's pan applied to its own rendered pair in the WAV export (issue 21): panned tracks sum to the mix,
centre keeps the SoundFont's stereo image, pan changes during the song are followed, and the export's peak
ceiling, progress and cancel hold for a panned song."""

from contextlib import closing

import numpy as np
import pytest

from musicstudio.audio.errors import RenderCancelled
from musicstudio.audio.pan_law import PanLane
from musicstudio.audio.panned_render import OutputSynth, PannedRenderer, without_pan
from musicstudio.audio.render import PEAK_CEILING, SAMPLE_RATE, export_wav, render_blocks
from musicstudio.audio.schedule import Renderer, schedule
from musicstudio.audio.synth import Synth
from musicstudio.core import Note, Song, Track
from musicstudio.core.controls import PAN, controller
from musicstudio.core.mixer import mix_change
from musicstudio.core.ticks import PPQ
from musicstudio.io.wav import read_wav

BAR = 4 * PPQ   # 2 s at the default 120 BPM


def pad(program: int, name: str, bars: int = 1, velocity: int = 100) -> Track:
    """Held chords under a moving line, for ``bars`` bars."""
    notes = [Note(p, b * BAR, BAR, velocity) for b in range(bars) for p in (48, 55, 64)]
    notes += [Note(72 + step, b * BAR + i * PPQ // 2, PPQ // 2, velocity)
              for b in range(bars) for i, step in enumerate((0, 2, 4, 5, 7, 5, 4, 2))]
    return Track(name, program, False, tuple(notes))


def panned(track: Track, value: int) -> Track:
    return mix_change(0, track, PAN, value).apply(Song((track,))).tracks[0]


def rendered(song: Song, soundfont) -> np.ndarray:
    """The song's samples as the export renders them, before any scaling to the peak ceiling."""
    with closing(render_blocks(song, soundfont)) as blocks:
        return np.concatenate([block.astype(np.float64) for block in blocks])


def rms_db(samples: np.ndarray) -> float:
    return 20 * np.log10(max(float(np.sqrt(np.mean(samples ** 2))), 1e-12))


def test_centre_keeps_the_soundfonts_stereo_image(soundfont):
    """Rendered through per-channel outputs (each with its own reverb and chorus) at centre, the strings are the
    samples FluidSynth makes through its one output: the outputs add nothing and lose nothing."""
    song = Song((pad(48, "Strings"), pad(0, "Piano")))
    frames = 3 * SAMPLE_RATE
    with Synth(soundfont, SAMPLE_RATE) as synth:
        plain = Renderer(synth, schedule(song, SAMPLE_RATE)).render(np.zeros((frames, 2), np.float32))
    with OutputSynth(soundfont, SAMPLE_RATE, 2, {0, 1}) as synth:
        outputs = PannedRenderer(synth, without_pan(schedule(song, SAMPLE_RATE)), [PanLane(), PanLane()])
        split = np.concatenate([outputs.render(np.zeros((4096, 2), np.float32)) for _ in range(0, frames, 4096)])
    split = split[:frames].astype(np.float64)
    plain = plain.astype(np.float64)
    assert rms_db(split - plain) < rms_db(plain) - 80
    left, right = (plain ** 2).sum(axis=0)
    assert 0.35 < left / (left + right) < 0.65     # a stereo image to keep, not a mono one


def test_a_mix_of_panned_tracks_is_the_sum_of_each_tracks_render(soundfont):
    """Within 70 dB. Instruments with a resonant filter (TimGM6mb's synth leads) are left out: FluidSynth's own
    one-output mix of one with a piano differs from the two renders summed by -45 dB at their note-ons, with
    CC10 as before: there FluidSynth's voices are not independent of the other channels'."""
    strings = panned(pad(48, "Strings", velocity=70), 0)
    piano = panned(pad(0, "Piano", velocity=70), 100)
    guitar = pad(24, "Guitar", velocity=70)
    mix = rendered(Song((strings, piano, guitar)), soundfont)
    alone = [rendered(Song((track,)), soundfont) for track in (strings, piano, guitar)]
    assert np.abs(mix).max() < PEAK_CEILING           # unscaled, so the parts must add up
    frames = min(map(len, alone))                     # each render's tail is cut where it falls silent
    mix, alone = mix[:frames], [part[:frames] for part in alone]
    assert rms_db(mix - sum(alone)) < rms_db(mix) - 70
    assert not alone[0][:, 1].any()                   # the strings' hard left: nothing on the right


def test_a_pan_change_during_the_song_moves_the_track_at_its_tick(soundfont):
    track = pad(48, "Strings", bars=2)
    track = Track(track.name, track.program, False, track.notes,
                  controls=(controller(0, PAN, 0), controller(BAR, PAN, 127)))
    audio = rendered(Song((track,)), soundfont)
    change = 2 * SAMPLE_RATE                          # bar 2 starts 2 s in at 120 BPM
    before, after = audio[:change], audio[change + 64:]
    assert not before[:, 1].any() and np.abs(before[:, 0]).max() > 0.01
    assert np.abs(after[:, 0]).max() < 1e-9 * np.abs(after[:, 1]).max()


def test_a_loud_panned_song_is_scaled_to_the_ceiling_and_stays_panned(tmp_path, soundfont):
    wall = Track("Wall", 48, False, tuple(Note(p, 0, BAR, 127) for p in range(36, 100, 2)))
    song = Song((panned(wall, 0), pad(0, "Piano")))
    seen = []
    export_wav(song, tmp_path / "loud.wav", bits=24, soundfont=soundfont, progress=seen.append)
    samples, _ = read_wav(tmp_path / "loud.wav")
    samples = samples.astype(np.float64)
    assert np.abs(samples).max() <= PEAK_CEILING + 1e-6 and np.abs(samples).max() > 0.5
    assert seen == sorted(seen) and seen[-1] == 1.0
    left, right = (samples ** 2).sum(axis=0)
    assert left / (left + right) > 0.95               # the wall, hard left, is most of the mix


def test_a_panned_render_can_be_cancelled(tmp_path, soundfont):
    song = Song((panned(pad(48, "Strings", bars=8), 20),))
    polls = []

    def cancelled():
        polls.append(1)
        return len(polls) > 3

    with pytest.raises(RenderCancelled):
        export_wav(song, tmp_path / "gone.wav", soundfont=soundfont, cancelled=cancelled)
    assert not (tmp_path / "gone.wav").exists()
