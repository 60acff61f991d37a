"""A track's volume and pan are its tick-0 controller values: read, set in place or added, undone, merged."""

import pytest

from musicstudio.core import Note, Song, Track
from musicstudio.core.controls import PAN, VOLUME, controller, pitch_bend
from musicstudio.core.mixer import merged, mix_change, mix_value, pan_text, volume_text


def song_with(*controls) -> Song:
    return Song((Track("Lead", 0, False, (Note(60, 0, 480, 90),), controls=controls),))


def test_a_track_without_tick_0_events_plays_at_the_general_midi_defaults():
    track = song_with(controller(480, VOLUME, 30)).tracks[0]
    assert (mix_value(track, VOLUME), mix_value(track, PAN)) == (100, 64)


def test_the_last_tick_0_event_is_the_value_in_effect():
    track = song_with(controller(0, VOLUME, 20), controller(0, PAN, 0), controller(0, VOLUME, 90)).tracks[0]
    assert (mix_value(track, VOLUME), mix_value(track, PAN)) == (90, 0)


def test_setting_a_value_the_track_lacks_adds_one_event_after_the_tick_0_events():
    song = song_with(controller(0, 0, 1), pitch_bend(0, 100), controller(480, VOLUME, 30))
    change = mix_change(0, song.tracks[0], VOLUME, 0)
    after = change.apply(song)
    assert after.tracks[0].controls == (controller(0, 0, 1), pitch_bend(0, 100), controller(0, VOLUME, 0),
                                        controller(480, VOLUME, 30))
    assert change.inverse().apply(after) == song


def test_setting_a_value_replaces_the_tick_0_event_in_its_place():
    events = (controller(0, 101, 0), controller(0, VOLUME, 80), controller(0, 100, 0), controller(0, 6, 12))
    song = song_with(*events)
    after = mix_change(0, song.tracks[0], VOLUME, 127).apply(song)
    assert after.tracks[0].controls == (events[0], controller(0, VOLUME, 127), *events[2:])
    assert mix_change(0, after.tracks[0], VOLUME, 127) is None


def test_the_default_needs_no_event():
    assert mix_change(0, song_with().tracks[0], PAN, 64) is None


def test_steps_of_one_gesture_merge_into_one_change_that_undoes_to_the_start():
    song = song_with(controller(0, PAN, 30))
    steps, now = [], song
    for value in (20, 10, 0):
        steps.append(mix_change(0, now.tracks[0], PAN, value))
        now = steps[-1].apply(now)
    one = merged(merged(steps[0], steps[1]), steps[2])
    assert one.apply(song) == now
    assert one.inverse().apply(now) == song
    added = [mix_change(0, song_with().tracks[0], VOLUME, 50)]
    middle = added[0].apply(song_with())
    added.append(mix_change(0, middle.tracks[0], VOLUME, 40))
    assert merged(*added).apply(song_with()).tracks[0].controls == (controller(0, VOLUME, 40),)
    with pytest.raises(ValueError, match="merged"):
        merged(steps[2], steps[0])


def test_values_outside_the_mixer_are_refused_in_words():
    track = song_with().tracks[0]
    with pytest.raises(ValueError, match="not a mixer control"):
        mix_change(0, track, 64, 0)
    with pytest.raises(ValueError, match="0..127"):
        mix_change(0, track, VOLUME, 128)


def test_values_read_as_a_musician_says_them():
    assert volume_text(127) == "Volume 127 (0 dB)"
    assert volume_text(100) == "Volume 100 (-4.2 dB)"
    assert volume_text(0) == "Volume 0 (silent)"
    assert (pan_text(64), pan_text(0), pan_text(127), pan_text(48)) == (
        "Pan centre", "Pan 100% left", "Pan 100% right", "Pan 25% left")
