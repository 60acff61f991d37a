"""What the piano roll shows before any editing: the empty roll's hint, each song's opening zoom, and the
loop it reports."""

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from roll_driver import RollDriver

from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.ticks import PPQ
from musicstudio.core.track import Track
from musicstudio.io.midi_write import export_midi


def bars_of_notes(bars: int, pitch: int = 60) -> Song:
    return Song((Track("Lead", 0, False, tuple(Note(pitch + bar % 12, bar * 4 * PPQ, PPQ) for bar in range(bars))),))


def test_the_empty_roll_says_how_to_get_notes_in_with_the_real_shortcuts(main_window, qtbot):
    roll = main_window.roll
    hint = roll.canvas.hint()
    assert hint is not None
    assert "Open a MIDI file (Ctrl+O)" in hint and "drop one here" in hint and "press Rec (R)" in hint
    assert "Draw tool (D)" in hint
    # A shortcut changed in the window is the one the hint names.
    main_window.draw_tool.setShortcut("Ctrl+Shift+D")
    assert "Draw tool (Ctrl+Shift+D)" in roll.canvas.hint()
    main_window.draw_tool.setShortcut("D")
    image = roll.canvas.grab().toImage()
    image.save("/tmp/roll_hint.png")
    middle = [QColor(image.pixel(x, y)).value() for x in range(0, image.width(), 2)
              for y in range(int(image.height() * 0.3), int(image.height() * 0.45), 2)]
    assert max(middle) > 120          # light text on the dark rows
    # Gone once there are notes.
    driver = RollDriver(main_window, qtbot)
    main_window.draw_tool.trigger()
    driver.click(driver.point(0, 60))
    assert roll.canvas.hint() is None
    roll.canvas.setFocus()
    driver.key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert roll.canvas.hint() is not None


def test_the_first_empty_song_opens_with_four_bars_across_and_keeps_them_through_a_resize(main_window):
    roll, g = main_window.roll, main_window.roll.geometry
    four_bars = main_window.document.song.meter.bar_start(4)
    assert g.x_of(four_bars) == pytest.approx(roll.canvas.width(), abs=1)
    main_window.resize(main_window.width() + 200, main_window.height())
    QApplication.processEvents()
    assert g.x_of(four_bars) == pytest.approx(roll.canvas.width(), abs=1)
    # Once the user zooms, a resize leaves the zoom alone.
    roll.zoom(2.0)
    zoom = g.px_per_tick
    main_window.resize(main_window.width() - 200, main_window.height())
    QApplication.processEvents()
    assert g.px_per_tick == zoom


def test_each_song_opens_zoomed_to_its_content(main_window, tmp_path):
    roll, g = main_window.roll, main_window.roll.geometry
    long_song, short_song = tmp_path / "long.mid", tmp_path / "short.mid"
    export_midi(bars_of_notes(32), long_song)
    export_midi(bars_of_notes(2, pitch=40), short_song)
    main_window.files.open_file(long_song)
    song = main_window.document.song
    assert g.scroll_x == 0 and g.x_of(song.length_ticks) == pytest.approx(roll.canvas.width(), abs=1)
    # Zoomed in and scrolled, as a user would, before opening the next song.
    roll.zoom(4.0)
    roll.scroll_by(dx=800)
    main_window.files.open_file(short_song)
    four_bars = main_window.document.song.meter.bar_start(4)
    assert g.scroll_x == 0 and g.x_of(four_bars) == pytest.approx(roll.canvas.width(), abs=1)
    # Its notes are in view, rows too.
    for note in main_window.document.song.tracks[0].notes:
        assert 0 <= g.y_of(note.pitch) < roll.canvas.height()


def test_a_loop_dragged_on_the_ruler_is_reported_with_its_span(main_window, qtbot):
    roll = main_window.roll
    heard = []
    roll.loop_changed.connect(heard.append)
    driver = RollDriver(main_window, qtbot)
    g = roll.geometry
    driver.drag(QPoint(int(g.x_of(480)) + 1, 10), QPoint(int(g.x_of(1920)) + 1, 10), widget=roll.ruler)
    assert heard and heard[-1] == (480, 1920) == roll.loop
    roll.set_loop(None)
    assert heard[-1] is None


def test_a_take_auditioned_in_place_is_drawn_apart_from_the_tracks_notes(main_window):
    """The take's notes in the takes list's orange, the seed's in the track's colour (white-ish on a track
    that is orange itself)."""
    from musicstudio.ui import palette

    roll = main_window.roll
    main_window.document.load(Song((Track("Melody", 0, False, (Note(60, 0, PPQ),)),)), None)
    roll.set_preview([Note(64, PPQ, PPQ)])
    image = roll.canvas.grab().toImage()
    g = roll.geometry

    def colour_of(note):
        x, y = g.x_of(note.start + note.duration // 2), g.y_of(note.pitch) + g.row_height / 2
        return QColor(image.pixel(int(x), int(y)))

    take, seed = colour_of(Note(64, PPQ, PPQ)), colour_of(Note(60, 0, PPQ))
    assert abs(take.hue() - palette.TAKE.hue()) <= 10 and abs(seed.hue() - palette.TAKE.hue()) > 60
    assert palette.take_colour(palette.TAKE).name() == palette.TAKE_ON_ORANGE.name()
