"""Song: maps from tick 0, bar count, length, copies."""

import dataclasses

import pytest

from musicstudio.core import DEFAULT_TEMPO_US, Key, KeySignature, Meter, Note, Song, Tempo, TimeSignature, Track


def song_with_notes(*notes, **kw):
    return Song(tracks=(Track("t", 0, False, notes),), **kw)


def test_default_song():
    s = Song()
    assert s.tracks == ()
    assert s.tempos == (Tempo(0, DEFAULT_TEMPO_US),)
    assert s.time_signatures == (TimeSignature(0, 4, 4),)
    assert s.key_signatures == (KeySignature(0, Key()),)
    assert s.tempo_bpm == 120.0
    assert s.key == Key()
    assert s.end_tick == 0
    assert s.bar_count == 1
    assert s.length_ticks == 1920
    assert s.note_count == 0


def test_empty_maps_get_default_at_zero():
    s = Song(tempos=(), time_signatures=(), key_signatures=())
    assert s.tempos == (Tempo(0, DEFAULT_TEMPO_US),)
    assert s.time_signatures == (TimeSignature(0, 4, 4),)
    assert s.key_signatures == (KeySignature(0, Key()),)


def test_maps_always_start_at_tick_zero():
    s = Song(tempos=(Tempo(960, 400_000), Tempo(480, 600_000)),
             time_signatures=(TimeSignature(1920, 3, 4),),
             key_signatures=(KeySignature(100, Key(-3, True)),))
    assert s.tempos == (Tempo(0, 600_000), Tempo(480, 600_000), Tempo(960, 400_000))
    assert s.time_signatures == (TimeSignature(0, 3, 4), TimeSignature(1920, 3, 4))
    assert s.key_signatures[0] == KeySignature(0, Key(-3, True))
    assert s.key == Key(-3, True)
    assert s.tempo_bpm == 100.0


def test_maps_sorted_and_last_event_at_a_tick_wins():
    s = Song(tempos=(Tempo(0, 500_000), Tempo(960, 400_000), Tempo(0, 600_000)))
    assert s.tempos == (Tempo(0, 600_000), Tempo(960, 400_000))


@pytest.mark.parametrize("field, event", [
    ("tempos", Tempo(-1, 500_000)),
    ("time_signatures", TimeSignature(-10, 3, 4)),
    ("key_signatures", KeySignature(-1, Key())),
])
def test_negative_map_ticks_rejected(field, event):
    with pytest.raises(ValueError, match="before the song"):
        Song(**{field: (event,)})


def test_maps_and_tracks_become_tuples():
    s = Song(tracks=[Track("a")], tempos=[Tempo(0, 500_000)])
    assert isinstance(s.tracks, tuple)
    assert isinstance(s.tempos, tuple)


@pytest.mark.parametrize("notes, end, bars", [
    ((Note(60, 0, 1),), 1, 1),
    ((Note(60, 0, 1920),), 1920, 1),          # ends exactly on the bar line
    ((Note(60, 0, 1921),), 1921, 2),
    ((Note(60, 1920, 10),), 1930, 2),
    ((Note(60, 0, 100), Note(62, 5000, 100)), 5100, 3),
])
def test_end_tick_and_bar_count_in_4_4(notes, end, bars):
    s = song_with_notes(*notes)
    assert s.end_tick == end
    assert s.bar_count == bars
    assert s.length_ticks == bars * 1920


def test_end_tick_over_several_tracks():
    s = Song(tracks=(Track("a", notes=(Note(60, 0, 100),)), Track("b", notes=(Note(60, 3000, 100),)), Track("c")))
    assert s.end_tick == 3100
    assert s.note_count == 2
    assert s.bar_count == 2


def test_bar_count_with_meter_change():
    sigs = (TimeSignature(0, 4, 4), TimeSignature(3840, 3, 4))
    s = song_with_notes(Note(60, 3840 + 1440, 10), time_signatures=sigs)  # first beat of bar 3
    assert s.bar_count == 4
    assert s.length_ticks == 3840 + 2 * 1440


def test_bar_count_with_mid_bar_meter_change():
    sigs = (TimeSignature(0, 4, 4), TimeSignature(2880, 3, 4))  # change in the middle of bar 1
    s = song_with_notes(Note(60, 2800, 100), time_signatures=sigs)  # rings past the change
    assert s.end_tick == 2900
    assert s.bar_count == 3
    assert s.length_ticks == 2880 + 1440
    before = song_with_notes(Note(60, 2800, 80), time_signatures=sigs)  # ends exactly at the change
    assert before.bar_count == 2
    assert before.length_ticks == 2880


def test_meter_matches_time_signatures():
    sigs = (TimeSignature(0, 6, 8),)
    s = Song(time_signatures=sigs)
    assert isinstance(s.meter, Meter)
    assert s.meter.bar_start(1) == 1440
    assert s.meter is s.meter  # cached


def test_song_is_immutable():
    s = Song()
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.title = "x"  # type: ignore[misc]


def test_with_tracks_and_with_track():
    a, b, c = Track("a"), Track("b"), Track("c")
    s = Song(tracks=(a, b), title="t")
    s2 = s.with_tracks([c])
    assert s2.tracks == (c,)
    assert s2.title == "t"
    s3 = s.with_track(1, c)
    assert s3.tracks == (a, c)
    assert s.tracks == (a, b)


def test_with_tempo_bpm_replaces_whole_map():
    s = Song(tempos=(Tempo(0, 500_000), Tempo(1920, 400_000)))
    s2 = s.with_tempo_bpm(100)
    assert s2.tempos == (Tempo(0, 600_000),)
    assert s2.tempo_bpm == 100.0
    assert len(s.tempos) == 2
    with pytest.raises(ValueError):
        s.with_tempo_bpm(0)


def test_with_key_replaces_whole_map():
    s = Song(key_signatures=(KeySignature(0, Key(1)), KeySignature(1920, Key(2))))
    s2 = s.with_key(Key(-3, True))
    assert s2.key_signatures == (KeySignature(0, Key(-3, True)),)
    assert s2.key.name == "C minor"
    assert s.key == Key(1)


def test_meter_recomputed_for_copies():
    s = Song(time_signatures=(TimeSignature(0, 4, 4),))
    assert s.meter.bar_start(1) == 1920
    s2 = dataclasses.replace(s, time_signatures=(TimeSignature(0, 3, 4),))
    assert s2.meter.bar_start(1) == 1440
    assert s.meter.bar_start(1) == 1920


def test_extras_do_not_affect_equality():
    assert Song(title="a", extras={"x": 1}) == Song(title="a", extras={"y": 2})
    assert Song(title="a") != Song(title="b")
    assert hash(Song(title="a", extras={"x": 1})) == hash(Song(title="a"))


def test_pitched_notes_merge_every_track_but_the_drums_in_time_order():
    low, high, kick = Note(48, 480, 480), Note(72, 0, 960), Note(36, 0, 120)
    song = Song(tracks=(Track("Upper", 0, False, (high,)), Track("Kit", 0, True, (kick,)),
                        Track("Lower", 32, False, (low, Note(43, 480, 480)))))
    assert song.pitched_notes() == (high, Note(43, 480, 480), low)
    assert Song().pitched_notes() == ()
