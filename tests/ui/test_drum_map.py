"""A drum track's piano roll shows a drum map: General MIDI drum names, the drums in use on top."""

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from roll_driver import RollDriver

from musicstudio.core.drum_map import GM_DRUMS, drum_name
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.ui import palette

KICK, SNARE, CLOSED_HAT, CRASH = 36, 38, 42, 49
BEAT = tuple(Note(KICK, t, 120, 110) for t in (0, 960, 1920, 2880)) \
    + tuple(Note(SNARE, t, 120, 100) for t in (480, 1440, 2400, 3360)) \
    + tuple(Note(CLOSED_HAT, t, 60, 80) for t in range(0, 3840, 240)) + (Note(CRASH, 0, 240, 120),)


def song_with_drums() -> Song:
    return Song((Track("Piano", 0, False, (Note(60, 0, 960), Note(64, 960, 960))),
                 Track("Drums", 0, True, BEAT)))


def test_a_drum_track_shows_its_drums_by_name_used_ones_first(main_window, qtbot):
    roll = main_window.roll
    main_window.document.load(song_with_drums(), None)
    assert not roll.is_drum_map()
    roll.set_track(1)
    g = roll.geometry
    assert roll.is_drum_map()
    assert [g.pitch_of_row(r) for r in range(6)] == [KICK, SNARE, CLOSED_HAT, CRASH, 35, 37]
    assert [drum_name(g.pitch_of_row(r)) for r in range(4)] == ["Kick", "Snare", "Closed Hi-Hat", "Crash"]
    assert roll.keyboard.width() > 100          # wide enough for the names
    roll.refresh()
    qtbot.wait(10)
    roll.grab().save("/tmp/drum_map.png")
    # The notes are drawn on their drums' rows, at the top of the view.
    image = roll.canvas.grab().toImage()
    colour = palette.track_colour(1)
    for note in (BEAT[0], BEAT[4], BEAT[8]):
        y = int(g.y_of(note.pitch) + g.row_height / 2)
        assert 0 < y < 4 * g.row_height
        pixel = QColor(image.pixel(int(g.x_of(note.start) + 2), y))
        assert abs(pixel.hue() - colour.hue()) <= 6 and pixel.saturation() > 100, pixel.name()
    # The strip writes the names: its used rows hold light text on a dark ground.
    strip = roll.keyboard.grab().toImage()
    row = int(g.row_height / 2)
    assert max(QColor(strip.pixel(x, row)).value() for x in range(4, 60)) > 150
    # The piano track is not drawn on drum rows (they are drums, not pitches).
    assert roll.shown_tracks() == [1]


def test_clicking_a_drum_row_auditions_and_drawing_there_writes_that_drum(main_window, qtbot):
    roll = main_window.roll
    main_window.document.load(song_with_drums(), None)
    roll.set_track(1)
    heard = []
    roll.audition_requested.connect(lambda pitch, velocity: heard.append(pitch))
    driver = RollDriver(main_window, qtbot)
    g = roll.geometry
    snare_y = int(g.y_of(SNARE) + g.row_height / 2)
    from PySide6.QtTest import QTest
    QTest.mouseClick(roll.keyboard, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(30, snare_y))
    assert heard == [SNARE]
    main_window.draw_tool.trigger()
    driver.click(driver.point(3840 + 480, SNARE))
    assert Note(SNARE, 4320, roll.last_length, roll.last_velocity) in roll.active_track.notes
    # The map stays put while the drums are edited: a new drum does not make the rows jump.
    driver.click(driver.point(3840, 75))
    assert any(n.pitch == 75 for n in roll.active_track.notes)
    assert [g.pitch_of_row(r) for r in range(4)] == [KICK, SNARE, CLOSED_HAT, CRASH]
    # Back on the piano track, rows are a keyboard again.
    roll.set_track(0)
    assert not roll.is_drum_map() and g.pitch_of_row(0) == 127
    assert roll.keyboard.width() < 100


def test_every_general_midi_drum_has_a_name():
    assert sorted(GM_DRUMS) == list(range(35, 82))
    assert drum_name(42) == "Closed Hi-Hat" and drum_name(90) == "Key 90"


def test_a_click_on_a_drum_note_from_the_piano_track_opens_the_drum_map_without_moving_it(main_window, qtbot):
    roll = main_window.roll
    main_window.document.load(song_with_drums(), None)
    driver = RollDriver(main_window, qtbot)
    driver.show(40)
    snare = BEAT[4]
    start = driver.point(snare.start, snare.pitch, dx=6)
    from PySide6.QtTest import QTest
    QTest.mousePress(roll.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(roll.canvas, start + QPoint(40, 30))      # the hand moves on as the rows change under it
    QTest.mouseRelease(roll.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start + QPoint(40, 30))
    assert roll.track_index == 1 and roll.is_drum_map()
    assert roll.selection == [snare]
    assert main_window.document.song.tracks[1].notes == song_with_drums().tracks[1].notes
