"""Every track editable in one piano roll: clicks on other tracks' notes, selections across tracks, and
edits of them as one undo step, driven with real mouse and key events."""

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from roll_driver import RollDriver

from musicstudio.core.controls import SUSTAIN, controller
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.ui import palette

K = Qt.Key
M = Qt.KeyboardModifier

LEAD = (Note(72, 0, 480, 100), Note(74, 480, 480, 100))
PAD = (Note(64, 0, 960, 80), Note(65, 960, 960, 80))
BASS = (Note(48, 0, 480, 90), Note(50, 960, 480, 90))
OUTSIDE = Note(84, 3840, 480, 100)     # in the lead, beyond the band


def three_tracks() -> Song:
    return Song((Track("Lead", 0, False, LEAD + (OUTSIDE,)),
                 Track("Pad", 48, False, PAD, controls=(controller(0, SUSTAIN, 127), controller(900, SUSTAIN, 0))),
                 Track("Bass", 33, False, BASS)))


@pytest.fixture
def roll(main_window, qtbot):
    main_window.document.load(three_tracks(), None)
    driver = RollDriver(main_window, qtbot)
    g = driver.roll.geometry
    g.row_height = 6.0        # pitches 48 to 84 all on screen
    driver.show(66)
    return driver


def band_over_three_tracks(roll) -> None:
    """A rubber band with Ctrl held from before beat 1 above the lead down past the bass's second note."""
    roll.drag(roll.point(0, 76, dx=1) - QPoint(0, 0), roll.point(1400, 47), modifier=M.ControlModifier)


def test_a_ctrl_band_over_three_tracks_then_a_transpose_is_one_undo_step(roll, monkeypatch):
    before = roll.window.document.song
    band_over_three_tracks(roll)
    selected = roll.roll.selected
    assert {i: sorted(ns) for i, ns in selected.items()} == {0: sorted(LEAD), 1: sorted(PAD), 2: sorted(BASS)}
    stack = roll.window.document.undo_stack
    count = stack.count()
    monkeypatch.setattr("musicstudio.ui.main_window.QInputDialog.getInt", lambda *a, **k: (3, True))
    roll.key(K.Key_T, M.ControlModifier)
    assert stack.count() == count + 1
    song = roll.window.document.song
    assert song.tracks[0].notes == tuple(sorted([n.moved_by(0, 3) for n in LEAD] + [OUTSIDE]))
    assert song.tracks[1].notes == tuple(n.moved_by(0, 3) for n in PAD)
    assert song.tracks[2].notes == tuple(n.moved_by(0, 3) for n in BASS)
    assert stack.undoText() == "Transpose notes"
    roll.key(K.Key_Z, M.ControlModifier)
    assert roll.window.document.song == before
    roll.key(K.Key_Z, M.ControlModifier | M.ShiftModifier)
    assert roll.window.document.song == song


def test_a_plain_band_still_selects_in_the_current_track_only(roll):
    roll.drag(roll.point(0, 76, dx=1), roll.point(1400, 47))
    assert set(roll.roll.selected) == {0}


def test_a_click_on_a_dimmer_note_makes_its_track_current_and_selects_it(roll, qtbot):
    changed = []
    roll.roll.track_changed.connect(changed.append)
    roll.click(roll.point(100, 48))
    assert roll.roll.track_index == 2 and changed == [2]
    assert roll.roll.selection == [BASS[0]]


def test_shift_click_selects_across_tracks_and_a_drag_moves_them_in_one_step(roll):
    roll.click(roll.point(100, 72))
    roll.click(roll.point(100, 64), M.ShiftModifier)
    roll.click(roll.point(100, 48), M.ControlModifier)
    assert roll.roll.track_index == 0
    assert roll.roll.selected == {0: [LEAD[0]], 1: [PAD[0]], 2: [BASS[0]]}
    stack = roll.window.document.undo_stack
    count = stack.count()
    roll.drag(roll.point(200, 72), roll.point(200 + 480, 73))
    assert stack.count() == count + 1
    song = roll.window.document.song
    assert LEAD[0].moved_by(480, 1) in song.tracks[0].notes
    assert PAD[0].moved_by(480, 1) in song.tracks[1].notes
    assert BASS[0].moved_by(480, 1) in song.tracks[2].notes
    # The pad's sustain pedal went with its note (Move controllers and words with notes is on by default).
    assert controller(480, SUSTAIN, 127) in song.tracks[1].controls
    # Shift-click on a selected note of another track takes it out again.
    roll.click(roll.point(580, 49), M.ShiftModifier)
    assert set(roll.roll.selected) == {0, 1}


def test_nudge_duplicate_copy_paste_quantize_and_delete_span_tracks(roll):
    band_over_three_tracks(roll)
    stack = roll.window.document.undo_stack
    doc = roll.window.document

    def step(key, modifier=M.NoModifier):
        count = stack.count()
        roll.key(key, modifier)
        assert stack.count() == count + 1, key

    step(K.Key_Right)                              # a 16th later, every track
    assert doc.song.tracks[2].notes[0] == BASS[0].moved_by(120)
    roll.window.snap.setCurrentText("1/4")
    step(K.Key_Q)                                  # quantized back to the beat
    assert doc.song.tracks[1].notes[0].start == 0
    step(K.Key_D, M.ControlModifier)               # the common span (2 bars) copied right after it
    assert BASS[1].moved_by(1920) in doc.song.tracks[2].notes
    assert PAD[1].moved_by(1920) in doc.song.tracks[1].notes
    roll.key(K.Key_C, M.ControlModifier)
    roll.roll.set_playhead(7680)
    step(K.Key_V, M.ControlModifier)               # pasted into the tracks they came from
    for index, notes in ((0, LEAD), (1, PAD), (2, BASS)):
        assert notes[0].moved_by(7680) in doc.song.tracks[index].notes
    step(K.Key_Delete)                             # the pasted notes go, in every track
    for index, notes in ((0, LEAD), (1, PAD), (2, BASS)):
        assert notes[0].moved_by(7680) not in doc.song.tracks[index].notes
    while stack.canUndo():
        stack.undo()
    assert doc.song == three_tracks()


def test_each_track_in_its_colour_the_current_one_opaque(roll, tmp_path):
    roll.roll.set_track(1)
    image = roll.canvas.grab().toImage()
    image.save("/tmp/multitrack.png")
    g = roll.roll.geometry

    def pixel(note):
        x, y = g.x_of(note.start + note.duration // 2), g.y_of(note.pitch) + g.row_height / 2
        return QColor(image.pixel(int(x), int(y)))

    for index, note in ((0, LEAD[0]), (1, PAD[0]), (2, BASS[0])):
        colour = palette.track_colour(index)
        assert abs(pixel(note).hue() - colour.hue()) <= 12, (index, pixel(note).name())
    current, other = pixel(PAD[0]), pixel(LEAD[0])
    assert current.value() > other.value() + 40      # the others dimmer
    assert other.value() > palette.BACKGROUND.value() + 30   # but plainly there
