"""Generate ▸ Add drums… offscreen (issue 22): a drumless song gets a drum part from the shipped drums model as a
new drum track (channel 10, GM numbers, shown in the roll), kept in the song until one undo takes it back; the
dialog's bars follow the selection, its feel swings the part; a song with drums is refused. (A drum track
continued, kept and undone: tests/ui/test_drum_take_panel.py.) ``MUSICSTUDIO_SCREENSHOTS=docs/screenshots``
writes docs/screenshots/add-drums.png from the first test."""

import os

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QComboBox, QDialogButtonBox

from musicstudio.core import Note, Song, Track
from musicstudio.generators.registry import ModelRegistry
from musicstudio.io.midi_write import export_midi

BAR = 1920
BASS = tuple(Note(36 + (0, 5, 7, 0)[b % 4], b * BAR + s * 120, 240, 96) for b in range(8) for s in (0, 8, 14))
PIANO = tuple(Note(p, b * BAR + beat * 480, 480, 70) for b in range(8) for beat in range(4) for p in (60, 64, 67))
DRUMS = [m for m in ModelRegistry().models() if m.name == "drums"]
pytestmark = pytest.mark.skipif(not DRUMS, reason="the drums model is not installed")


@pytest.fixture
def studio(main_window, shipped_service, tmp_path):
    main_window.attach_generation(shipped_service, owned=False)
    path = tmp_path / "band.mid"
    export_midi(Song((Track("Bass", 33, False, BASS), Track("Piano", 0, False, PIANO))), path)
    assert main_window.files.open_file(path)
    return main_window


def _action(window, text):
    return next(a for a in window.generate_menu.actions() if a.text() == text)


def test_a_drum_part_lands_on_a_new_drum_track_kept_until_one_undo(qtbot, studio):
    document, tool = studio.document, studio.add_drums_tool
    before = document.song
    action = _action(studio, "Add &drums…")
    assert action.shortcut().toString() == "Ctrl+Alt+D" and action.toolTip()
    assert tool.add_drums({"style": None, "density": None, "fills": 4})
    song = document.song
    assert song.tracks[:2] == before.tracks and len(song.tracks) == 3
    drums = song.tracks[2]
    assert drums.is_drum and drums.channel == 9 and drums.name.startswith("Drums (")
    assert drums.notes and all(35 <= n.pitch <= 81 and n.start < 8 * BAR for n in drums.notes)
    assert studio.roll.track_index == 2 and "Undo" in studio.statusBar().currentMessage()
    _grab(studio)
    document.undo_stack.undo()
    assert document.song == before
    document.undo_stack.redo()
    assert document.song.tracks[2] == drums


def test_the_dialog_offers_the_selected_bars_and_the_styles(qtbot, studio):
    document, tool = studio.document, studio.add_drums_tool
    studio.roll.set_track(0)
    studio.roll.set_selection([n for n in BASS if 2 * BAR <= n.start < 4 * BAR])      # bars 3-4
    seen = {}

    def answer():
        boxes = tool.dialog.findChildren(QComboBox)
        style, density, fills, feel, bars = boxes
        seen["bars"] = [bars.itemText(i) for i in range(bars.count())]
        seen["styles"] = style.count()
        seen["feels"] = [feel.itemText(i) for i in range(feel.count())]
        style.setCurrentText("50srock")
        density.setCurrentText("Busy")
        feel.setCurrentText("Triplet swing (67%)")
        tool.dialog.findChild(QDialogButtonBox).accepted.emit()
    QTimer.singleShot(0, answer)
    assert tool.add_drums()
    assert seen["bars"] == ["The selection, bars 3-4", "The whole song"] and seen["styles"] > 10
    assert seen["feels"][:2] == ["As the band plays (its swing)", "Straight"]
    drums = document.song.tracks[2]
    assert "50srock" in drums.name and drums.notes and all(2 * BAR <= n.start < 4 * BAR for n in drums.notes)
    offbeats = {n.start % 480 for n in drums.notes if n.start % 480}
    assert 320 in offbeats and 240 not in offbeats        # the off-beat 8ths a triplet late


def test_a_song_with_drums_is_refused(qtbot, studio):
    tool, document = studio.add_drums_tool, studio.document
    assert tool.add_drums({"style": None, "density": None, "fills": 0})
    before = document.song
    assert not tool.add_drums({"style": None, "density": None, "fills": 0})
    assert document.song == before and "already has a drum track" in studio.statusBar().currentMessage()


def _grab(window) -> None:
    folder = os.environ.get("MUSICSTUDIO_SCREENSHOTS")
    if folder:
        window.resize(1280, 800)
        window.grab().save(os.path.join(folder, "add-drums.png"))
