"""Fill these bars in the Generate panel (issue 18), offscreen: a 12-bar song, bars 5-8 selected on the
ruler, filled by a model that hears both sides (the VAE's fill); take 2 kept leaves bars 1-4 and 9-12 and the
other track as they were, and one undo gives the song back exactly. A left-only model keeps "Regenerate these
bars" and says in the tooltip that it hears only the bars before."""

import json
import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from musicstudio.core import Note, Song, Track
from musicstudio.generators.interface import BAR
from musicstudio.generators.registry import ModelRegistry
from musicstudio.io.midi_write import export_midi
from musicstudio.resources import models_path
from musicstudio.ui.generate.record import placed_again, recorded_notes, request_from_record
from musicstudio.workers.generation import GenerationService

QUARTER = BAR // 4
TUNE = tuple(Note(62 + (0, 2, 4, 5, 7, 5, 4, 2)[i % 8], i * QUARTER, QUARTER, 90) for i in range(48))  # 12 bars
BASS = tuple(Note(38 + (0, 5, 7, 3)[i % 4], i * BAR, BAR, 70) for i in range(12))
MARKOV = models_path() / "markov-melody"


@pytest.fixture(scope="module")
def service(tiny_vae_models):
    folders = [tiny_vae_models] + ([MARKOV] if (MARKOV / "config.json").exists() else [])
    service = GenerationService(folders)
    yield service
    assert service.shutdown(10_000)


@pytest.fixture
def studio(main_window, service, tmp_path):
    main_window.attach_generation(service, owned=False)
    main_window.generate_dock.show()
    path = tmp_path / "song.mid"
    export_midi(Song((Track("Tune", 73, False, TUNE), Track("Bass", 32, False, BASS))), path)
    assert main_window.files.open_file(path)
    main_window.roll.set_loop((4 * BAR, 8 * BAR))          # bars 5-8 on the ruler
    main_window.generate.set_source("bars")
    main_window.generate.set_mode("regenerate")
    return main_window


def outside(song: Song, first: int, end: int) -> set:
    return {n for n in song.tracks[0].notes if not first <= n.start < end}


def test_fill_bars_5_to_8_keep_take_2_and_one_undo_restores_the_song(qtbot, studio, tiny_vae_models):
    panel, document = studio.generate, studio.document
    song = document.song
    assert panel.picker.select("vae-tiny")
    assert panel.mode.currentText() == "Fill these bars"
    assert "before them to the bars after them" in panel.mode.toolTip()
    assert panel.seed_text.text() == ("Fills 4 bars from bar 5, between 16 notes in bars 1-4 and 16 notes in "
                                      "bars 9-12.")
    _grab(panel, "fill_panel.png")
    panel.params.variations.setValue(3)
    with qtbot.waitSignal(panel.takes_ready, timeout=120_000):
        qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    request = panel.fitted.request                       # both sides went to the model
    assert request.fills and request.after == panel.plan.after and request.others == panel.plan.others
    assert request.after.notes == tuple(n.moved_by(-8 * BAR) for n in TUNE[32:])
    takes = panel.take_box.list.takes
    assert len(takes) == 3 and all(t.length == 4 * BAR and t.request["fill"] for t in takes)
    QTest.keyClick(panel.take_box.list, Qt.Key.Key_2)
    _grab(panel.window(), "fill_window.png")            # take 2 over bars 5-8 in the roll
    QTest.keyClick(panel.take_box.list, Qt.Key.Key_Return)
    kept = document.song
    assert outside(kept, 4 * BAR, 8 * BAR) == outside(song, 4 * BAR, 8 * BAR)     # bars 1-4 and 9-12
    placed = set(panel.take_box.plan.placed(takes[1]))
    assert placed and {n for n in kept.tracks[0].notes if 4 * BAR <= n.start < 8 * BAR} == placed
    assert all(n.end <= 8 * BAR for n in placed) and kept.tracks[1] == song.tracks[1]
    record = json.loads(json.dumps(document.history[0]))          # as the project file keeps it
    assert record["variation"] == 1 and record["fill"] is True and record["model"] == "vae-tiny"
    assert request_from_record(record).after == request.after       # the record makes the same take again
    again = ModelRegistry([tiny_vae_models]).load("vae-tiny", "cpu").generate(request_from_record(record))[1]
    assert placed_again(record, again) == recorded_notes(record) and set(recorded_notes(record)) == placed
    document.undo_stack.undo()
    assert document.song == song and document.history == ()


def test_a_left_only_model_regenerates_and_says_it_hears_only_the_bars_before(qtbot, studio):
    panel = studio.generate
    if not (MARKOV / "config.json").exists():
        pytest.skip("the markov-melody model is not installed")
    assert panel.picker.select("markov-melody")
    assert panel.mode.currentText() == "Regenerate these bars"
    assert "from the bars before them only" in panel.mode.toolTip() and "does not fill" in panel.mode.toolTip()
    assert panel.seed_text.text().startswith("Regenerates 4 bars from bar 5, continuing")
    with qtbot.waitSignal(panel.takes_ready, timeout=120_000):
        qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    assert not panel.fitted.request.fills and panel.fitted.request.others == ()
    assert panel.picker.select("vae-tiny") and panel.mode.currentText() == "Fill these bars"


def _grab(widget, name: str) -> None:
    """A picture of ``widget`` where MUSICSTUDIO_SCREENSHOTS names a folder (to look at)."""
    folder = os.environ.get("MUSICSTUDIO_SCREENSHOTS")
    if folder:
        widget.window().resize(1280, 800)
        widget.grab().save(os.path.join(folder, name))
