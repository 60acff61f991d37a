"""The volume faders and pan knobs in the track list: a drag is one undo step that edits the track's tick-0
volume or pan controller, a double-click resets, the tooltip says the value, the wheel scrolls the list; the
project and the MIDI file keep what the faders set."""

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionSlider

from musicstudio.core import Note, Song, Track
from musicstudio.core.controls import PAN, VOLUME, controller
from musicstudio.io.midi_read import import_midi
from musicstudio.io.midi_write import export_midi
from musicstudio.io.project import load_project

LEFT, NO_MOD = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier


def open_song(window, *tracks) -> None:
    tracks = tracks or (Track("Piano", 0, False, (Note(60, 0, 480, 90),)),
                        Track("Bass", 33, False, (Note(36, 0, 480, 90),)))
    window.document.load(Song(tuple(tracks)), None)


def handle_centre(fader) -> QPoint:
    option = QStyleOptionSlider()
    fader.initStyleOption(option)
    return fader.style().subControlRect(QStyle.ComplexControl.CC_Slider, option,
                                        QStyle.SubControl.SC_SliderHandle, fader).center()


def drag(fader, to_x: int, steps: int = 6) -> None:
    """Press on the handle, move to ``to_x`` in steps, release: the gesture a musician makes."""
    start = handle_centre(fader)
    QTest.mousePress(fader, LEFT, NO_MOD, start)
    for i in range(1, steps + 1):
        QTest.mouseMove(fader, QPoint(start.x() + (to_x - start.x()) * i // steps, start.y()))
    QTest.mouseRelease(fader, LEFT, NO_MOD, QPoint(to_x, start.y()))


def turn(knob, to: QPoint) -> None:
    """Press the pan knob at its top (the centre position), turn it towards ``to`` in steps, release."""
    start = QPoint(knob.width() // 2, 2)
    QTest.mousePress(knob, LEFT, NO_MOD, start)
    for i in range(1, 7):
        QTest.mouseMove(knob, start + (to - start) * i / 6)
    QTest.mouseRelease(knob, LEFT, NO_MOD, to)


def hard_left(knob) -> QPoint:
    """Below the knob, left of its centre: past the left end of its arc."""
    return QPoint(knob.width() // 2 - 8, knob.height() * 3)


def hard_right(knob) -> QPoint:
    return QPoint(knob.width() // 2 + 8, knob.height() * 3)


def tick_0(window, index: int, number: int) -> list[int]:
    return [c.value for c in window.document.song.tracks[index].controls if c.tick == 0 and c.number == number]


def test_dragging_the_volume_fader_to_the_left_end_is_one_undo_step_setting_cc7_at_tick_0(main_window):
    open_song(main_window)
    stack = main_window.document.undo_stack
    fader = main_window.tracks.fader(1, VOLUME)
    assert fader.value() == 100 and fader.isVisible()
    drag(fader, -20)
    assert tick_0(main_window, 1, VOLUME) == [0]
    assert tick_0(main_window, 0, VOLUME) == [], "the other track changed"
    assert stack.count() == 1, [stack.text(i) for i in range(stack.count())]
    assert stack.text(0) == "Volume of Bass"
    assert fader.value() == 0 and "Volume 0 (silent)" in fader.toolTip()
    stack.undo()
    assert main_window.document.song.tracks[1].controls == ()
    assert fader.value() == 100
    stack.redo()
    assert tick_0(main_window, 1, VOLUME) == [0] and fader.value() == 0


def test_two_turns_of_the_pan_knob_are_two_undo_steps(main_window):
    open_song(main_window)
    knob = main_window.tracks.fader(0, PAN)
    turn(knob, hard_left(knob))
    assert tick_0(main_window, 0, PAN) == [0] and "Pan 100% left" in knob.toolTip()
    assert main_window.document.undo_stack.count() == 1
    turn(knob, hard_right(knob))
    stack = main_window.document.undo_stack
    assert stack.count() == 2 and tick_0(main_window, 0, PAN) == [127]
    stack.undo()
    assert tick_0(main_window, 0, PAN) == [0]


def test_double_click_resets_a_fader_in_one_step(main_window):
    open_song(main_window, Track("Pad", 88, False, (Note(60, 0, 480, 90),),
                                 controls=(controller(0, VOLUME, 30), controller(0, PAN, 0))))
    tracks = main_window.tracks
    assert (tracks.fader(0, VOLUME).value(), tracks.fader(0, PAN).value()) == (30, 0)
    knob = tracks.fader(0, PAN)
    QTest.mouseDClick(knob, LEFT, NO_MOD, QPoint(knob.width() // 2 + 6, knob.height() - 4))
    assert tick_0(main_window, 0, PAN) == [64] and knob.value() == 64
    assert "Pan centre" in knob.toolTip()
    stack = main_window.document.undo_stack
    assert stack.count() == 1
    stack.undo()
    assert tick_0(main_window, 0, PAN) == [0]
    volume = tracks.fader(0, VOLUME)
    QTest.mouseDClick(volume, LEFT, NO_MOD, handle_centre(volume))
    assert tick_0(main_window, 0, VOLUME) == [100]


def test_keys_move_a_focused_fader_one_step_each(main_window):
    open_song(main_window)
    fader = main_window.tracks.fader(0, VOLUME)
    fader.setFocus()
    QTest.keyClick(fader, Qt.Key.Key_Left)
    QTest.keyClick(fader, Qt.Key.Key_Left)
    assert tick_0(main_window, 0, VOLUME) == [98]
    assert main_window.document.undo_stack.count() == 2
    assert fader.toolTip().startswith("Volume 98 (")


def test_the_wheel_over_an_unfocused_fader_leaves_it_alone(main_window):
    open_song(main_window)
    fader = main_window.tracks.fader(0, VOLUME)
    main_window.roll.setFocus()
    centre = QPointF(handle_centre(fader))
    event = QWheelEvent(centre, QPointF(fader.mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, -120),
                        Qt.MouseButton.NoButton, NO_MOD, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(fader, event)
    assert fader.value() == 100 and main_window.document.song.tracks[0].controls == ()


def test_what_the_faders_set_is_saved_in_the_project_and_the_midi_file(main_window, tmp_path):
    open_song(main_window)
    turn(main_window.tracks.fader(0, PAN), hard_left(main_window.tracks.fader(0, PAN)))
    drag(main_window.tracks.fader(1, VOLUME), main_window.tracks.fader(1, VOLUME).width() // 2)
    song = main_window.document.song
    volume = tick_0(main_window, 1, VOLUME)[0]
    assert 50 <= volume <= 77
    project = tmp_path / "mix.msproj"
    assert main_window.files.save_to(project)
    assert load_project(project).song.tracks == song.tracks
    export_midi(song, tmp_path / "mix.mid")
    read = import_midi(tmp_path / "mix.mid").song.tracks
    assert controller(0, PAN, 0) in read[0].controls
    assert controller(0, VOLUME, volume) in read[1].controls
    main_window.files.open_file(project)
    assert main_window.tracks.fader(0, PAN).value() == 0
    assert main_window.tracks.fader(1, VOLUME).value() == volume
