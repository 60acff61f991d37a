"""A track's own words (a vocal part's lyrics): kept in tick order with the track, cut, shifted and joined
as its controls are, and gone with the track when it is deleted, back when that is undone."""

from __future__ import annotations

from musicstudio.core import Note, Song, Track
from musicstudio.core.changes import TrackChange
from musicstudio.core.controls import SongText, controller
from musicstudio.core.edits import join, merge_tracks, slice_bars

BAR = 1920
LYRICS = (SongText(0, "lyric", "Hel"), SongText(480, "lyric", "lo "), SongText(BAR, "lyric", "wörld", "latin-1"),
          SongText(BAR, "text", "breath"), SongText(BAR + 480, "marker", "Voice out"))


def voice() -> Track:
    notes = (Note(67, 0, 480), Note(69, 480, 480), Note(72, BAR, 960))
    return Track("Voice", 52, False, notes, controls=(controller(0, 7, 100),), texts=LYRICS)


def song() -> Song:
    piano = Track("Piano", 0, False, (Note(48, 0, 2 * BAR),))
    return Song((piano, voice()), texts=(SongText(0, "marker", "Verse"), SongText(BAR, "marker", "Chorus")))


def test_words_are_kept_in_tick_order_keeping_their_order_at_one_tick():
    shuffled = Track("Voice", texts=(LYRICS[2], LYRICS[0], LYRICS[3], LYRICS[1], LYRICS[4]))
    assert shuffled.texts == LYRICS   # "wörld" before "breath": both at one bar, in the order given
    assert shuffled.with_texts(()).texts == () and voice().with_name("Singer").texts == LYRICS


def test_words_are_part_of_a_tracks_equality():
    assert voice() != voice().with_texts(LYRICS[:2])
    assert voice() == Track("Voice", 52, False, voice().notes, controls=voice().controls, texts=LYRICS)


def test_a_slice_takes_each_tracks_words_of_its_bars():
    second = slice_bars(song(), 1, 1)
    assert second.tracks[1].texts == (SongText(0, "lyric", "wörld", "latin-1"), SongText(0, "text", "breath"),
                                      SongText(480, "marker", "Voice out"))
    assert second.tracks[0].texts == ()
    assert second.texts == (SongText(0, "marker", "Chorus"),)
    assert slice_bars(song(), 0, 0).tracks[1].texts == LYRICS[:2]


def test_slices_joined_again_give_the_words_back():
    whole = song()
    rebuilt = join(slice_bars(whole, 0, 0), slice_bars(whole, 1, 1))
    assert rebuilt.tracks[1].texts == LYRICS
    assert rebuilt.texts == whole.texts


def test_a_join_moves_the_second_songs_track_words_after_the_first():
    first, second = song(), song()
    joined = join(first, second)
    offset = first.length_ticks
    assert joined.tracks[1].texts == LYRICS + tuple(x._replace(tick=x.tick + offset) for x in LYRICS)
    lone = Song((Track("Choir", notes=(Note(60, 0, 480),), texts=(SongText(0, "lyric", "Ah"),)),))
    added = join(first, lone)
    assert added.tracks[-1].name == "Choir" and added.tracks[-1].texts == (SongText(offset, "lyric", "Ah"),)


def test_a_merge_keeps_every_tracks_words_in_tick_order():
    backing = Track("Backing", texts=(SongText(240, "lyric", "ooh"), SongText(BAR, "lyric", "aah")))
    merged = merge_tracks([voice(), backing])
    assert merged.texts == (LYRICS[0], SongText(240, "lyric", "ooh"), LYRICS[1], LYRICS[2], LYRICS[3],
                            SongText(BAR, "lyric", "aah"), LYRICS[4])


def test_deleting_a_track_takes_its_words_and_undo_brings_them_back():
    before = song()
    delete = TrackChange(1, before.tracks[1], None)
    after = delete.apply(before)
    assert [t.name for t in after.tracks] == ["Piano"]
    assert all(x not in after.texts for x in LYRICS)   # no lyric is left behind in the song
    assert after.texts == before.texts
    undone = delete.inverse().apply(after)
    assert undone == before and undone.tracks[1].texts == LYRICS
