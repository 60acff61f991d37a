"""Dragging a clip out: a .mid file in a fresh folder that imports back to the same song, with a safe name."""

import os
import shutil
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDrag
from PySide6.QtWidgets import QWidget

from musicstudio.core import Note, Song, Track
from musicstudio.io.midi_read import import_midi
from musicstudio.io.midi_write import song_to_midi_bytes
from musicstudio.ui import drag_out
from musicstudio.ui.drag_out import (
    DRAG_PREFIX,
    build_drag,
    clip_mime_data,
    remove_old_drag_files,
    safe_file_name,
    start_drag,
)


@pytest.fixture
def drag_tmp(tmp_path, monkeypatch):
    """Drag folders go under this test's tmp_path."""
    monkeypatch.setattr(drag_out.tempfile, "tempdir", str(tmp_path))
    return tmp_path


@pytest.fixture
def clip():
    return Song((Track("Lead", 81, False, (Note(60, 0, 240, 90), Note(64, 240, 240, 100), Note(67, 480, 480, 110))),),
                title="Riff")


def dragged_path(mime) -> Path:
    urls = mime.urls()
    assert len(urls) == 1 and urls[0].isLocalFile()
    return Path(urls[0].toLocalFile())


def test_the_url_points_to_a_midi_file_that_imports_to_the_same_song(qtbot, drag_tmp, clip, four_voice_song):
    for song in (clip, four_voice_song):
        mime = clip_mime_data(song, "Riff")
        path = dragged_path(mime)
        assert path.name == "Riff.mid" and path.is_file()
        assert path.parent.parent == drag_tmp and path.parent.name.startswith(DRAG_PREFIX)
        assert import_midi(path).song == song


def test_the_midi_bytes_travel_as_audio_midi(qtbot, drag_tmp, clip):
    mime = clip_mime_data(clip, "Riff")
    assert mime.hasFormat("audio/midi")
    data = bytes(mime.data("audio/midi").data())
    assert data == song_to_midi_bytes(clip) == dragged_path(mime).read_bytes()


def test_every_drag_gets_its_own_folder(qtbot, drag_tmp, clip):
    first = dragged_path(clip_mime_data(clip, "Riff"))
    second = dragged_path(clip_mime_data(clip, "Riff"))
    assert first.parent != second.parent and first.is_file() and second.is_file()


@pytest.mark.parametrize("name, expected", [
    ("Lead selection", "Lead selection"),
    ("drums/hats\\open", "drums_hats_open"),
    ("../../etc/passwd", "etc_passwd"),
    ("a:b*c?d\"e<f>g|h", "a_b_c_d_e_f_g_h"),
    ("tab\there\nnewline\x00nul", "tab_here_newline_nul"),
    ("  .hidden. ", "hidden"),
    ("", "clip"),
    ("///", "clip"),
    ("...", "clip"),
    ("CON", "_CON"),
    ("lpt1", "_lpt1"),
    ("Bassline.mid", "Bassline"),
    ("Flûte – thème 主题", "Flûte _ thème 主题"),
    ("x" * 300, "x" * 80),
])
def test_names_are_made_safe(name, expected):
    assert safe_file_name(name) == expected


@pytest.mark.parametrize("name", ["drums/hats", "../up", "a\\b", "C:\\x", "\x01", "con", "a" * 500, "😀 emoji"])
def test_odd_names_still_give_a_midi_file_inside_the_drag_folder(qtbot, drag_tmp, clip, name):
    path = dragged_path(clip_mime_data(clip, name))
    assert path.suffix == ".mid" and path.is_file()
    assert path.parent.parent == drag_tmp
    assert "/" not in path.stem and "\\" not in path.stem and len(path.name) <= 84
    assert import_midi(path).song == clip


def test_a_failed_write_raises_and_leaves_no_folder(qtbot, drag_tmp, clip, monkeypatch):
    from musicstudio.io.errors import MidiExportError

    def full(song, path):
        raise MidiExportError(path, "it could not be written (the disk is full)")

    monkeypatch.setattr(drag_out, "export_midi", full)
    with pytest.raises(MidiExportError):
        clip_mime_data(clip, "Riff")
    assert list(drag_tmp.iterdir()) == []


def test_build_drag_carries_the_file_and_a_picture(qtbot, drag_tmp, clip):
    source = QWidget()
    qtbot.addWidget(source)
    drag = build_drag(source, clip, "Riff")
    assert dragged_path(drag.mimeData()).name == "Riff.mid"
    assert not drag.pixmap().isNull() and drag.pixmap().width() <= 128
    empty = build_drag(source, Song(), "Empty")
    assert not empty.pixmap().isNull()


def test_start_drag_copies(qtbot, drag_tmp, clip, monkeypatch):
    source = QWidget()
    qtbot.addWidget(source)
    calls = []

    def fake_exec(self, actions):
        calls.append((self.mimeData().urls()[0].toLocalFile(), actions))
        return Qt.DropAction.CopyAction

    monkeypatch.setattr(QDrag, "exec", fake_exec)
    assert start_drag(source, clip, "Riff") == Qt.DropAction.CopyAction
    assert len(calls) == 1 and calls[0][0].endswith("Riff.mid") and calls[0][1] == Qt.DropAction.CopyAction


def test_start_drag_shows_why_a_file_cannot_be_written(qtbot, drag_tmp, clip, monkeypatch):
    from musicstudio.io.errors import MidiExportError

    def full(song, path):
        raise MidiExportError(path, "it could not be written (the disk is full)")

    shown = []
    monkeypatch.setattr(drag_out, "export_midi", full)
    monkeypatch.setattr(drag_out.QMessageBox, "warning", lambda parent, title, text: shown.append((title, text)))
    monkeypatch.setattr(QDrag, "exec", lambda self, actions: pytest.fail("no drag should start"))
    source = QWidget()
    qtbot.addWidget(source)
    assert start_drag(source, clip, "Riff") == Qt.DropAction.IgnoreAction
    assert shown == [("Cannot drag the clip", "Riff.mid: it could not be written (the disk is full)")]


def test_old_drag_folders_are_removed_and_new_ones_kept(qtbot, drag_tmp, clip):
    old = dragged_path(clip_mime_data(clip, "Old")).parent
    new = dragged_path(clip_mime_data(clip, "New")).parent
    other = drag_tmp / "someone-elses-folder"
    other.mkdir()
    a_day_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (a_day_ago, a_day_ago))
    os.utime(other, (a_day_ago, a_day_ago))
    assert remove_old_drag_files() == 1
    assert not old.exists() and new.exists() and other.exists()
    shutil.rmtree(new)
