"""The Generate panel on a seed with triplets: the model offered first (lstm), not picked in the box, gives
way to lstm-triplets, which the status and the takes' names say; lstm picked in the box stays lstm."""

import pytest
from PySide6.QtCore import Qt

from musicstudio.core import Note, Song, Track
from musicstudio.generators.registry import ModelRegistry
from musicstudio.io.midi_write import export_midi
from musicstudio.ui.generate.model_picker import FIRST_CHOICE
from musicstudio.workers.generation import GenerationService

NAMES = {m.name for m in ModelRegistry().models()}
pytestmark = pytest.mark.skipif(not {"lstm", "lstm-triplets"} <= NAMES, reason="the shipped models are not installed")
# four bars of 8th triplets, one note a step up each time
TRIPLETS = tuple(Note(60 + i % 12, i * 160, 150, 80) for i in range(48))


@pytest.fixture
def panel(qtbot, main_window, tmp_path):
    service = GenerationService()
    main_window.attach_generation(service)
    main_window.generate_dock.show()
    path = tmp_path / "triplets.mid"
    export_midi(Song((Track("Fiddle", 40, False, TRIPLETS),)), path)
    assert main_window.files.open_file(path)
    panel = main_window.generate
    panel.set_source("track")      # the whole track seeds the takes
    panel.params.variations.setValue(2)
    panel.params.bars.setValue(2)
    return panel


def _generate(qtbot, panel) -> list[str]:
    said = []
    panel.message.connect(said.append)
    with qtbot.waitSignal(panel.takes_ready, timeout=120_000):
        qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    return said


def test_the_first_choice_on_a_triplet_seed_generates_with_lstm_triplets(qtbot, panel):
    assert panel.picker.current.name == FIRST_CHOICE == "lstm"
    said = _generate(qtbot, panel)
    assert "with lstm-triplets…" in said[0] and "The seed has triplets" in said[0]
    assert panel.model_name == "lstm-triplets" and panel.take_box.take_name() == "lstm-triplets take 1"
    assert panel.picker.current.name == "lstm"        # the box still offers the family's default


def test_lstm_picked_in_the_box_is_never_swapped(qtbot, panel):
    panel.picker.combo.activated.emit(panel.picker.combo.currentIndex())     # the musician picks lstm
    said = _generate(qtbot, panel)
    assert "with lstm…" in said[0] and "triplets" not in said[0] and panel.model_name == "lstm"
