"""The track list: the row it highlights is the track the roll edits (also after opening another file),
track colours, the current track in bold, and edits that keep what they do not change."""

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPalette
from PySide6.QtTest import QTest

from musicstudio.core import Note, Song, Track
from musicstudio.core.controls import PAN, VOLUME, controller, pitch_bend
from musicstudio.io.midi_write import export_midi
from musicstudio.ui.palette import track_colour
from musicstudio.ui.track_list import COL_COLOUR, COL_INSTRUMENT, COL_NAME


def click_row(window, row: int) -> None:
    table = window.tracks.table
    rect = table.visualItemRect(table.item(row, COL_NAME))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())


def song_of(names: list[str]) -> Song:
    return Song(tuple(Track(name, i, False, (Note(60 + i, 0, 480, 90),)) for i, name in enumerate(names)))


def highlighted_rows(window) -> list[int]:
    return sorted({i.row() for i in window.tracks.table.selectedIndexes()})


def test_opening_a_second_file_highlights_its_first_track_and_every_row_can_be_clicked(main_window, tmp_path):
    first, second = tmp_path / "first.mid", tmp_path / "second.mid"
    export_midi(song_of(["Flute", "Oboe", "Horn"]), first)
    export_midi(song_of(["Bass", "Piano", "Strings"]), second)
    assert main_window.files.open_file(first)
    click_row(main_window, 2)
    assert main_window.roll.track_index == 2 and highlighted_rows(main_window) == [2]

    assert main_window.files.open_file(second)
    assert main_window.roll.track_index == 0
    assert highlighted_rows(main_window) == [0], "the list still highlights the first song's row"
    assert main_window.tracks.current() == 0
    click_row(main_window, 2)          # the row the first song left highlighted
    assert main_window.roll.track_index == 2, "clicking the row did not make its track current"
    assert main_window.roll.active_track.name == "Strings"
    assert highlighted_rows(main_window) == [2]


def test_clicking_the_current_row_brings_the_roll_back_to_it(main_window, tmp_path):
    path = tmp_path / "three.mid"
    export_midi(song_of(["A", "B", "C"]), path)
    assert main_window.files.open_file(path)
    click_row(main_window, 1)
    main_window.roll.set_track(0)      # the roll moved on its own (as a click on another track's note may)
    click_row(main_window, 1)
    assert main_window.roll.track_index == 1


def test_the_current_track_is_bold_and_stays_highlighted_without_focus(main_window, tmp_path):
    path = tmp_path / "three.mid"
    export_midi(song_of(["A", "B", "C"]), path)
    assert main_window.files.open_file(path)
    table = main_window.tracks.table
    click_row(main_window, 1)
    main_window.roll.setFocus()
    assert [table.item(i, COL_NAME).font().bold() for i in range(3)] == [False, True, False]
    palette = table.palette()
    for role in (QPalette.ColorRole.Highlight, QPalette.ColorRole.HighlightedText):
        assert palette.color(QPalette.ColorGroup.Inactive, role) == palette.color(QPalette.ColorGroup.Active, role)
    main_window.tracks.add_track()
    assert main_window.roll.track_index == 3
    assert [table.item(i, COL_NAME).font().bold() for i in range(4)] == [False, False, False, True]


def test_each_row_shows_its_track_colour(main_window, tmp_path):
    song = Song((Track("Own colour", 0, False, (), colour="#123456"), Track("Palette"), Track("Palette too")))
    main_window.document.load(song, None)
    table = main_window.tracks.table
    for i, track in enumerate(song.tracks):
        assert table.item(i, COL_COLOUR).background().color() == track_colour(i, track)
    assert table.item(0, COL_COLOUR).background().color().name() == "#123456"
    assert table.columnWidth(COL_COLOUR) >= 10


def test_removing_the_current_last_track_moves_the_roll_to_the_new_last(main_window):
    main_window.tracks.add_track()
    main_window.tracks.add_track()
    assert main_window.roll.track_index == 2
    main_window.document.undo_stack.undo()      # the third track goes
    assert main_window.tracks.current() == 1
    assert main_window.roll.track_index == 1


def test_changing_the_instrument_keeps_the_tracks_controllers_and_channel(main_window):
    events = (controller(0, 7, 90), controller(0, 10, 20), pitch_bend(480, 4000), controller(960, 64, 127))
    track = Track("Lead", 0, False, (Note(60, 0, 960, 90),), controls=events, channel=5)
    main_window.document.load(Song((track,)), None)
    main_window.tracks.table.cellWidget(0, COL_INSTRUMENT).setCurrentIndex(40)
    changed = main_window.document.song.tracks[0]
    assert changed.program == 40
    assert changed.controls == events, "changing the instrument dropped the track's controllers"
    assert changed.channel == 5
    main_window.document.undo_stack.undo()
    assert main_window.document.song.tracks[0].program == 0


def test_the_list_paints_colours_the_current_row_and_every_mixer_control_at_the_default_size(main_window, tmp_path):
    song = Song(tuple(Track(name, 0, False, (Note(60, 0, 480, 90),)) for name in ("Piano", "Bass", "Strings")))
    main_window.resize(1280, 760)
    main_window.document.load(song, None)
    click_row(main_window, 1)
    main_window.roll.setFocus()
    tracks = main_window.tracks
    table = tracks.table
    image = tracks.grab().toImage()
    image.save(str(tmp_path / "track_list.png"))
    origin = table.viewport().mapTo(tracks, table.viewport().rect().topLeft())
    for row, track in enumerate(song.tracks):
        swatch = table.visualItemRect(table.item(row, COL_COLOUR)).center() + origin
        assert image.pixelColor(swatch) == track_colour(row, track)
    name = table.visualItemRect(table.item(1, COL_NAME))
    corner = name.topLeft() + origin + QPoint(2, 2)
    assert image.pixelColor(corner) == table.palette().color(QPalette.ColorGroup.Inactive, QPalette.ColorRole.Highlight)
    assert name.width() >= 60, "the track names have too little room"
    assert not table.horizontalScrollBar().isVisible()
    for row in range(3):
        for number in (VOLUME, PAN):
            control = tracks.fader(row, number)
            assert control.isVisible() and table.viewport().rect().contains(
                control.geometry()), f"row {row + 1}'s control {number} is cut off"


def test_clicking_a_tracks_colour_makes_it_current(main_window):
    main_window.document.load(song_of(["A", "B", "C"]), None)
    table = main_window.tracks.table
    rect = table.visualItemRect(table.item(2, COL_COLOUR))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    assert main_window.roll.track_index == 2 and highlighted_rows(main_window) == [2]


def test_opening_another_file_keeps_its_track_names_and_leaves_it_unmodified(main_window, tmp_path):
    """Marking the current row in bold is not an edit: after a file whose second track was current, the
    next file's first track kept the old song's name ("Alpha"), as an undo step that marked it modified."""
    from musicstudio.core import Note, Song, Track
    from musicstudio.io.midi_write import export_midi

    a, b = tmp_path / "a.mid", tmp_path / "b.mid"
    export_midi(Song((Track("Alpha", 0, False, (Note(60, 0, 480),)), Track("Alpha 2", 0, False, (Note(62, 0, 480),)))),
                a)
    export_midi(Song((Track("Beta", 0, False, (Note(60, 0, 480),)),)), b)
    assert main_window.files.open_file(a)
    main_window.roll.set_track(1)
    assert main_window.files.open_file(b)
    assert [t.name for t in main_window.document.song.tracks] == ["Beta"]
    assert main_window.document.undo_stack.count() == 0 and main_window.document.undo_stack.isClean()
