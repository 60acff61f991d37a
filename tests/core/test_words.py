"""core.words: which of a track's words belong to which notes (and so move with them), TextChange and its
inverse, and which imported track a file's song-level lyrics are sung on."""

import pytest

from musicstudio.core.changes import ChangeError, TextChange
from musicstudio.core.controls import COPYRIGHT, CUE, LYRIC, MARKER, TEXT, SongText
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.core.words import carried_words, karaoke_syllables, sung_on, with_song_lyrics, words_of

LOW, HIGH, LATE = Note(60, 0, 480), Note(64, 0, 480), Note(62, 480, 480)
WORDS = (SongText(0, LYRIC, "Do"), SongText(0, CUE, "go"), SongText(240, MARKER, "half"),
         SongText(480, LYRIC, "re"))
TRACK = Track("Voice", notes=(LOW, HIGH, LATE), texts=WORDS)


def test_a_word_belongs_to_the_notes_that_start_at_its_tick_all_of_them():
    assert words_of(TRACK, [LATE]) == (WORDS[3],)
    assert words_of(TRACK, [LOW]) == ()                       # HIGH starts there too and stays
    assert words_of(TRACK, [LOW, HIGH]) == WORDS[:2]          # every kind of word, in the track's order
    assert words_of(TRACK, [LOW, HIGH, LATE]) == WORDS[:2] + WORDS[3:]   # the marker on no onset stays
    assert words_of(Track(notes=(LOW,)), [LOW]) == ()


def test_a_note_twice_at_one_tick_takes_the_word_only_with_both():
    twice = Track(notes=(LATE, LATE), texts=WORDS[3:])
    assert words_of(twice, [LATE]) == () and words_of(twice, [LATE, LATE]) == WORDS[3:]


def test_carried_words_move_or_copy_and_never_land_before_the_song():
    assert carried_words(TRACK, [LATE], 960) == ((WORDS[3],), (SongText(1440, LYRIC, "re"),))
    assert carried_words(TRACK, [LATE], 960, copy=True) == ((), (SongText(1440, LYRIC, "re"),))
    assert carried_words(TRACK, [LATE], -481) == ((WORDS[3],), ())
    assert carried_words(TRACK, [LATE], -480) == ((WORDS[3],), (SongText(0, LYRIC, "re"),))


def test_a_text_change_keeps_the_order_of_words_at_a_tick_through_undo():
    song = Song((TRACK,))
    change = TextChange.of(0, TRACK, [WORDS[0]], [SongText(960, LYRIC, "Do")])
    moved = change.apply(song)
    assert moved.tracks[0].texts == (WORDS[1], WORDS[2], WORDS[3], SongText(960, LYRIC, "Do"))
    assert change.inverse().apply(moved) == song      # "Do" back before the cue at tick 0
    assert change.inverse().apply(moved).tracks[0].texts == WORDS
    with pytest.raises(ChangeError, match="a word to remove is not in track 1"):
        TextChange.of(0, TRACK, [SongText(5, TEXT, "x")], [])
    with pytest.raises(ChangeError, match="track 1 does not hold the words this change expects"):
        change.apply(moved)
    with pytest.raises(ChangeError, match="1 words to remove are not in track 1"):
        TextChange(0, (SongText(5, TEXT, "x"),)).apply(song)


# -- Import MIDI: the file's song-level lyrics ---------------------------------------------------------
BASS = Track("Bass", notes=(Note(36, 0, 960), Note(43, 960, 960)))
TUNE = Track("Tune", notes=tuple(Note(67, i * 480, 480) for i in range(4)), texts=(SongText(0, MARKER, "A"),))
LYRICS = tuple(SongText(i * 480, LYRIC, s) for i, s in enumerate(("All", "by", "my", "self")))


def test_the_lyrics_go_to_the_track_whose_notes_start_where_they_stand():
    assert sung_on((BASS, TUNE), LYRICS) == 1                 # 4 onsets against the bass's 2
    assert sung_on((Track("Empty"), BASS, TUNE), LYRICS[:1]) == 1    # a tie: the first with notes
    assert sung_on((Track("Empty"), BASS), (SongText(100, LYRIC, "x"),)) == 1   # none: the first with notes
    assert sung_on((Track("Empty"),), LYRICS) is None


def test_with_song_lyrics_leaves_the_files_other_words_out():
    others = (SongText(0, COPYRIGHT, "(c) them"), SongText(0, TEXT, "S:a tune book"), SongText(0, MARKER, "Verse"))
    song = Song((BASS, TUNE), texts=others + LYRICS)
    bass, tune = with_song_lyrics(song)
    assert bass == BASS and tune.texts == TUNE.texts + LYRICS    # the track's own words first at a tick
    assert with_song_lyrics(Song((BASS, TUNE), texts=others)) == (BASS, TUNE)
    assert with_song_lyrics(Song((Track("Words"),), texts=LYRICS)) == (Track("Words", texts=LYRICS),)
    assert with_song_lyrics(Song((), texts=LYRICS)) == ()


KARAOKE = (SongText(0, TEXT, "@KMIDI KARAOKE FILE"), SongText(0, TEXT, "@LENGL"), SongText(0, TEXT, "@TAll by myself"),
           SongText(0, TEXT, "\\All "), SongText(480, TEXT, "by "), SongText(960, TEXT, "/my"),
           SongText(1440, TEXT, "self", "latin-1"), SongText(1440, TEXT, "/"))


def test_a_karaoke_files_syllables_are_its_lyrics_without_its_marks_and_header():
    assert karaoke_syllables(KARAOKE) == (SongText(0, LYRIC, "All "), SongText(480, LYRIC, "by "),
                                          SongText(960, LYRIC, "my"), SongText(1440, LYRIC, "self", "latin-1"))
    assert karaoke_syllables(KARAOKE[1:]) == ()          # text events of a file that is not a karaoke file
    assert karaoke_syllables(()) == ()


def test_with_song_lyrics_carries_a_karaoke_files_syllables_as_lyrics_and_leaves_its_header_out():
    bass, tune = with_song_lyrics(Song((BASS, TUNE), texts=KARAOKE + (SongText(0, COPYRIGHT, "(c) them"),)))
    assert bass == BASS and tune.texts == TUNE.texts + karaoke_syllables(KARAOKE)
    # a file that spells its words both ways: the lyric event stands, the text syllable at its tick is not doubled
    both = KARAOKE + (SongText(480, LYRIC, "by"),)
    assert with_song_lyrics(Song((BASS, TUNE), texts=both))[1].texts == (
        SongText(0, MARKER, "A"), SongText(0, LYRIC, "All "), SongText(480, LYRIC, "by"), SongText(960, LYRIC, "my"),
        SongText(1440, LYRIC, "self", "latin-1"))
