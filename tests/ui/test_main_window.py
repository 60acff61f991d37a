"""The main window: files, title, tracks, drops, autosave and what the piano roll paints."""

from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox

from musicstudio.core import Note, Song, Track
from musicstudio.io.midi_read import import_midi
from musicstudio.io.midi_write import export_midi
from musicstudio.io.project import load_project
from musicstudio.io.settings import Settings
from musicstudio.ui import palette
from musicstudio.ui.autosave import pending_recovery
from musicstudio.ui.file_actions import FileActions, empty_song
from musicstudio.ui.main_window import MainWindow


def write_mid(folder: Path, song: Song, name: str = "four.mid") -> Path:
    path = folder / name
    export_midi(song, path)
    return path


def test_starts_with_one_empty_track_and_a_clean_title(main_window):
    assert main_window.document.song == empty_song()
    assert main_window.windowTitle() == "Untitled[*] — Music Studio"
    assert not main_window.isWindowModified()
    assert "1 tracks" in main_window.summary.text()


def test_title_shows_unsaved_changes_until_saved(main_window, tmp_path):
    main_window.roll.add_notes([Note(60, 0, 480, 100)])
    assert main_window.isWindowModified()
    path = tmp_path / "tune.msproj"
    assert main_window.files.save_to(path)
    assert not main_window.isWindowModified()
    assert main_window.windowTitle() == "tune.msproj[*] — Music Studio"
    assert load_project(path).song == main_window.document.song
    main_window.document.undo_stack.undo()
    assert main_window.isWindowModified()


def test_opens_a_midi_file_and_remembers_it(main_window, tmp_path, four_voice_song):
    path = write_mid(tmp_path, four_voice_song)
    assert main_window.files.open_file(path)
    assert main_window.document.song == four_voice_song
    assert main_window.windowTitle().startswith("four.mid")
    assert "256 notes" in main_window.summary.text()
    assert main_window.settings.recent_files[0] == str(path.resolve())
    assert main_window.tracks.table.rowCount() == 4


def test_a_backup_opens_like_its_project_and_saving_asks_for_a_name(main_window, tmp_path, monkeypatch):
    main_window.roll.add_notes([Note(60, 0, 480, 100)])
    path = tmp_path / "tune.msproj"
    assert main_window.files.save_to(path)
    main_window.roll.add_notes([Note(64, 480, 480, 100)])
    assert main_window.files.save_to(path)            # the one-note version is now tune.msproj.bak
    backup = tmp_path / "tune.msproj.bak"
    assert main_window.files.open_file(backup)
    assert main_window.document.song.note_count == 1 and main_window.windowTitle().startswith("tune.msproj.bak")
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (asked.append(a[2]), ("", ""))[1])
    assert not main_window.files.save()               # Save asks where, starting from tune.msproj
    assert asked and Path(asked[0]).name == "tune.msproj"
    assert load_project(backup).song.note_count == 1 and load_project(path).song.note_count == 2
    assert FileActions.dropped_paths(mime_of(backup)) == [str(backup)]


def mime_of(path: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    return mime


def test_a_corrupt_file_shows_why_and_keeps_the_song(main_window, tmp_path, four_voice_song, monkeypatch):
    main_window.files.open_file(write_mid(tmp_path, four_voice_song))
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append((title, text)))
    bad = tmp_path / "photo.mid"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    assert not main_window.files.open_file(bad)
    assert shown == [("Cannot open file", "photo.mid: it is a PNG image, not a MIDI file")]
    assert main_window.document.song == four_voice_song
    assert main_window.windowTitle().startswith("four.mid")


def drop(window, path: Path) -> None:
    mime = mime_of(path)   # kept alive here: the event does not own it
    event = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)


def test_dropping_midi_opens_into_an_untouched_song_and_imports_otherwise(main_window, tmp_path, four_voice_song):
    path = write_mid(tmp_path, four_voice_song)
    drop(main_window, path)
    assert main_window.document.song == four_voice_song
    drop(main_window, path)
    assert len(main_window.document.song.tracks) == 8
    main_window.document.undo_stack.undo()   # the import is one undo step
    assert main_window.document.song == four_voice_song


def test_track_list_edits_are_undoable(main_window):
    tracks = main_window.tracks
    tracks.table.item(0, 1).setText("Lead")
    assert main_window.document.song.tracks[0].name == "Lead"
    tracks.table.cellWidget(0, 2).setCurrentIndex(73)
    assert main_window.document.song.tracks[0].program == 73
    tracks.table.cellWidget(0, 2).setCurrentIndex(128)
    assert main_window.document.song.tracks[0].is_drum
    tracks.table.item(0, 3).setCheckState(Qt.CheckState.Checked)
    assert main_window.document.song.tracks[0].muted
    tracks.add_track()
    assert len(main_window.document.song.tracks) == 2
    stack = main_window.document.undo_stack
    while stack.canUndo():
        stack.undo()
    assert main_window.document.song == empty_song()
    assert not main_window.document.song.tracks[0].muted


def test_tempo_meter_and_key_edits_are_undoable(main_window):
    t = main_window.transport
    t.tempo.setValue(96)
    t.meter.setCurrentText("3/4")
    t.key.setCurrentText("D minor")
    song = main_window.document.song
    assert round(song.tempo_bpm) == 96 and str(song.time_signatures[0]) == "3/4" and song.key.name == "D minor"
    for _ in range(3):
        main_window.document.undo_stack.undo()
    assert main_window.document.song == empty_song()
    assert t.tempo.value() == 120


def test_autosave_writes_within_the_interval_and_a_restart_restores(qtbot, app_dirs, monkeypatch, four_voice_song):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    first = MainWindow(Settings(), autosave_ms=100)
    qtbot.addWidget(first)
    first.files.open_file(write_mid(app_dirs, four_voice_song))
    first.roll.add_notes([Note(90, 0, 120, 50)])
    edited = first.document.song
    qtbot.waitUntil(lambda: pending_recovery(first.autosaver.folder) is not None, timeout=2000)
    # A crash: the window goes away without its close handler; the autosave stays.
    first.autosaver.stop()
    first._uninstall_crash_hook()
    first.hide()
    second = MainWindow(Settings())
    qtbot.addWidget(second)
    assert second.files.offer_recovery()
    assert second.document.song == edited
    assert second.isWindowModified()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    second.close()
    assert pending_recovery(second.autosaver.folder) is None


def test_closing_with_unsaved_changes_asks_and_cancel_keeps_the_window(main_window, monkeypatch):
    main_window.roll.add_notes([Note(60, 0, 480, 100)])
    asked = []

    def cancel(*args, **kwargs):
        asked.append(args[1:3])
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", cancel)
    main_window.close()
    assert asked and main_window.isVisible()


def test_drag_out_carries_a_midi_file_of_the_selection(main_window, tmp_path):
    from musicstudio.ui.drag_out import clip_mime_data

    notes = [Note(60, 1920 + 0, 240, 90), Note(64, 1920 + 240, 240, 90)]
    main_window.roll.add_notes(notes)
    song, name = main_window.files.dragged_song()
    mime = clip_mime_data(song, name)
    path = Path(mime.urls()[0].toLocalFile())
    assert path.suffix == ".mid" and path.is_file()
    imported = import_midi(path).song
    assert imported.tracks[0].notes == (Note(60, 0, 240, 90), Note(64, 240, 240, 90))


def test_drag_out_carries_the_tracks_pedal_bends_words_and_the_tempo_map(main_window):
    """A track dragged into a DAW plays as it does here: its sustain pedal, bends and lyrics go with it, and the
    song's tempo changes; a selection takes the pedal held into its bars and the words in them."""
    from musicstudio.core.controls import SongText, controller, pitch_bend
    from musicstudio.core.tempo import Tempo
    from musicstudio.ui.drag_out import clip_mime_data

    notes = (Note(60, 0, 480, 90), Note(64, 1920, 480, 90), Note(67, 3840, 480, 90))
    controls = (controller(0, 64, 127), pitch_bend(1920, 4096), controller(3000, 64, 0))
    words = (SongText(0, "lyric", "one"), SongText(1920, "lyric", "two"), SongText(3840, "lyric", "three"))
    voice = Track("Voice", 52, False, notes, controls=controls, texts=words)
    song = Song((Track("Piano", 0, False, (Note(48, 0, 1920, 80),)), voice),
                tempos=(Tempo(0, 500_000), Tempo(3840, 400_000)), texts=(SongText(0, "marker", "Verse"),))
    main_window.document.load(song, None)
    roll = main_window.roll
    roll.set_track(1)
    whole, name = main_window.files.dragged_song()
    path = Path(clip_mime_data(whole, name).urls()[0].toLocalFile())
    back = import_midi(path).song
    assert name == "Voice" and len(back.tracks) == 1 and back.tracks[0].notes == notes
    assert back.tracks[0].controls == controls and back.tracks[0].texts == words
    assert back.tempos == song.tempos and back.texts == ()          # the conductor's marker stays home
    roll.set_selection([notes[1]])                  # bar 2: the pedal down, a bend, the pedal up, "two"
    clip, name = main_window.files.dragged_song()
    assert name == "Voice selection" and clip.tracks[0].notes == (Note(64, 0, 480, 90),)
    assert clip.tracks[0].controls == (controller(0, 64, 127), pitch_bend(0, 4096), controller(1080, 64, 0))
    assert clip.tracks[0].texts == (SongText(0, "lyric", "two"),) and clip.tempos == (Tempo(0, 500_000),)


def test_the_piano_roll_paints_notes_where_they_are(main_window, tmp_path):
    roll = main_window.roll
    notes = [Note(60, 0, 480, 100), Note(64, 480, 960, 100), Note(67, 1920, 240, 100)]
    song = Song((Track("Lead", 0, False, tuple(notes)), Track("Pad", 48, False, (Note(72, 0, 1920, 80),))))
    main_window.document.load(song, None)
    roll.geometry.centre_on_pitch(66, roll.canvas.height())
    roll.refresh()
    image = roll.canvas.grab().toImage()
    image.save(str(tmp_path / "piano_roll.png"))
    g = roll.geometry
    colour = palette.track_colour(0)
    for n in notes:
        x, y = g.x_of(n.start) + n.duration * g.px_per_tick / 2, g.y_of(n.pitch) + g.row_height / 2
        pixel = QColor(image.pixel(int(x), int(y)))
        assert abs(pixel.hue() - colour.hue()) <= 3 and pixel.saturation() > 100, (n, pixel.name())
    # The other track's note is drawn in that track's colour, dimmer than the current track's notes.
    other = QColor(image.pixel(int(g.x_of(960)), int(g.y_of(72) + g.row_height / 2)))
    current = QColor(image.pixel(int(g.x_of(240)), int(g.y_of(60) + g.row_height / 2)))
    assert abs(other.hue() - palette.track_colour(1).hue()) <= 8, other.name()
    assert palette.BACKGROUND.value() + 20 < other.value() < current.value()
    # Empty space far from any note is the background of its row.
    empty = QColor(image.pixel(int(g.x_of(3050)), int(g.y_of(62) + g.row_height / 2)))
    assert empty.value() < 60  # dark row background; a note there would be bright (value > 200)


def test_dragging_a_loop_on_the_ruler_checks_loop_and_unchecking_clears_it(main_window):
    """Issue 21: the Loop button says whether a loop is set, however it was set."""
    from PySide6.QtTest import QTest

    roll, loop = main_window.roll, main_window.transport.loop
    ruler, y = roll.ruler, roll.ruler.height() // 2
    QTest.mousePress(ruler, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(20, y))
    QTest.mouseMove(ruler, QPoint(200, y))
    QTest.mouseRelease(ruler, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(200, y))
    assert roll.loop is not None and roll.loop[1] > roll.loop[0]
    assert loop.isChecked()
    loop.trigger()                                  # the button (or L) turns the loop off
    assert roll.loop is None and not loop.isChecked()
    main_window.files.new_song()                    # a new song has no loop: the button follows
    loop.trigger()
    assert roll.loop is not None and loop.isChecked()
    main_window.files.new_song()
    assert roll.loop is None and not loop.isChecked()


def test_clicking_another_tracks_note_in_the_roll_makes_it_current_in_the_track_list_too(main_window):
    from PySide6.QtTest import QTest

    song = Song((Track("Lead", 0, False, (Note(60, 0, 960, 90),)), Track("Bass", 33, False, (Note(48, 960, 960, 90),))))
    main_window.document.load(song, None)
    roll, g = main_window.roll, main_window.roll.geometry
    g.centre_on_pitch(54, roll.canvas.height())
    roll.refresh()
    at = QPoint(int(g.x_of(960 + 480)), int(g.y_of(48) + g.row_height / 2))
    QTest.mouseClick(roll.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    assert roll.track_index == 1
    assert main_window.tracks.current() == 1                 # the list shows the track the roll edits
    main_window.tracks.select(0)                             # and the list still leads the roll
    assert roll.track_index == 0 and main_window.tracks.current() == 0


def test_the_microphone_and_audio_import_are_in_the_menus(main_window):
    """Issue 24: Record from microphone (Shift+R) beside Rec, Import audio as notes in File."""
    menus = {a.text().replace("&", ""): a.menu() for a in main_window.menuBar().actions() if a.menu()}
    file_actions = menus["File"].actions()
    assert main_window.sing.import_action in file_actions
    assert file_actions.index(main_window.sing.import_action) < len(file_actions) - 1   # above Quit
    everywhere = [a for menu in menus.values() for a in menu.actions()]
    assert main_window.sing.record_action in everywhere
    assert main_window.sing.record_action.shortcut().toString() == "Shift+R"
