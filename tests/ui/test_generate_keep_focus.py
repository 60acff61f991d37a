"""Issue 21: clicking Keep leaves the piano roll on its track with the keyboard focus in its notes, so the
next arrow key moves notes instead of changing another track's instrument."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from musicstudio.core import Note, Song, Track
from musicstudio.generators.interface import BAR
from musicstudio.generators.registry import ModelRegistry
from musicstudio.io.midi_write import export_midi
from musicstudio.workers.generation import GenerationService

QUARTER = BAR // 4


def melody(low: int) -> tuple[Note, ...]:
    return tuple(Note(low + step, i * QUARTER, QUARTER, 90) for i, step in enumerate([0, 2, 4, 5, 7, 5, 4, 2]))


@pytest.fixture
def markov():
    models = [m for m in ModelRegistry().models() if m.backend == "markov"]
    if not models:
        pytest.skip("no Markov model is installed")
    return min(models, key=lambda m: m.size_bytes)


@pytest.fixture
def studio(main_window):
    service = GenerationService()
    main_window.attach_generation(service)      # owned: shut down when the window closes
    main_window.generate_dock.show()
    return main_window


def undo_texts(document) -> list[str]:
    stack = document.undo_stack
    return [stack.text(i) for i in range(stack.count())]


@pytest.mark.parametrize("track", [0, 2])
def test_keep_leaves_the_roll_on_its_track_and_the_focus_in_its_notes(qtbot, studio, tmp_path, markov, track):
    path = tmp_path / "three.mid"
    song = Song(tuple(Track(f"Part {i + 1}", i, False, melody(48 + 12 * i)) for i in range(3)))
    export_midi(song, path)
    assert studio.files.open_file(path)
    panel, roll, document = studio.generate, studio.roll, studio.document
    studio.tracks.select(track)
    assert roll.track_index == track
    roll.setFocus()
    QTest.keyClick(roll.canvas, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)     # select the seed
    panel.set_source("selection")
    panel.set_mode("continue")
    assert panel.picker.select(markov.name)
    panel.params.variations.setValue(4)
    panel.params.bars.setValue(2)
    with qtbot.waitSignal(panel.takes_ready, timeout=120_000):
        qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    takes = panel.take_box.list.takes
    panel.flip(next(i for i, take in enumerate(takes) if take.notes))     # a take with notes (not a rest)
    instruments = [t.program for t in document.song.tracks]

    qtbot.mouseClick(panel.take_box.keep_button, Qt.MouseButton.LeftButton)
    assert undo_texts(document)[-1].startswith("Keep ")
    assert roll.track_index == track and studio.tracks.current() == track
    kept = list(roll.selection)                     # the kept notes, selected in the roll
    assert kept
    focus = QApplication.focusWidget()
    assert focus is roll.canvas, f"the focus went to {type(focus).__name__}"
    QTest.keyClick(focus, Qt.Key.Key_Down)          # moves the kept notes down a semitone
    assert [t.program for t in document.song.tracks] == instruments
    assert "Change instrument" not in undo_texts(document)
    notes = set(document.song.tracks[track].notes)
    assert all(n.with_pitch(n.pitch - 1) in notes for n in kept)
