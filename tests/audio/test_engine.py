"""The playback engine: the callback's blocks match the offline render, live notes sound at once,
loops, metronome, count-in, mute and solo; no sound card is a message, not a crash."""

import numpy as np
import pytest

from musicstudio.audio.engine import PlaybackEngine
from musicstudio.audio.output import AudioOutput, AudioUnavailable
from musicstudio.audio.render import render_song
from musicstudio.audio.schedule import CLICK_CHANNEL, NOTE_ON, audible_tracks, schedule
from musicstudio.audio.soundfont import bundled_soundfont
from musicstudio.audio.synth import Synth
from musicstudio.core import Note, Song, Tempo, Track

RATE = 44100


@pytest.fixture
def engine():
    synth = Synth(bundled_soundfont(), RATE)
    yield PlaybackEngine(synth)
    synth.close()


def spaced_song() -> Song:
    """Notes with silence between them, so each onset can be found in the audio."""
    notes = tuple(Note(60 + 2 * i, i * 960 + (37 * i) % 200, 240, 100) for i in range(8))
    return Song((Track("Piano", 0, False, notes),), tempos=(Tempo(0, 500_000),))


def onsets(samples: np.ndarray, relative: float = 0.02) -> list[int]:
    """Frames where sound rises above 2% of the peak after at least 20 ms below it."""
    level = np.abs(samples).max(axis=1)
    loud = level > relative * level.max()
    found, quiet_run = [], 10**9
    for i, is_loud in enumerate(loud):
        if is_loud and quiet_run >= 882:
            found.append(i)
        quiet_run = 0 if is_loud else quiet_run + 1
    return found


def render_blocks(engine: PlaybackEngine, frames: int, block: int = 256) -> np.ndarray:
    out = np.zeros((frames, 2), np.float32)
    for start in range(0, frames, block):
        engine.render(out[start:start + block])
    return out


def test_callback_blocks_match_the_offline_render(engine):
    song = spaced_song()
    engine.set_song(song)
    engine.play(0)
    live = render_blocks(engine, 9 * RATE, block=256)
    offline = render_song(song, bundled_soundfont(), RATE)
    expected = [round(s.frame) for s in schedule(song, RATE) if s.kind == NOTE_ON]
    got_live, got_offline = onsets(live), onsets(offline)
    assert len(got_live) == len(got_offline) == len(expected) == 8
    for a, b, e in zip(got_live, got_offline, expected):
        assert abs(a - b) <= RATE // 1000           # within 1 ms of each other
        assert 0 <= a - e <= 10 * RATE // 1000      # never early; later only by the sample's own attack


def first_difference(a: np.ndarray, b: np.ndarray) -> int:
    return int(np.argmax(np.abs(a - b).max(axis=1) > 1e-7))


def test_a_note_starts_on_the_same_frame_whatever_the_block_size():
    """Rendered with and without one note, the two signals part at the same frame for every block
    size, within 1 ms after the scheduled frame (FluidSynth's voice starts a few samples in)."""
    def play(song, block):
        with Synth(bundled_soundfont(), RATE) as synth:
            engine = PlaybackEngine(synth)
            engine.set_song(song)
            engine.play(0)
            return render_blocks(engine, RATE, block)

    base = (Note(48, 0, 1920, 80),)
    with_note = Song((Track("", 0, False, base + (Note(72, 777, 240, 100),)),))
    without = Song((Track("", 0, False, base),))
    frame = next(e.frame for e in schedule(with_note, RATE) if e.kind == NOTE_ON and e.pitch == 72)
    assert frame == round(777 / 480 * 0.5 * RATE)
    parts = {block: first_difference(play(with_note, block), play(without, block)) for block in (64, 256, 1000)}
    assert len(set(parts.values())) == 1, parts
    assert 0 <= parts[256] - frame <= RATE // 1000


def test_an_audition_sounds_within_the_first_block(engine):
    render_blocks(engine, 1024)
    engine.audition(64, 100)
    out = render_blocks(engine, 2048, block=256)
    first = int(np.argmax(np.abs(out).max(axis=1) > 1e-4))
    assert 0 < np.abs(out).max() and first < 256   # heard in the very block after the request
    # and it ends by itself after a moment
    tail = render_blocks(engine, RATE, block=256)
    assert np.abs(tail[-2048:]).max() < 1e-3


def test_loop_wraps_the_position(engine):
    engine.set_song(spaced_song())
    engine.set_loop(0, 960)                      # half a second at 120 BPM
    engine.play(0)
    render_blocks(engine, RATE)                  # one second: two passes
    assert 0 <= engine.frame < RATE // 2
    assert not engine.finished


def test_metronome_and_count_in(engine):
    song = Song((Track("", 0, False, (Note(60, 0, 240, 100),)),), tempos=(Tempo(0, 500_000),))
    engine.set_song(song)
    engine.play(0, count_in_bars=1)
    assert engine.frame == -2 * RATE              # one 4/4 bar at 120 BPM before the song
    clicks = [e for e in engine.events if e.kind == NOTE_ON and e.channel == CLICK_CHANNEL]
    assert [c.frame for c in clicks] == [-2 * RATE + k * RATE // 2 for k in range(4)]
    engine.set_metronome(True)
    clicks = [e for e in engine.events if e.kind == NOTE_ON and e.channel == CLICK_CHANNEL]
    assert clicks and clicks[0].frame == 0


def test_mute_and_solo_choose_the_audible_tracks():
    a = Track("a", 0, False, (Note(60, 0, 10),))
    song = Song((a, a.with_mix(muted=True), a.with_name("c")))
    assert audible_tracks(song) == [0, 2]
    song = song.with_track(2, song.tracks[2].with_mix(solo=True))
    assert audible_tracks(song) == [2]


def test_no_sound_card_is_a_clear_message(engine, monkeypatch):
    monkeypatch.setattr("musicstudio.audio.output.output_devices", lambda: [])
    with pytest.raises(AudioUnavailable, match="no audio output device"):
        AudioOutput(engine).start()


def test_a_device_that_cannot_open_is_a_clear_message(engine):
    with pytest.raises(AudioUnavailable, match="could not be opened"):
        AudioOutput(engine, device="no such device 1234").start()


def test_a_fader_moved_while_playing_keeps_the_sounding_notes_and_is_heard(engine):
    """A controller-only edit (the mixer's tick-0 volume) does not silence the channels: the held note
    rings on, at the new volume; an edit of the notes still does."""
    from musicstudio.core.controls import VOLUME, controller

    held = Song((Track("Pad", 0, False, (Note(60, 0, 4 * 480, 100),)),))
    engine.set_song(held)
    engine.play(0)
    render_blocks(engine, RATE // 4)                                 # the note is sounding
    engine.set_song(held.with_track(0, held.tracks[0].with_controls((controller(0, VOLUME, 50),))))
    assert not engine._reset_synth
    quieter = render_blocks(engine, RATE // 4)
    assert np.abs(quieter).max() > 1e-3                              # still sounding
    engine.set_song(held.with_track(0, held.tracks[0].with_notes((Note(62, 0, 4 * 480, 100),))))
    assert engine._reset_synth
