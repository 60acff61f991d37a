"""A track's words follow its notes in the piano roll: with "Move controllers and words with notes" on, the lyric
sung on a note goes where the note goes (drag, nudge, duplicate, cut and paste) in the same undo step,
and undo brings it back; quantizing takes the words along with their notes' starts (the controllers stay);
deleting notes leaves the words where they are, as it leaves the controllers. Driven with real mouse and key
events."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from roll_driver import RollDriver

from musicstudio.core.controls import LYRIC, MARKER, SongText
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.io.midi_read import import_midi
from musicstudio.ui.piano_roll import across, carrying

K = Qt.Key
M = Qt.KeyboardModifier

TUNE = (Note(67, 0, 480, 100), Note(69, 480, 480, 100), Note(71, 960, 480, 100), Note(72, 1440, 480, 100))
WORDS = (SongText(0, LYRIC, "Twin"), SongText(480, LYRIC, "kle"), SongText(960, LYRIC, "lit"),
         SongText(1200, MARKER, "breath"), SongText(1440, LYRIC, "tle"))


def song() -> Song:
    return Song((Track("Voice", 53, False, TUNE, texts=WORDS), Track("Piano", 0, False, (Note(48, 480, 960),))))


@pytest.fixture
def roll(main_window, qtbot):
    main_window.document.load(song(), None)
    driver = RollDriver(main_window, qtbot)
    driver.roll.geometry.row_height = 6.0
    driver.show(66)
    return driver


def words(roll) -> tuple[SongText, ...]:
    return roll.window.document.song.tracks[0].texts


def test_a_dragged_note_takes_its_lyric_and_undo_puts_it_back(roll):
    stack = roll.window.document.undo_stack
    count = stack.count()
    roll.drag(roll.point(700, 69), roll.point(700 + 1920, 69))     # "kle" a bar later
    assert stack.count() == count + 1 and stack.undoText() == "Move notes"
    assert TUNE[1].moved_by(1920) in roll.notes
    assert words(roll) == (WORDS[0], WORDS[2], WORDS[3], WORDS[4], SongText(2400, LYRIC, "kle"))
    stack.undo()
    assert words(roll) == WORDS and roll.window.document.song == song()
    stack.redo()
    assert SongText(2400, LYRIC, "kle") in words(roll)


def test_nudged_duplicated_cut_and_pasted_notes_take_their_words(roll):
    doc = roll.window.document
    stack = doc.undo_stack
    roll.roll.set_selection([TUNE[2], TUNE[3]])           # "lit-tle": the marker between them is not a note's
    roll.key(K.Key_Right)                                 # a 16th later
    assert words(roll) == (WORDS[0], WORDS[1], SongText(1080, LYRIC, "lit"), WORDS[3], SongText(1560, LYRIC, "tle"))
    stack.undo()
    roll.roll.set_selection([TUNE[2], TUNE[3]])
    roll.key(K.Key_D, M.ControlModifier)                  # copied right after them, a bar on
    assert words(roll) == WORDS + (SongText(1920, LYRIC, "lit"), SongText(2400, LYRIC, "tle"))
    stack.undo()
    roll.roll.set_selection([TUNE[2], TUNE[3]])
    roll.key(K.Key_X, M.ControlModifier)                  # out with their notes, into the clipboard
    assert words(roll) == WORDS[:2] + (WORDS[3],)
    roll.roll.set_playhead(3840)
    roll.key(K.Key_V, M.ControlModifier)
    assert words(roll) == WORDS[:2] + (WORDS[3], SongText(3840, LYRIC, "lit"), SongText(4320, LYRIC, "tle"))
    while stack.canUndo():
        stack.undo()
    assert doc.song == song()


def test_the_toggle_is_named_for_the_words_it_carries_in_the_edit_menu_and_the_lane_strip(roll):
    toggle = roll.roll.lane_header.carry_action
    assert toggle.text() == "Move controllers and words with notes" and toggle.isChecked()
    assert "words" in toggle.toolTip() and "lyrics" in toggle.toolTip()
    edit_menu = next(a.menu() for a in roll.window.menuBar().actions() if a.text() == "&Edit")
    assert toggle in edit_menu.actions()


def test_deleting_notes_or_the_toggle_off_leaves_the_words(roll):
    doc = roll.window.document
    roll.roll.set_selection([TUNE[1]])
    roll.key(K.Key_Delete)
    assert words(roll) == WORDS                           # as the controllers under deleted notes stay
    doc.undo_stack.undo()
    roll.roll.lane_header.carry_action.setChecked(False)
    roll.roll.set_selection([TUNE[1]])
    roll.key(K.Key_Right)
    assert TUNE[1].moved_by(120) in roll.notes and words(roll) == WORDS


def test_a_lyric_shared_with_a_note_that_stays_stays(roll):
    """Two voices start on "kle": moving one of them leaves the word on the other."""
    doc = roll.window.document
    two = Song((Track("Voice", 53, False, TUNE + (Note(64, 480, 480),), texts=WORDS),))
    doc.load(two, None)
    roll.roll.set_selection([TUNE[1]])
    roll.key(K.Key_Right)
    assert words(roll) == WORDS
    doc.undo_stack.undo()
    roll.roll.set_selection([TUNE[1], Note(64, 480, 480)])
    roll.key(K.Key_Right)
    assert SongText(600, LYRIC, "kle") in words(roll)


def test_words_copied_from_several_tracks_paste_back_into_theirs_or_the_current_one():
    tracks = song().tracks
    duet = Song((tracks[0], tracks[1].with_texts((SongText(480, LYRIC, "oo"),))))
    clip = across.copied(duet, {0: [TUNE[1]], 1: list(duet.tracks[1].notes)}, carry=True)
    assert clip[0].texts == (SongText(0, LYRIC, "kle"),) and clip[1].texts == (SongText(0, LYRIC, "oo"),)
    change, _ = across.pasted(duet, clip, 3840, 0, carry=True)
    pasted = change.apply(duet)
    assert pasted.tracks[0].texts == WORDS + (SongText(3840, LYRIC, "kle"),)
    assert pasted.tracks[1].texts == (SongText(480, LYRIC, "oo"), SongText(3840, LYRIC, "oo"))
    alone = Song((duet.tracks[0],))                      # the second track is gone: both into the current one
    change, _ = across.pasted(alone, clip, 3840, 0, carry=True)
    assert change.apply(alone).tracks[0].texts == WORDS + (SongText(3840, LYRIC, "kle"), SongText(3840, LYRIC, "oo"))
    assert change.inverse().apply(change.apply(alone)) == alone


def test_a_karaoke_tracks_34_lyrics_move_with_its_notes_and_come_back():
    """music21's test18.mid: a vocal track with a lyric on each of its 34 notes, moved a bar later."""
    music21 = pytest.importorskip("music21")
    path = Path(music21.__file__).parent / "midi" / "testPrimitive" / "test18.mid"
    voice = import_midi(path).song.tracks[0]
    assert len(voice.texts) == 34
    change, _ = carrying.moved(0, voice, voice.notes, 1920, 0, carry=True)
    before = Song((voice,))
    after = change.apply(before).tracks[0]
    assert after.texts == tuple(w._replace(tick=w.tick + 1920) for w in voice.texts)
    assert {w.tick for w in after.texts} == {n.start for n in after.notes}
    assert change.inverse().apply(change.apply(before)) == before


def test_a_quantized_sung_line_keeps_its_syllables_on_its_notes(roll):
    """A line played loosely, its lyrics on the notes as played: quantizing puts each syllable where its
    note lands (the marker on no note stays), in the quantize's one undo step; with the toggle off the
    syllables stay behind."""
    doc = roll.window.document
    loose = tuple(n.moved_by(d) for n, d in zip(TUNE, (0, 37, -41, 25)))
    sung = tuple(w._replace(tick=loose[i].start) for i, w in zip((0, 1, 2), WORDS[:3]))
    sung += (WORDS[3], SongText(loose[3].start, LYRIC, "tle"))
    doc.load(Song((Track("Voice", 53, False, loose, texts=sung),)), None)
    roll.window.snap.setCurrentText("1/4")
    count = doc.undo_stack.count()
    roll.roll.set_selection(list(loose))
    roll.key(K.Key_Q)
    assert roll.notes == TUNE and words(roll) == WORDS
    assert doc.undo_stack.count() == count + 1
    doc.undo_stack.undo()
    assert words(roll) == sung
    roll.roll.lane_header.carry_action.setChecked(False)
    roll.roll.set_selection(list(loose))
    roll.key(K.Key_Q)
    assert roll.notes == TUNE and words(roll) == sung
