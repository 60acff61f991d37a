"""Editing in the piano roll with real mouse and key events, and undo of every step."""

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from roll_driver import RollDriver

from musicstudio.core import Note
from musicstudio.ui.file_actions import empty_song

K = Qt.Key
M = Qt.KeyboardModifier


@pytest.fixture
def roll(main_window, qtbot):
    driver = RollDriver(main_window, qtbot)
    driver.show(60)
    return driver


def draw(roll, tick, pitch):
    roll.window.draw_tool.trigger()
    roll.click(roll.point(tick, pitch))
    roll.window.select_tool.trigger()


def test_draw_move_resize_delete_then_undo_to_empty_and_redo(roll):
    # Draw: a click 30 ticks into beat 2 makes a one-beat note snapped to the 16th grid.
    draw(roll, 480 + 30, 64)
    assert roll.notes == (Note(64, 480, 480, 100),)
    # Move: drag its body one beat later and two semitones up.
    roll.drag(roll.point(480 + 200, 64), roll.point(960 + 200, 66))
    assert roll.notes == (Note(66, 960, 480, 100),)
    # Resize: drag the right edge half a beat further.
    right = roll.point(960 + 480, 66, dx=-2)
    roll.drag(right, right + QPoint(int(240 * roll.roll.geometry.px_per_tick), 0))
    assert roll.notes == (Note(66, 960, 720, 100),)
    # Resize from the left edge: start a 16th later, end stays.
    left = roll.point(960, 66, dx=2)
    roll.drag(left, left + QPoint(int(120 * roll.roll.geometry.px_per_tick), 0))
    assert roll.notes == (Note(66, 1080, 600, 100),)
    finished = roll.window.document.song
    # Delete with the key.
    roll.click(roll.point(1200, 66))
    roll.key(K.Key_Delete)
    assert roll.notes == ()
    stack = roll.window.document.undo_stack
    assert stack.count() == 5
    while stack.canUndo():
        roll.key(K.Key_Z, M.ControlModifier)
    assert roll.window.document.song == empty_song()
    assert not roll.window.document.modified
    for _ in range(4):
        roll.key(K.Key_Z, M.ControlModifier | M.ShiftModifier)
    assert roll.window.document.song == finished
    roll.key(K.Key_Y, M.ControlModifier)
    assert roll.notes == ()


def test_a_drag_is_one_undo_step(roll):
    draw(roll, 0, 60)
    stack = roll.window.document.undo_stack
    before = stack.count()
    start = roll.point(200, 60)
    QTest.mousePress(roll.canvas, Qt.MouseButton.LeftButton, M.NoModifier, start)
    for i in range(1, 20):
        QTest.mouseMove(roll.canvas, start + QPoint(i * 8, -i))
    QTest.mouseRelease(roll.canvas, Qt.MouseButton.LeftButton, M.NoModifier, start + QPoint(160, -19))
    assert stack.count() == before + 1
    assert roll.notes[0] != Note(60, 0, 480, 100)


def test_arrow_keys_move_by_semitone_octave_and_grid_step(roll):
    draw(roll, 960, 60)
    roll.key(K.Key_A, M.ControlModifier)
    roll.key(K.Key_Up)
    assert roll.notes[0].pitch == 61
    roll.key(K.Key_Down)
    roll.key(K.Key_Down)
    assert roll.notes[0].pitch == 59
    roll.key(K.Key_Up, M.ShiftModifier)
    assert roll.notes[0].pitch == 71
    roll.key(K.Key_Down, M.ShiftModifier)
    assert roll.notes[0].pitch == 59
    roll.key(K.Key_Right)
    assert roll.notes[0].start == 960 + 120
    roll.key(K.Key_Left)
    roll.key(K.Key_Left)
    assert roll.notes[0].start == 960 - 120
    roll.window.snap.setCurrentText("1/4")
    roll.key(K.Key_Right)
    assert roll.notes[0].start == 960 + 360


def test_select_all_escape_delete_backspace(roll):
    for tick in (0, 480, 960):
        draw(roll, tick, 60)
    roll.key(K.Key_A, M.ControlModifier)
    assert len(roll.roll.selection) == 3
    roll.key(K.Key_Escape)
    assert roll.roll.selection == []
    roll.click(roll.point(480 + 100, 60))
    roll.key(K.Key_Backspace)
    assert [n.start for n in roll.notes] == [0, 960]


def test_duplicate_copy_cut_paste_at_playhead(roll):
    draw(roll, 0, 60)
    draw(roll, 480, 62)
    roll.key(K.Key_A, M.ControlModifier)
    roll.key(K.Key_D, M.ControlModifier)
    assert [(n.pitch, n.start) for n in roll.notes] == [(60, 0), (62, 480), (60, 960), (62, 1440)]
    assert [(n.pitch, n.start) for n in roll.roll.selection] == [(60, 960), (62, 1440)]
    roll.key(K.Key_C, M.ControlModifier)
    # Click the ruler at bar 3 to put the playhead there, then paste.
    ruler = roll.roll.ruler
    QTest.mouseClick(ruler, Qt.MouseButton.LeftButton, M.NoModifier,
                     QPoint(int(roll.roll.geometry.x_of(3840)) + 1, 10))
    assert roll.roll.playhead == 3840
    roll.canvas.setFocus()
    roll.key(K.Key_V, M.ControlModifier)
    assert [(n.pitch, n.start) for n in roll.notes][-2:] == [(60, 3840), (62, 4320)]
    roll.key(K.Key_X, M.ControlModifier)
    assert [(n.pitch, n.start) for n in roll.notes] == [(60, 0), (62, 480), (60, 960), (62, 1440)]


def test_quantize_with_q(roll):
    roll.window.snap.setCurrentText("Off")
    draw(roll, 130, 60)
    drawn = roll.notes[0].start
    assert 120 < drawn < 180  # off the grid: no snapping
    roll.window.snap.setCurrentText("1/8")
    roll.key(K.Key_A, M.ControlModifier)
    roll.key(K.Key_Q)
    assert roll.notes[0].start == 240


def test_transpose_dialog(roll, monkeypatch):
    draw(roll, 0, 60)
    roll.key(K.Key_A, M.ControlModifier)
    monkeypatch.setattr("musicstudio.ui.main_window.QInputDialog.getInt", lambda *a, **k: (-5, True))
    roll.key(K.Key_T, M.ControlModifier)
    assert roll.notes[0].pitch == 55


def test_rubber_band_selects_what_it_covers(roll):
    for tick, pitch in ((0, 60), (480, 62), (960, 64), (1440, 72)):
        draw(roll, tick, pitch)
    roll.key(K.Key_Escape)
    roll.drag(roll.point(240, 66), roll.point(1200, 61))
    assert sorted((n.pitch, n.start) for n in roll.roll.selection) == [(62, 480), (64, 960)]
    # Shift adds to the selection.
    roll.drag(roll.point(1400, 73), roll.point(1700, 71), modifier=M.ShiftModifier)
    assert len(roll.roll.selection) == 3


def test_shift_click_toggles_selection(roll):
    draw(roll, 0, 60)
    draw(roll, 480, 62)
    roll.click(roll.point(100, 60))
    roll.click(roll.point(580, 62), M.ShiftModifier)
    assert len(roll.roll.selection) == 2
    roll.click(roll.point(100, 60), M.ShiftModifier)
    assert roll.roll.selection == [Note(62, 480, 480, 100)]


def test_double_click_creates_and_deletes(roll):
    roll.double_click(roll.point(960 + 50, 67))
    assert roll.notes == (Note(67, 960, 480, 100),)
    roll.double_click(roll.point(960 + 200, 67))
    assert roll.notes == ()


def test_right_click_deletes(roll):
    draw(roll, 0, 60)
    roll.click(roll.point(100, 60), button=Qt.MouseButton.RightButton)
    assert roll.notes == ()


def test_draw_uses_the_last_length(roll):
    draw(roll, 0, 60)
    right = roll.point(480, 60, dx=-2)
    roll.drag(right, right + QPoint(int(480 * roll.roll.geometry.px_per_tick), 0))
    assert roll.notes[0].duration == 960
    draw(roll, 1920, 62)
    assert roll.notes[-1] == Note(62, 1920, 960, 100)


def test_velocity_lane_drag_sets_velocity_in_one_step(roll):
    draw(roll, 0, 60)
    lane = roll.roll.velocity_lane
    stack = roll.window.document.undo_stack
    before = stack.count()
    x = int(roll.roll.geometry.x_of(0)) + 1
    roll.drag(QPoint(x, lane.height() - 5), QPoint(x, 1), widget=lane)
    assert roll.notes[0].velocity > 110
    assert stack.count() == before + 1


def test_keyboard_click_auditions_the_pitch(roll, qtbot):
    heard = []
    roll.roll.audition_requested.connect(lambda p, v: heard.append(p))
    keyboard = roll.roll.keyboard
    y = int(roll.roll.geometry.y_of(64) + roll.roll.geometry.row_height / 2)
    QTest.mouseClick(keyboard, Qt.MouseButton.LeftButton, M.NoModifier, QPoint(30, y))
    assert heard == [64]


def test_drawing_a_note_auditions_it(roll):
    heard = []
    roll.roll.audition_requested.connect(lambda p, v: heard.append(p))
    draw(roll, 0, 65)
    assert heard == [65]


def test_zoom_and_scroll(roll):
    g = roll.roll.geometry
    before = g.px_per_tick
    roll.key(K.Key_Equal, M.ControlModifier)
    assert g.px_per_tick > before
    roll.key(K.Key_Minus, M.ControlModifier)
    assert g.px_per_tick == pytest.approx(before)
    QTest.mouseMove(roll.canvas, QPoint(100, 100))
    wheel_zoom(roll.canvas, 120, M.ControlModifier)
    assert g.px_per_tick > before
    y = g.scroll_y
    wheel_zoom(roll.canvas, -120, M.NoModifier)
    assert g.scroll_y > y
    x = g.scroll_x
    wheel_zoom(roll.canvas, -120, M.ShiftModifier)
    assert g.scroll_x > x


def test_zoom_to_fit_shows_the_whole_song_from_its_start(roll):
    from musicstudio.core.changes import NoteChange
    from musicstudio.core.ticks import PPQ

    g, window = roll.roll.geometry, roll.window
    window.document.edit(NoteChange(0, (), tuple(Note(60 + bar, bar * 4 * PPQ, PPQ) for bar in range(12))), "notes")
    roll.key(K.Key_Equal, M.ControlModifier)
    g.scroll_x = 500.0
    roll.key(K.Key_0, M.ControlModifier)
    end = window.document.song.length_ticks
    assert g.scroll_x == 0 and g.x_of(end) == pytest.approx(roll.canvas.width())


def wheel_zoom(widget, delta, modifiers):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    pos = QPointF(100, 100)
    event = QWheelEvent(pos, widget.mapToGlobal(pos), QPoint(0, 0), QPoint(0, delta), Qt.MouseButton.NoButton,
                        modifiers, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_tool_and_transport_shortcuts(main_window, qtbot):
    w = main_window
    QTest.keyClick(w.roll.canvas, K.Key_D)
    assert w.roll.tool == "draw"
    QTest.keyClick(w.roll.canvas, K.Key_S)
    assert w.roll.tool == "select"
    played = []
    w.transport.play_requested.connect(lambda: played.append(True))
    QTest.keyClick(w.roll.canvas, K.Key_Space)
    assert played == [True]
    QTest.keyClick(w.roll.canvas, K.Key_L)
    assert w.roll.loop is not None
    QTest.keyClick(w.roll.canvas, K.Key_L)
    assert w.roll.loop is None


def test_ruler_drag_sets_the_loop(roll):
    ruler = roll.roll.ruler
    g = roll.roll.geometry
    roll.drag(QPoint(int(g.x_of(480)) + 1, 10), QPoint(int(g.x_of(1920)) + 1, 10), widget=ruler)
    assert roll.roll.loop == (480, 1920)


def test_a_click_on_another_tracks_note_makes_that_track_current(roll):
    draw(roll, 0, 60)
    roll.window.tracks.add_track()
    assert roll.roll.track_index == 1
    roll.click(roll.point(100, 60))
    assert roll.roll.track_index == 0
    assert roll.roll.selection == [Note(60, 0, 480, 100)]


def test_pinch_zooms(roll):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QNativeGestureEvent, QPointingDevice
    from PySide6.QtWidgets import QApplication

    g = roll.roll.geometry
    before = g.px_per_tick
    pos = QPointF(200, 100)
    event = QNativeGestureEvent(Qt.NativeGestureType.ZoomNativeGesture, QPointingDevice.primaryPointingDevice(),
                                2, pos, pos, roll.canvas.mapToGlobal(pos), 0.5, QPointF(0, 0), 1)
    QApplication.sendEvent(roll.canvas, event)
    assert g.px_per_tick == pytest.approx(before * 1.5)
