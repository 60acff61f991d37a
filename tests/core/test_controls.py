"""What a track plays besides notes (issue 20): checked control events and texts, their order at one tick,
the lanes they belong to, ControlChange and its inverse, carried_controls, and Track/Song equality."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from musicstudio.core import Note, Song, Track
from musicstudio.core.changes import ChangeError, ControlChange, NoteChange
from musicstudio.core.controls import (
    Control,
    SongText,
    controller,
    controller_name,
    in_tick_order,
    make_control,
    make_text,
    pitch_bend,
    value_at,
)
from musicstudio.core.edits import carried_controls

# An RPN message setting the pitch-bend range: the order of its four controllers at one tick matters.
BEND_RANGE = (controller(0, 101, 0), controller(0, 100, 0), controller(0, 6, 12), controller(0, 38, 0))


# -- checked events ------------------------------------------------------------------------------------
@pytest.mark.parametrize("args", [
    (0, "cc", 64, 127), (0, "cc", 0, 0), (5, "bend", 0, -8192), (5, "bend", 0, 8191), (9, "pressure", 0, 127),
    (9, "poly", 127, 1), (10**9, "program", 0, 127),
])
def test_make_control_accepts_every_kind_in_range(args):
    assert make_control(*args) == Control(*args)


@pytest.mark.parametrize("args, error, reason", [
    ((True, "cc", 64, 0), TypeError, "tick must be a whole number, not True"),
    ((0.0, "cc", 64, 0), TypeError, "tick must be a whole number, not 0.0"),
    ((0, "cc", False, 0), TypeError, "number must be a whole number"),
    ((0, "cc", 64, "127"), TypeError, "value must be a whole number, not '127'"),
    ((0, "sysex", 0, 0), ValueError, "unknown control event kind 'sysex'"),
    ((-1, "cc", 64, 0), ValueError, "cannot stand before the song"),
    ((0, "cc", 64, 128), ValueError, "cc value 128 is outside 0..127"),
    ((0, "cc", 64, -1), ValueError, "cc value -1 is outside 0..127"),
    ((0, "bend", 0, 8192), ValueError, "bend value 8192 is outside -8192..8191"),
    ((0, "bend", 0, -8193), ValueError, "bend value -8193 is outside"),
    ((0, "pressure", 0, 128), ValueError, "pressure value 128"),
    ((0, "program", 0, 128), ValueError, "program value 128"),
    ((0, "cc", 128, 0), ValueError, "cc number 128 is not allowed"),
    ((0, "poly", -1, 0), ValueError, "poly number -1 is not allowed"),
    ((0, "bend", 1, 0), ValueError, "bend number 1 is not allowed"),
    ((0, "pressure", 60, 0), ValueError, "pressure number 60 is not allowed"),
    ((0, "program", 3, 0), ValueError, "program number 3 is not allowed"),
])
def test_make_control_refuses_what_cannot_be(args, error, reason):
    with pytest.raises(error, match=reason):
        make_control(*args)


@pytest.mark.parametrize("args, error, reason", [
    ((-1, "lyric", "la"), ValueError, "a lyric cannot stand at tick -1"),
    ((True, "lyric", "la"), ValueError, "cannot stand at tick True"),
    ((0, "chord", "Am"), ValueError, "unknown text kind 'chord'"),
    ((0, "marker", b"Intro"), TypeError, "a marker must be text"),
    ((0, "marker", "Intro", "cp1252"), ValueError, "unknown text encoding 'cp1252'"),
    ((0, "lyric", "€", "latin-1"), UnicodeEncodeError, "latin-1"),
])
def test_make_text_refuses_what_cannot_be(args, error, reason):
    with pytest.raises(error, match=reason):
        make_text(*args)


def test_make_text_keeps_the_spelling():
    assert make_text(480, "lyric", "wörld", "latin-1") == SongText(480, "lyric", "wörld", "latin-1")
    assert make_text(0, "cue", "♪").encoding == "utf-8"


# -- order, lanes, values ------------------------------------------------------------------------------
def test_in_tick_order_sorts_by_tick_and_keeps_the_order_at_one_tick():
    bank, program = controller(480, 0, 1), Control(480, "program", 0, 5)
    given = (pitch_bend(960, 100), bank, program) + BEND_RANGE[::-1]
    assert in_tick_order(given) == BEND_RANGE[::-1] + (bank, program, pitch_bend(960, 100))
    assert in_tick_order((program, bank)) == (program, bank)          # never sorted by kind or number


def test_a_track_keeps_its_controls_in_tick_order_as_given():
    track = Track(controls=(controller(480, 7, 90),) + BEND_RANGE)
    assert track.controls == BEND_RANGE + (controller(480, 7, 90),)
    assert isinstance(track.controls, tuple) and track.end_tick == 0  # controls do not lengthen a track


def test_lanes_and_the_value_a_lane_holds():
    controls = in_tick_order((controller(0, 64, 127), controller(0, 7, 100), pitch_bend(100, 4000),
                              Control(200, "poly", 60, 50), Control(200, "poly", 64, 70), controller(480, 64, 0)))
    assert controller(0, 64, 127).lane == ("cc", 64) and pitch_bend(5, 1).lane == ("bend", 0)
    assert Control(0, "poly", 60, 1).lane == ("poly", 60) and Control(0, "program", 0, 9).lane == ("program", 0)
    assert value_at(controls, ("cc", 64), 479) == 127 and value_at(controls, ("cc", 64), 480) == 0
    assert value_at(controls, ("bend", 0), 99) == 0 and value_at(controls, ("bend", 0), 99, default=-1) == -1
    assert value_at(controls, ("bend", 0), 10_000) == 4000
    assert value_at(controls, ("poly", 64), 300) == 70 and value_at(controls, ("cc", 7), 0) == 100
    assert controller_name(64) == "Sustain pedal" and controller_name(7) == "Volume"
    assert controller_name(3) == "CC 3"


# -- equality ------------------------------------------------------------------------------------------
def test_track_and_song_equality_include_controls_and_texts_but_not_the_channel():
    notes = (Note(60, 0, 480),)
    plain = Track("Piano", 0, False, notes)
    pedalled = Track("Piano", 0, False, notes, controls=(controller(0, 64, 127),))
    assert plain != pedalled and pedalled == Track("Piano", 0, False, notes, controls=(controller(0, 64, 127),))
    assert Track(controls=BEND_RANGE) != Track(controls=BEND_RANGE[::-1])   # the order at one tick counts
    assert Track("Piano", channel=3) == Track("Piano", channel=None)        # where it came from, not what it is
    assert Song(texts=(SongText(0, "lyric", "la"),)) != Song()
    assert Song(texts=(SongText(0, "lyric", "la", "latin-1"),)) != Song(texts=(SongText(0, "lyric", "la"),))
    with pytest.raises(ValueError, match="MIDI channel 16 is outside 0-15"):
        Track(channel=16)


def test_song_texts_are_kept_in_tick_order():
    texts = (SongText(480, "lyric", "lo"), SongText(0, "marker", "Intro"), SongText(480, "lyric", "Hel"))
    assert Song(texts=texts).texts == (texts[1], texts[0], texts[2])


# -- ControlChange -------------------------------------------------------------------------------------
def song_with(*controls: Control) -> Song:
    return Song((Track("Lead", 0, False, (Note(60, 0, 960),), controls=controls),))


def test_a_control_change_removes_and_adds_and_its_inverse_undoes_it():
    song = song_with(*BEND_RANGE, controller(480, 64, 127), controller(960, 64, 0))
    change = ControlChange(0, (controller(480, 64, 127), controller(960, 64, 0)),
                           (controller(240, 64, 127), controller(720, 64, 0)))
    after = change.apply(song)
    assert after.tracks[0].controls == BEND_RANGE + (controller(240, 64, 127), controller(720, 64, 0))
    assert after.tracks[0].notes == song.tracks[0].notes                      # notes untouched
    assert change.inverse() == ControlChange(0, change.added, change.removed)
    assert change.inverse().apply(after) == song
    assert song.tracks[0].controls[-1] == controller(960, 64, 0)              # the song itself is unchanged


def test_equal_events_are_removed_one_at_a_time():
    song = song_with(controller(0, 7, 100), controller(0, 7, 100), controller(10, 7, 90))
    after = ControlChange(0, (controller(0, 7, 100),)).apply(song)
    assert after.tracks[0].controls == (controller(0, 7, 100), controller(10, 7, 90))


def test_removing_an_event_the_track_does_not_hold_is_refused():
    song = song_with(controller(0, 7, 100))
    with pytest.raises(ChangeError, match="1 controller events to remove are not in track 1"):
        ControlChange(0, (controller(0, 7, 100), controller(5, 64, 127))).apply(song)


def test_a_note_change_keeps_the_controls():
    song = song_with(*BEND_RANGE, pitch_bend(100, 300))
    after = NoteChange(0, song.tracks[0].notes, (Note(62, 0, 480),)).apply(song)
    assert after.tracks[0].controls == song.tracks[0].controls and after.tracks[0].notes == (Note(62, 0, 480),)


BANKED = (controller(0, 0, 1), Control(0, "program", 0, 5), controller(0, 7, 100), controller(0, 10, 64),
          controller(480, 64, 127), controller(480, 7, 90))


def test_undo_puts_a_removed_event_back_where_it_stood_at_its_tick():
    song = song_with(*BANKED)
    change = ControlChange.of(0, song.tracks[0], (controller(0, 7, 100),), ())
    assert change.removed_at == (2,)
    after = change.apply(song)
    assert after.tracks[0].controls == BANKED[:2] + BANKED[3:]
    assert change.inverse().apply(after) == song                               # volume between program and pan
    assert change.inverse().inverse().apply(song) == after


def test_undoing_a_carried_move_keeps_the_bank_select_before_its_program_change():
    song = song_with(*BANKED)
    removed, added = carried_controls(song.tracks[0], 0, 480, ticks=240)
    change = ControlChange.of(0, song.tracks[0], removed, added)
    moved = change.apply(song)
    assert moved.tracks[0].controls == (Control(0, "program", 0, 5), controller(240, 0, 1), controller(240, 7, 100),
                                        controller(240, 10, 64), controller(480, 64, 127), controller(480, 7, 90))
    assert change.inverse().apply(moved) == song
    assert change.inverse().apply(moved).tracks[0].controls[:2] == (controller(0, 0, 1), Control(0, "program", 0, 5))


def test_equal_events_come_back_in_their_own_places():
    a, b = controller(0, 7, 100), controller(0, 10, 64)
    song = song_with(a, b, a)
    change = ControlChange.of(0, song.tracks[0], (a,), ())
    assert change.apply(song).tracks[0].controls == (b, a)                     # the first equal one goes
    assert change.inverse().apply(change.apply(song)) == song
    added = ControlChange(0, (), (a,))                                          # no places: after the others
    assert added.apply(song).tracks[0].controls == (a, b, a, a)
    assert added.inverse().apply(added.apply(song)) == song                    # and its undo takes the last


def test_a_change_whose_places_do_not_fit_is_refused():
    song = song_with(*BANKED)
    with pytest.raises(ChangeError, match="does not hold the controller events this change expects"):
        ControlChange(0, (controller(0, 7, 100),), (), (0,)).apply(song)
    with pytest.raises(ChangeError, match="a controller event to remove is not in track 1"):
        ControlChange.of(0, song.tracks[0], (controller(0, 7, 101),), ())


def test_any_removal_made_with_of_is_undone_exactly():
    rng = random.Random(20)
    for _ in range(200):
        controls = [controller(rng.choice((0, 0, 480, 960)), rng.choice((0, 7, 10, 64)), rng.randrange(3))
                    for _ in range(rng.randrange(1, 12))]
        song = song_with(*controls)
        removed = rng.sample(song.tracks[0].controls, rng.randrange(len(controls) + 1))
        added = [controller(rng.choice((0, 480, 1440)), 1, rng.randrange(3)) for _ in range(rng.randrange(3))]
        change = ControlChange.of(0, song.tracks[0], removed, added)
        after = change.apply(song)
        assert Counter(after.tracks[0].controls) == Counter(controls) - Counter(removed) + Counter(added)
        assert change.inverse().apply(after) == song
        assert change.apply(change.inverse().apply(after)) == after


# -- carried_controls ----------------------------------------------------------------------------------
SPAN_TRACK = Track("Lead", 0, False, (Note(60, 480, 480),), controls=(
    controller(0, 7, 100), controller(480, 64, 127), Control(480, "program", 0, 5), pitch_bend(600, 2000),
    Control(700, "poly", 60, 40), Control(800, "pressure", 0, 30), controller(959, 64, 0), controller(960, 1, 9)))
IN_SPAN = (controller(480, 64, 127), pitch_bend(600, 2000), Control(700, "poly", 60, 40),
           Control(800, "pressure", 0, 30), controller(959, 64, 0))


def test_carried_controls_move_the_span_but_not_its_program_changes():
    removed, added = carried_controls(SPAN_TRACK, 480, 960, ticks=960)
    assert removed == IN_SPAN                                                  # [480, 960): 960 is outside
    assert added == tuple(c.moved_by(960) for c in IN_SPAN)
    moved = ControlChange(0, removed, added).apply(Song((SPAN_TRACK,))).tracks[0]
    assert Control(480, "program", 0, 5) in moved.controls and controller(0, 7, 100) in moved.controls
    assert [c.tick for c in moved.controls] == [0, 480, 960, 1440, 1560, 1660, 1760, 1919]


def test_carried_controls_copy_leaves_the_span_where_it_was():
    removed, added = carried_controls(SPAN_TRACK, 480, 960, ticks=1920, copy=True)
    assert removed == () and added == tuple(c.moved_by(1920) for c in IN_SPAN)


def test_carried_controls_transpose_poly_pressure_with_the_notes():
    removed, added = carried_controls(SPAN_TRACK, 480, 960, semitones=7)
    assert Control(700, "poly", 67, 40) in added and Control(700, "poly", 60, 40) not in added
    assert pitch_bend(600, 2000) in added and controller(480, 64, 127) in added   # the others keep their number
    _, up = carried_controls(Track(controls=(Control(0, "poly", 125, 9), controller(0, 125, 1))), 0, 10,
                             semitones=5)
    assert up == (controller(0, 125, 1),)                                       # poly past pitch 127 is dropped


def test_carried_controls_put_nothing_before_the_song():
    removed, added = carried_controls(SPAN_TRACK, 480, 960, ticks=-601)
    assert removed == IN_SPAN                      # the pedal at 480 and the bend at 600 would land before 0
    assert added == (Control(99, "poly", 60, 40), Control(199, "pressure", 0, 30), controller(358, 64, 0))
    _, exactly = carried_controls(SPAN_TRACK, 480, 960, ticks=-600)
    assert exactly[0] == pitch_bend(0, 2000)                                   # tick 0 itself is in the song
    assert all(c.tick >= 0 for c in added)


def test_nothing_in_the_span_carries_nothing():
    assert carried_controls(SPAN_TRACK, 1000, 1900, ticks=480) == ((), ())
    assert carried_controls(Track(), 0, 10**6, ticks=5) == ((), ())
