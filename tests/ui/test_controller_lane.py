"""Controller lanes under the piano roll, driven with real mouse and key events: drawing a pedal block and
a pitch-bend curve, lines, erasing, undo and redo, and what reaches a MIDI file."""

import mido
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from roll_driver import RollDriver

from musicstudio.core import Note
from musicstudio.core.changes import ControlChange
from musicstudio.core.controls import CONTROLLER, MODULATION, PITCH_BEND, SUSTAIN, controller, pitch_bend
from musicstudio.io.midi_write import export_midi
from musicstudio.ui.piano_roll.lane_painter import y_of
from musicstudio.ui.piano_roll.lanes import BEND_LANE, LANES, SUSTAIN_LANE, controller_lane

K = Qt.Key
M = Qt.KeyboardModifier
B = Qt.MouseButton
MODULATION_LANE = controller_lane(MODULATION)


class LaneDriver(RollDriver):
    """The roll driver, plus mouse gestures in the controller lane at (tick, value)."""

    @property
    def lane(self):
        return self.roll.controller_lane

    def show_lane(self, lane):
        self.roll.lane_header.show_lane(lane)
        self.qtbot.waitUntil(lambda: self.lane.isVisible() and self.lane.width() > 100)

    def at(self, tick, value=None):
        g = self.roll.geometry
        y = self.lane.height() // 2 if value is None else round(y_of(self.lane.lane, value, self.lane.height()))
        return QPoint(int(g.x_of(tick)) + 1, y)

    def lane_drag(self, *points, button=B.LeftButton, modifier=M.NoModifier):
        QTest.mousePress(self.lane, button, modifier, points[0])
        for p in points[1:]:
            QTest.mouseMove(self.lane, p)
        QTest.mouseRelease(self.lane, button, modifier, points[-1])

    def controls(self, kind=None, number=None):
        return [c for c in self.roll.active_track.controls
                if (kind is None or c.kind == kind) and (number is None or c.number == number)]

    @property
    def stack(self):
        return self.window.document.undo_stack

    def assert_index_is_fresh(self):
        """The lane's index (made from the one before the edit) is what reading the new track gives."""
        from musicstudio.ui.piano_roll.lane_index import LaneIndex

        index, fresh = self.lane.index(), LaneIndex(self.roll.active_track, self.lane.lane.key)
        assert index.track is self.roll.active_track
        assert index.events == fresh.events
        assert index.ticks.tolist() == fresh.ticks.tolist() and index.values.tolist() == fresh.values.tolist()


@pytest.fixture
def lanes(main_window, qtbot):
    driver = LaneDriver(main_window, qtbot)
    driver.show(60)
    return driver


def midi_events(path):
    """(absolute tick at 480 PPQ, message) of every channel message in the file."""
    midi = mido.MidiFile(str(path))
    scale = 480 / midi.ticks_per_beat
    out = []
    for track in midi.tracks:
        tick = 0
        for msg in track:
            tick += msg.time
            if not msg.is_meta:
                out.append((round(tick * scale), msg))
    return out


def test_draw_pedal_block_and_bend_curve_undo_redo_and_export(lanes, tmp_path):
    window = lanes.window
    lanes.roll.add_notes([Note(60, 0, 1920, 90)])
    before = lanes.stack.count()
    # Sustain pedal: a drag over the bar paints one block, down where it starts and up where it ends.
    lanes.show_lane(SUSTAIN_LANE)
    lanes.lane_drag(lanes.at(0), lanes.at(960), lanes.at(1920))
    assert lanes.controls() == [controller(0, SUSTAIN, 127), controller(1920, SUSTAIN, 0)]
    assert lanes.stack.count() == before + 1
    # Pitch bend: press at the centre, up to the top and back, one event per 16th along the way.
    lanes.show_lane(BEND_LANE)
    lanes.lane_drag(lanes.at(0, 0), lanes.at(480, 8191), lanes.at(960, 0))
    bends = [(c.tick, c.value) for c in lanes.controls(PITCH_BEND)]
    assert bends == list(zip(range(0, 961, 120), [0, 2048, 4096, 6143, 8191, 6143, 4096, 2048, 0]))
    assert lanes.stack.count() == before + 2
    drawn = window.document.song
    # Undo takes the curve, then the block; redo brings both back.
    lanes.key(K.Key_Z, M.ControlModifier)
    assert lanes.controls(PITCH_BEND) == [] and len(lanes.controls(CONTROLLER)) == 2
    lanes.key(K.Key_Z, M.ControlModifier)
    assert lanes.controls() == []
    lanes.key(K.Key_Z, M.ControlModifier | M.ShiftModifier)
    lanes.key(K.Key_Y, M.ControlModifier)
    assert window.document.song == drawn
    # Export: the pedal and the bends are in the MIDI file at their ticks.
    path = tmp_path / "lanes.mid"
    export_midi(window.document.song, path)
    events = midi_events(path)
    pedal = [(t, m.value) for t, m in events if m.type == "control_change" and m.control == SUSTAIN]
    wheel = [(t, m.pitch) for t, m in events if m.type == "pitchwheel"]
    assert pedal == [(0, 127), (1920, 0)]
    assert wheel == bends


def test_line_tool_draws_a_ramp_one_event_per_snap_step(lanes):
    lanes.show_lane(MODULATION_LANE)
    others = (pitch_bend(480, 7), controller(600, MODULATION, 5), controller(600, 7, 90), controller(2000, 1, 3))
    lanes.window.document.edit(ControlChange(0, (), others), "setup")
    lanes.lane.repaint()
    lanes.key(K.Key_L, M.AltModifier)
    assert lanes.roll.lane_tool == "line"
    lanes.lane_drag(lanes.at(0, 0), lanes.at(300, 40), lanes.at(960, 127))
    lanes.assert_index_is_fresh()
    # The old event inside the ramp's span is replaced, and the ramp lands on both ends exactly.
    assert [(c.tick, c.value) for c in lanes.controls(CONTROLLER, MODULATION)][:9] == [
        (t, round(127 * t / 960)) for t in range(0, 961, 120)]
    # Shift+drag draws a line with the draw tool too; coarser snap, fewer events.
    lanes.key(K.Key_D, M.AltModifier)
    lanes.window.snap.setCurrentText("1/4")
    lanes.lane_drag(lanes.at(1920, 127), lanes.at(3840, 0), modifier=M.ShiftModifier)
    assert [(c.tick, c.value) for c in lanes.controls(CONTROLLER, MODULATION) if c.tick >= 1920] == [
        (1920, 127), (2400, 95), (2880, 64), (3360, 32), (3840, 0)]
    lanes.assert_index_is_fresh()
    assert lanes.controls(PITCH_BEND) == [pitch_bend(480, 7)] and lanes.controls(CONTROLLER, 7) == [others[2]]


def test_erase_by_drag_right_drag_and_delete_on_a_selected_span(lanes):
    lanes.show_lane(MODULATION_LANE)
    events = tuple(controller(t, MODULATION, 64) for t in range(0, 3840, 240))
    bends = (pitch_bend(480, 100),)
    lanes.window.document.edit(ControlChange(0, (), events + bends), "setup")
    setup = lanes.window.document.song
    count = lanes.stack.count()
    lanes.key(K.Key_X, M.AltModifier)
    lanes.lane_drag(lanes.at(480), lanes.at(960))
    assert [c.tick for c in lanes.controls(CONTROLLER)] == [0, 240, 1200, 1440, 1680, 1920, 2160, 2400, 2640,
                                                            2880, 3120, 3360, 3600]
    assert lanes.controls(PITCH_BEND) == list(bends)   # other lanes are left alone
    # A right-button drag erases whatever the tool.
    lanes.key(K.Key_D, M.AltModifier)
    lanes.lane_drag(lanes.at(1440), lanes.at(1920), button=B.RightButton)
    assert [c.tick for c in lanes.controls(CONTROLLER)] == [0, 240, 1200, 2160, 2400, 2640, 2880, 3120, 3360, 3600]
    # Select a span, then Delete erases it; Escape forgets a span without erasing.
    lanes.key(K.Key_S, M.AltModifier)
    lanes.lane_drag(lanes.at(2400), lanes.at(3120))
    assert lanes.lane.span == (2400, 3120)
    QTest.keyClick(lanes.lane, K.Key_Delete)
    assert [c.tick for c in lanes.controls(CONTROLLER)] == [0, 240, 1200, 2160, 3120, 3360, 3600]
    lanes.assert_index_is_fresh()
    lanes.lane_drag(lanes.at(3360), lanes.at(3840))
    QTest.keyClick(lanes.lane, K.Key_Escape)
    QTest.keyClick(lanes.lane, K.Key_Delete)
    assert len(lanes.controls(CONTROLLER)) == 7
    assert lanes.stack.count() == count + 3
    for _ in range(3):
        lanes.key(K.Key_Z, M.ControlModifier)
    assert lanes.window.document.song == setup   # every event back, in its order at each tick


def test_a_click_with_the_eraser_takes_the_event_under_it(lanes):
    lanes.show_lane(MODULATION_LANE)
    lanes.window.document.edit(ControlChange(0, (), (controller(480, MODULATION, 9), controller(960, MODULATION, 9))),
                               "setup")
    lanes.key(K.Key_X, M.AltModifier)
    lanes.lane_drag(lanes.at(480))
    assert lanes.controls() == [controller(960, MODULATION, 9)]


def test_move_controllers_with_notes_toggle(lanes):
    window, roll = lanes.window, lanes.roll
    notes = (Note(60, 0, 960, 90), Note(64, 480, 480, 90))
    pedal = (controller(0, SUSTAIN, 127), controller(960, SUSTAIN, 0))
    later = controller(3000, SUSTAIN, 127)     # outside the notes' span: never carried
    window.document.edit(ControlChange(0, (), pedal + (later,)), "setup")
    roll.add_notes(list(notes))
    assert window.settings.move_controllers_with_notes and roll.carry_controls
    # On: a nudge moves the pedal under the notes too, in one undo step.
    lanes.key(K.Key_A, M.ControlModifier)
    count = lanes.stack.count()
    lanes.key(K.Key_Right)
    assert lanes.controls() == [controller(120, SUSTAIN, 127), controller(1080, SUSTAIN, 0), later]
    assert lanes.stack.count() == count + 1
    # A mouse drag of a note moves the whole selection and the pedal.
    lanes.drag(lanes.point(120 + 200, 60), lanes.point(480 + 200, 60))
    assert [n.start for n in lanes.notes] == [480, 960]
    assert lanes.controls() == [controller(480, SUSTAIN, 127), controller(1440, SUSTAIN, 0), later]
    lanes.key(K.Key_Z, M.ControlModifier)
    lanes.key(K.Key_Z, M.ControlModifier)
    assert lanes.controls() == list(pedal + (later,)) and lanes.notes == notes
    # Off (Edit menu): the notes move alone, and the setting says so.
    toggle = roll.lane_header.carry_action
    edit_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    assert toggle in edit_menu.actions()
    toggle.trigger()
    assert not window.settings.move_controllers_with_notes and not roll.carry_controls
    lanes.key(K.Key_A, M.ControlModifier)
    lanes.key(K.Key_Right)
    assert [n.start for n in lanes.notes] == [120, 600]
    assert lanes.controls() == list(pedal + (later,))


def test_duplicate_cut_paste_carry_controllers_and_delete_leaves_them(lanes):
    window, roll = lanes.window, lanes.roll
    notes = (Note(60, 0, 1920, 90),)
    pedal = (controller(0, SUSTAIN, 127), controller(1920, SUSTAIN, 0))
    window.document.edit(ControlChange(0, (), pedal), "setup")
    roll.add_notes(list(notes))
    lanes.key(K.Key_A, M.ControlModifier)
    lanes.key(K.Key_D, M.ControlModifier)      # duplicate: a copy right after, with its pedal
    assert [n.start for n in lanes.notes] == [0, 1920]
    assert lanes.controls() == [controller(0, SUSTAIN, 127), controller(1920, SUSTAIN, 0),
                                controller(1920, SUSTAIN, 127), controller(3840, SUSTAIN, 0)]
    lanes.key(K.Key_X, M.ControlModifier)      # cut the copy: its pedal goes too
    assert lanes.controls() == list(pedal) and [n.start for n in lanes.notes] == [0]
    roll.set_playhead(7680)
    lanes.key(K.Key_V, M.ControlModifier)      # paste at the playhead: the pedal comes back there
    assert lanes.controls() == list(pedal) + [controller(7680, SUSTAIN, 127), controller(9600, SUSTAIN, 0)]
    lanes.key(K.Key_Delete)                    # delete the pasted notes: the controllers stay
    assert [n.start for n in lanes.notes] == [0]
    assert len(lanes.controls()) == 4


def test_lane_chooser_lists_any_controller_and_the_tracks_own(lanes, monkeypatch):
    header = lanes.roll.lane_header
    chooser = header.chooser
    titles = [chooser.itemText(i) for i in range(chooser.count())]
    assert titles[:len(LANES) + 1] == ["Velocity", *(lane.title for lane in LANES)]
    assert titles[-1] == "Controller…"
    monkeypatch.setattr("musicstudio.ui.piano_roll.lane_panel.QInputDialog.getInt", lambda *a, **k: (74, True))
    chooser.activated.emit(chooser.count() - 1)
    assert lanes.lane.isVisible() and lanes.lane.lane.key == (CONTROLLER, 74)
    assert chooser.currentText() == "CC 74 Brightness"
    lanes.window.document.edit(ControlChange(0, (), (controller(0, 91, 40), controller(0, MODULATION, 3))), "setup")
    header.list_track_lanes()
    titles = [chooser.itemText(i) for i in range(chooser.count())]
    assert "CC 91 Reverb •" in titles and "Modulation •" in titles
    header.show_lane(None)
    assert lanes.roll.velocity_lane.isVisible() and not lanes.lane.isVisible()


def test_screenshot_of_notes_with_pedal_blocks_and_a_bend_curve(lanes, tmp_path):
    from musicstudio.core.song import Song
    from musicstudio.core.track import Track

    notes = tuple(Note(60 + i % 5, bar * 1920 + i * 480, 420) for bar in range(4) for i in range(4))
    pedal = tuple(controller(bar * 1920 + 30 * s, SUSTAIN, 127 * (1 - s // 60)) for bar in range(4) for s in (0, 60))
    bends = tuple(pitch_bend(t, 4000 if 960 <= t < 2880 else 0) for t in range(0, 7680, 240))
    window = lanes.window
    window.document.load(Song(tracks=(Track("Piano", 0, False, notes, controls=pedal + bends),)), None)
    lanes.show_lane(SUSTAIN_LANE)
    lanes.roll.zoom_to_fit()
    shot = window.grab()
    assert shot.save(str(tmp_path / "lanes.png"))
    lane_top = lanes.lane.mapTo(window, QPoint(0, 0))
    image = shot.toImage()
    bottom = lane_top.y() + lanes.lane.height() - 3
    colour = image.pixelColor(lane_top.x() + lanes.at(960).x(), bottom)       # inside the first block
    gap = image.pixelColor(lane_top.x() + lanes.at(1860).x(), bottom)         # between two blocks
    assert colour.blue() > 150 and gap.blue() < 60
    # The bend lane fills between the centre and the bend: above the centre where the bend is up only.
    lanes.show_lane(BEND_LANE)
    image = lanes.lane.grab().toImage()
    above = round(y_of(BEND_LANE, 2000, lanes.lane.height()))
    assert image.pixelColor(lanes.at(1440).x(), above).blue() > 60
    assert image.pixelColor(lanes.at(3840).x(), above).blue() < 60
