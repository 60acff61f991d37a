"""The Generate panel's Feel (issue 17, item 2): Auto gives a swung seed's takes its swing (the model hears it
straight), a swing set in the box is given to the takes whatever the seed's, Straight gives the model the
seed as it is; the kept take's record keeps the feel. The echo family (tests/toy_backend) repeats the seed's
last bar as it hears it, so what it heard shows in the takes."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from musicstudio.core import Note, Song, Track
from musicstudio.core.feel import EIGHTH, TRIPLET, Swing
from musicstudio.generators.interface import BAR
from musicstudio.generators.training.command import main as train_main
from musicstudio.io.midi_write import export_midi
from musicstudio.workers.generation import GenerationService

EIGHTHS = tuple(Note(60 + i % 5, i * EIGHTH, EIGHTH, 90) for i in range(16))   # two bars of 8ths
SWUNG = Swing.of_ratio(0.58)


@pytest.fixture
def panel(qtbot, main_window, tmp_path, monkeypatch):
    monkeypatch.setenv("MUSICSTUDIO_BACKENDS", "toy_backend:BACKEND")   # the worker process inherits it
    root = tmp_path / "models"
    assert train_main(["echo", "--config", "echo", "--out", str(root / "echo"), "--quiet"]) == 0
    main_window.attach_generation(GenerationService([root]))
    main_window.generate_dock.show()
    export_midi(Song((Track("Sax", 65, False, tuple(SWUNG.swung(EIGHTHS))),)), tmp_path / "seed.mid")
    assert main_window.files.open_file(tmp_path / "seed.mid")
    QTest.keyClick(main_window.roll.canvas, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    generate = main_window.generate
    generate.set_source("selection")
    generate.set_mode("continue")
    generate.params.variations.setValue(1)
    generate.params.bars.setValue(1)
    return generate


def take_after(qtbot, panel, feel: str):
    box = panel.params.feel
    box.setCurrentIndex(box.findText(feel))
    with qtbot.waitSignal(panel.takes_ready, timeout=120_000):
        qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    return panel.take_box.list.takes[0]


def test_the_feel_box_offers_auto_straight_and_swings_with_a_tooltip(panel):
    box = panel.params.feel
    assert box.currentData() == "auto" and panel.params.feel_setting() == "auto"
    offered = [box.itemData(i) for i in range(box.count())]
    assert offered[:2] == ["auto", "off"] and TRIPLET in offered and all(0.5 < x <= 0.75 for x in offered[2:])
    assert "swing" in box.toolTip() and "Straight" in box.toolTip()
    panel.describe_seed()
    assert "swung 8ths 58%" in panel.seed_text.text()           # the seed box says what it hears


def test_auto_keeps_the_seeds_swing_and_a_set_swing_replaces_it_and_the_record_keeps_it(qtbot, panel, main_window):
    last_bar = tuple(n.moved_by(-BAR) for n in SWUNG.swung(EIGHTHS[8:]))
    auto = take_after(qtbot, panel, "Auto (the seed's swing)")
    assert auto.notes == last_bar                   # heard straight, echoed, swung back as the seed was
    assert auto.request["feel"]["straightened"] == pytest.approx(0.58, abs=0.002)
    assert "Feel:" in panel.status.text()
    straight = take_after(qtbot, panel, "Straight")
    assert straight.notes == last_bar and straight.request["feel"]["straightened"] is None   # heard swung, as is
    triplet = take_after(qtbot, panel, "Triplet swing (67%)")
    assert triplet.notes == tuple(Swing.of_ratio(TRIPLET).swung(n.moved_by(-BAR) for n in EIGHTHS[8:]))
    QTest.keyClick(panel.take_box.list, Qt.Key.Key_Return)       # keep it
    record = main_window.document.history[-1]
    assert record["feel"]["setting"] == pytest.approx(TRIPLET, abs=1e-4) and record["feel"]["unit"] == EIGHTH
    assert record["feel"]["takes"] == pytest.approx(TRIPLET, abs=1e-4)
