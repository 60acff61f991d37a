"""The Generate panel's Density and Polyphony boxes: greyed with the reason for a model that cannot take them
(a family without control tokens, an infill model trained without them), enabled for one that can, and what
they say reaches the request and the takes."""

import importlib.util
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from musicstudio.core import Note, Song, Track
from musicstudio.core.clip import Clip
from musicstudio.generators.controls.bins import ControlBins
from musicstudio.generators.controls.wishes import measured_bins
from musicstudio.generators.interface import BAR
from musicstudio.io.midi_write import export_midi
from musicstudio.workers.generation import GenerationService

MODELS = Path(__file__).resolve().parents[2] / "models"
_spec = importlib.util.spec_from_file_location(
    "controls_tiny", Path(__file__).resolve().parents[1] / "generators" / "controls" / "controls_tiny.py")
controls_tiny = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(controls_tiny)


@pytest.fixture
def models(tmp_path):
    root = tmp_path / "models"
    controls_tiny.controls_tiny(root / "controls-tiny", draws=2, guided=True)
    for name in ("infill", "markov-melody"):
        (root / name).symlink_to(MODELS / name, target_is_directory=True)
    return root


@pytest.fixture
def studio(main_window, models):
    service = GenerationService([models])
    main_window.attach_generation(service)
    main_window.generate_dock.show()
    return main_window


def test_the_boxes_are_greyed_with_the_reason_for_a_model_that_cannot_take_them(studio):
    panel, controls = studio.generate, studio.generate.params.controls
    for name, reason in (("markov-melody", "markov models cannot take density or polyphony controls"),
                         ("infill", "infill was trained without control tokens")):
        assert panel.picker.select(name)
        for box in (controls.density, controls.polyphony):
            assert not box.isEnabled() and reason in box.toolTip()
        controls.density.setCurrentIndex(controls.density.findData("high"))
        assert "density" not in panel.params.options()
    assert panel.picker.select("controls-tiny")
    assert controls.density.isEnabled() and controls.polyphony.isEnabled()
    for box in (controls.density, controls.polyphony):
        assert not box.isHidden()
    assert "onsets" in controls.density.toolTip()
    assert [controls.polyphony.itemText(i) for i in range(controls.polyphony.count())] == ["Any", "1", "2", "3+"]


def test_the_rows_show_only_for_a_family_that_takes_controls(studio):
    """A family that can never take them keeps the settings short; a model of a family that can, trained
    without them, shows them greyed (the reason says which model does take them)."""
    panel, controls = studio.generate, studio.generate.params.controls
    for name, shown in (("markov-melody", False), ("infill", True), ("controls-tiny", True), ("markov-melody", False)):
        assert panel.picker.select(name)
        assert [box.isHidden() for box in (controls.density, controls.polyphony)] == [not shown, not shown], name


def test_the_controls_reach_the_request_and_the_takes_meet_them(qtbot, studio, tmp_path):
    panel, params = studio.generate, studio.generate.params
    path = tmp_path / "seed.mid"
    export_midi(Song((Track("Melody", 0, False, tuple(Note(60 + i, i * BAR // 4, BAR // 4, 90)
                                                      for i in range(8))),)), path)
    assert studio.files.open_file(path)
    QTest.keyClick(studio.roll.canvas, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    panel.set_source("selection")
    assert panel.picker.select("controls-tiny")
    params.controls.density.setCurrentIndex(params.controls.density.findData("low"))
    params.controls.polyphony.setCurrentIndex(params.controls.polyphony.findData("3+"))
    request = params.request(Clip((), BAR), studio.document.song.key)
    assert request.options == {"density": "low", "polyphony": "3+"}
    params.bars.setValue(2)
    params.variations.setValue(2)
    params.follow_register.setChecked(False)          # the whole range: room for three notes at once
    with qtbot.waitSignal(panel.takes_ready, timeout=120_000):
        qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    bins = ControlBins.from_config(controls_tiny.BINS)
    for take in panel.take_box.list.takes:
        assert take.request["options"] == {"density": "low", "polyphony": "3+"}
        assert all(m["density"] == 0 and m["polyphony"] == 2 for m in measured_bins(take.notes, BAR, 2, bins))
