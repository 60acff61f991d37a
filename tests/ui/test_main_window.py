"""The first main window: open, show, refuse bad files without losing the song, drop files."""

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent

from musicstudio.io.midi_write import export_midi
from musicstudio.ui.song_view import BACKGROUND, track_colour


def test_starts_empty_and_titled(main_window):
    assert main_window.windowTitle() == "Untitled — Music Studio"
    assert main_window.song.note_count == 0
    assert "0 tracks" in main_window.summary.text()


def test_opens_a_midi_file(main_window, tmp_path, four_voice_song):
    path = tmp_path / "four.mid"
    export_midi(four_voice_song, path)
    assert main_window.open_file(path)
    assert main_window.song == four_voice_song
    assert main_window.windowTitle().startswith("four.mid")
    assert "256 notes" in main_window.summary.text()


def test_a_corrupt_file_shows_why_and_keeps_the_song(main_window, tmp_path, four_voice_song, monkeypatch):
    good = tmp_path / "four.mid"
    export_midi(four_voice_song, good)
    main_window.open_file(good)
    shown = []
    monkeypatch.setattr("musicstudio.ui.main_window.QMessageBox.warning",
                        lambda parent, title, text: shown.append((title, text)))
    bad = tmp_path / "photo.mid"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    assert not main_window.open_file(bad)
    assert shown == [("Cannot open file", "photo.mid: it is a PNG image, not a MIDI file")]
    assert main_window.song == four_voice_song
    assert main_window.windowTitle().startswith("four.mid")


def test_dropping_a_midi_file_opens_it(main_window, tmp_path, four_voice_song):
    path = tmp_path / "dropped.mid"
    export_midi(four_voice_song, path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    main_window.dropEvent(event)
    assert main_window.song == four_voice_song


def test_the_song_view_paints_notes_where_they_are(main_window, four_voice_song, tmp_path):
    main_window.show_song(four_voice_song, None)
    view = main_window.view
    image = view.grab().toImage()
    image.save(str(tmp_path / "song_view.png"))
    for index, track in enumerate(four_voice_song.tracks):
        note = track.notes[5]
        centre = view.note_rect(note.pitch, note.start, note.end).center()
        assert QColor(image.pixel(int(centre.x()), int(centre.y()))) == track_colour(index)
    # The top row of the view is padding above the highest note: background there.
    high = view.pitch_span()[1]
    empty = view.note_rect(high, 240, 480).center()
    pixel = QColor(image.pixel(int(empty.x()), int(empty.y())))
    assert pixel == BACKGROUND
