"""The toy family of tests/toy_backend (named only by MUSICSTUDIO_BACKENDS) in the app: the picker lists
it, the Generate panel shows none of the GAN's rows for it, and a take comes back through the worker
process and is kept."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from musicstudio.core import Note, Song, Track
from musicstudio.generators.interface import BAR
from musicstudio.generators.training.command import main as train_main
from musicstudio.io.midi_write import export_midi
from musicstudio.workers.generation import GenerationService

SEED = tuple(Note(60 + 2 * i, i * 480, 480, 90) for i in range(8))     # two bars; the last is 68..74


@pytest.fixture
def echo_models(tmp_path, monkeypatch):
    monkeypatch.setenv("MUSICSTUDIO_BACKENDS", "toy_backend:BACKEND")   # the worker process inherits it
    root = tmp_path / "models"
    assert train_main(["echo", "--config", "echo", "--out", str(root / "echo"), "--quiet"]) == 0
    return root


def test_a_family_added_as_one_package_generates_in_the_panel(qtbot, main_window, tmp_path, echo_models):
    main_window.attach_generation(GenerationService([echo_models]))
    main_window.generate_dock.show()
    panel = main_window.generate
    assert [i.name for i in panel.picker.infos] == ["echo"] and panel.picker.current.family.name == "echo"
    assert panel.params.chords.isHidden() and panel.params.texture.isHidden()
    export_midi(Song((Track("Melody", 0, False, SEED),)), tmp_path / "seed.mid")
    assert main_window.files.open_file(tmp_path / "seed.mid")
    QTest.keyClick(main_window.roll.canvas, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    panel.set_source("selection")
    panel.set_mode("continue")
    panel.params.variations.setValue(2)
    panel.params.bars.setValue(1)
    with qtbot.waitSignal(panel.takes_ready, timeout=120_000):
        qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    takes = panel.take_box.list.takes
    assert len(takes) == 2 and all(t.backend == "echo" for t in takes)
    assert [n.pitch for n in takes[0].notes] == [68, 70, 72, 74]
    QTest.keyClick(panel.take_box.list, Qt.Key.Key_Return)              # keep the first
    kept = [n for n in main_window.document.song.tracks[0].notes if n.start >= 2 * BAR]
    assert [n.pitch for n in kept] == [68, 70, 72, 74]
