"""The controller lane's pieces without a window: gestures as values, the lane index, the per-column
painter against a plain reading of the events, and what note edits carry along."""

import random

import numpy as np
import pytest
from PySide6.QtGui import QColor

from musicstudio.core.changes import ChangeGroup, ControlChange
from musicstudio.core.controls import MODULATION, PROGRAM, SUSTAIN, Control, controller, pitch_bend
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.ui.piano_roll import carrying
from musicstudio.ui.piano_roll.lane_index import LaneIndex
from musicstudio.ui.piano_roll.lane_painter import lane_image, visible_columns, y_of
from musicstudio.ui.piano_roll.lane_tools import LaneGesture, ramp, replaced
from musicstudio.ui.piano_roll.lanes import BEND_LANE, LANES, SUSTAIN_LANE, controller_lane

MOD = controller_lane(MODULATION)


def test_draw_paints_one_event_per_step_along_the_path_both_ways():
    g = LaneGesture("draw", MOD, step=120, snap=120, press_tick=250, press_value=10)
    g.move_to(730, 70)          # right: 240, 360, 480, 600, 720 on a line from 10 to 70
    g.move_to(370, 100)         # and back left over what was painted
    assert [(c.tick, c.value) for c in g.added()] == [(240, 10), (360, 100), (480, 90), (600, 80), (720, 70)]
    assert g.span() == (240, 839)


def test_draw_on_the_pedal_lane_paints_a_block_down_at_its_start_and_up_at_its_end():
    g = LaneGesture("draw", SUSTAIN_LANE, step=120, snap=120, press_tick=1000, press_value=3)
    g.move_to(130, 3)           # dragged leftwards
    assert g.added() == [controller(120, SUSTAIN, 127), controller(960, SUSTAIN, 0)]   # ends snapped
    click = LaneGesture("line", SUSTAIN_LANE, step=120, snap=120, press_tick=500, press_value=0)
    assert click.added() == [controller(480, SUSTAIN, 127), controller(600, SUSTAIN, 0)]  # a click: one step


def test_ramp_lands_on_both_ends_and_clamps_to_the_lane():
    assert [(c.tick, c.value) for c in ramp(MOD, 0, 0, 300, 127, 120)] == [(0, 0), (120, 51), (240, 102), (300, 127)]
    assert [(c.tick, c.value) for c in ramp(BEND_LANE, 480, 9000, 0, -9000, 240)] == [
        (0, -8192), (240, 0), (480, 8191)]
    assert ramp(MOD, 60, 5, 60, 9, 120) == [controller(60, MODULATION, 9)]


def test_erase_reaches_either_side_and_select_keeps_nothing():
    erase = LaneGesture("erase", MOD, step=120, snap=120, press_tick=500, press_value=0, reach=20)
    erase.move_to(300, 0)
    assert erase.span() == (280, 520) and erase.added() == []
    index = LaneIndex(Track(controls=(controller(270, 1, 1), controller(280, 1, 2), controller(520, 1, 3),
                                      pitch_bend(400, 5), controller(521, 1, 4))), MOD.key)
    assert erase.change(index) == ([controller(280, 1, 2), controller(520, 1, 3)], [])
    select = LaneGesture("select", MOD, step=120, snap=120, press_tick=130, press_value=0)
    select.move_to(470, 0)
    assert select.span() == (120, 479) and select.added() == []
    with pytest.raises(ValueError):
        LaneGesture("smudge", MOD, 120, 120, 0, 0)


def test_lane_index_finds_a_lanes_events_and_the_value_held():
    track = Track(controls=(controller(0, 1, 5), controller(0, 7, 100), pitch_bend(10, -3), controller(40, 1, 9),
                            Control(50, PROGRAM, 0, 4)))
    index = LaneIndex(track, MOD.key)
    assert index.events == [controller(0, 1, 5), controller(40, 1, 9)]
    assert index.value_at(39) == 5 and index.value_at(40) == 9 and index.value_before(40) == 5
    assert LaneIndex(track, BEND_LANE.key).value_before(10) is None
    assert index.in_span(1, 41) == [controller(40, 1, 9)]


def _columns_by_reading(ticks, values, px_per_tick, scroll_x, width):
    """The value held at each column's end, read event by event (None before the first)."""
    out = []
    for x in range(width):
        end = (x + 1 + scroll_x) / px_per_tick      # first tick of the next column
        held = [v for t, v in zip(ticks, values) if t * px_per_tick - scroll_x < x + 1 and t < end]
        out.append(held[-1] if held else None)
    return out


@pytest.mark.parametrize("px_per_tick, scroll_x", [(0.5, 0.0), (0.01, 37.0), (0.0005, 0.0)])
def test_columns_hold_the_last_value_and_span_every_value_passed(px_per_tick, scroll_x):
    rng = random.Random(4)
    ticks = np.array(sorted(rng.randrange(0, 400_000) for _ in range(3000)), dtype=np.int64)
    values = np.array([rng.randrange(0, 128) for _ in ticks], dtype=np.int64)
    width = 200
    cols = visible_columns(ticks, values, px_per_tick, scroll_x, width)
    expected = _columns_by_reading(ticks.tolist(), values.tolist(), px_per_tick, scroll_x, width)
    assert [int(h) if k else None for h, k in zip(cols.held, cols.known)] == expected
    for x in range(width):        # every event inside a column lies within its drawn range
        inside = values[np.floor(ticks * px_per_tick - scroll_x).astype(int) == x]
        if len(inside):
            assert cols.low[x] <= inside.min() and cols.high[x] >= inside.max()


def test_lane_image_draws_pedal_blocks_only_where_the_pedal_is_down():
    ticks, values = np.array([100, 300]), np.array([127, 0])
    cols = visible_columns(ticks, values, 0.1, 0.0, 50)       # down from pixel 10 to 30
    image = lane_image(SUSTAIN_LANE, cols, 40, QColor("#4e9af1"))
    bottom = [image.pixelColor(x, 38).alpha() > 0 for x in range(50)]
    assert bottom == [False] * 10 + [True] * 21 + [False] * 19


def test_lane_image_fills_a_bend_between_the_centre_and_its_value():
    cols = visible_columns(np.array([0, 200]), np.array([8191, -8192]), 0.1, 0.0, 40)
    image = lane_image(BEND_LANE, cols, 60, QColor("#ff0000"))
    centre = round(y_of(BEND_LANE, 0, 60))
    assert image.pixelColor(5, centre - 10).alpha() > 0 and image.pixelColor(5, centre + 10).alpha() == 0
    assert image.pixelColor(30, centre + 10).alpha() > 0 and image.pixelColor(30, centre - 10).alpha() == 0


def test_replaced_shows_a_gesture_before_it_is_made():
    ticks, values = np.array([0, 100, 200, 300]), np.array([1, 2, 3, 4])
    t, v = replaced(ticks, values, (100, 200), [controller(150, 1, 9)])
    assert t.tolist() == [0, 150, 300] and v.tolist() == [1, 9, 4]


def test_lane_labels_read_as_a_musician_reads_them():
    assert SUSTAIN_LANE.scale_labels() == ("Down", "", "Up")
    pan = next(lane for lane in LANES if lane.title == "Pan")
    assert pan.scale_labels() == ("R63", "C", "L64")
    assert BEND_LANE.scale_labels() == ("+8191", "0", "-8192")
    assert controller_lane(3).title == "CC 3" and controller_lane(74).title == "CC 74 Brightness"
    with pytest.raises(ValueError):
        controller_lane(128)


# -- what note edits carry ---------------------------------------------------------------------------
def _song(controls):
    return Song(tracks=(Track("t", 0, False, (Note(60, 480, 480),), controls=tuple(controls)),))


def test_a_pedal_lifted_where_the_notes_start_stays_one_lifted_where_they_end_goes():
    pedal = [controller(480, SUSTAIN, 0), controller(480, SUSTAIN, 127), controller(960, SUSTAIN, 0),
             controller(960, SUSTAIN, 127), controller(960, MODULATION, 5)]
    song = _song(pedal)
    change, _ = carrying.moved(0, song.tracks[0], song.tracks[0].notes, 240, 0, carry=True)
    moved = change.apply(song).tracks[0].controls
    assert moved == (controller(480, SUSTAIN, 0), controller(720, SUSTAIN, 127), controller(960, SUSTAIN, 127),
                     controller(960, MODULATION, 5), controller(1200, SUSTAIN, 0))
    assert change.inverse().apply(change.apply(song)) == song


def test_undoing_a_carried_move_keeps_the_order_at_a_tick():
    # A bank select moves with the notes while its program change stays: undo puts it back before it.
    controls = [controller(480, 0, 1), Control(480, PROGRAM, 0, 5), controller(480, MODULATION, 3)]
    song = _song(controls)
    change, _ = carrying.moved(0, song.tracks[0], song.tracks[0].notes, 480, 0, carry=True)
    assert isinstance(change, ChangeGroup)
    assert [c.tick for c in change.apply(song).tracks[0].controls] == [480, 960, 960]
    assert change.inverse().apply(change.apply(song)).tracks[0].controls == tuple(controls)


def test_without_carry_or_controllers_a_note_edit_is_the_notes_alone():
    song = _song([controller(500, MODULATION, 3)])
    change, _ = carrying.moved(0, song.tracks[0], song.tracks[0].notes, 480, 0, carry=False)
    assert not isinstance(change, ChangeGroup)
    clip = carrying.copied(song.tracks[0], song.tracks[0].notes, carry=True)
    assert clip.notes == (Note(60, 0, 480),) and clip.controls == (controller(20, MODULATION, 3),)
    change, notes = carrying.pasted(0, song.tracks[0], clip, 1920, carry=True)
    assert notes == [Note(60, 1920, 480)]
    assert change.apply(song).tracks[0].controls == (controller(500, MODULATION, 3), controller(1940, MODULATION, 3))
    cut = carrying.cut(0, song.tracks[0], song.tracks[0].notes, carry=True)
    assert cut.apply(song).tracks[0] == Track("t")
    assert isinstance(carrying.exact_change(0, song.tracks[0], [], []), type(None))
    assert isinstance(carrying.exact_change(0, song.tracks[0], [], [controller(1, 1, 1)]), ControlChange)
