""""Train on my MIDI folder…" end to end, offscreen: a tiny LSTM fine-tuned on 20 MIDI files in a background
process, with progress and a live loss curve; the new model is selected in the Generate panel's picker and
its card states the data; a cancelled fine-tune resumes from its last whole epoch."""

import random

import pytest
from PySide6.QtCore import Qt

from musicstudio.core import Note, Song, Track
from musicstudio.generators.corpus import build_corpus
from musicstudio.generators.training.command import main as train_main
from musicstudio.io.midi_write import export_midi
from musicstudio.workers.fine_tune import FineTuneService
from musicstudio.workers.generation import GenerationService

TIMEOUT = 180_000


@pytest.fixture(scope="module")
def base_models(tmp_path_factory):
    """A tiny LSTM trained on the first Essen tunes (as tests/generators do)."""
    root = tmp_path_factory.mktemp("fine-tune-bases")
    cache = root / "corpus"
    build_corpus(cache, collections=("essenFolksong",), processes=1, limit=100, progress=False)
    assert train_main(["lstm", "--config", "lstm-tiny", "--out", str(root / "models" / "lstm-tiny"), "--corpus",
                       str(cache), "--quiet", "--device", "cpu"]) == 0
    return root / "models"


@pytest.fixture(scope="module")
def midi_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("songs") / "my songs"
    folder.mkdir()
    rng = random.Random(3)
    for i in range(20):
        pitch, notes = 62, []
        for k in range(32):
            pitch = max(55, min(76, pitch + rng.choice((-2, -1, 1, 2))))
            notes.append(Note(pitch, k * 240, 240, 90))
        export_midi(Song((Track("Melody", 0, False, tuple(notes)),)), folder / f"song{i:02d}.mid")
    return folder


@pytest.fixture
def studio(main_window, base_models):
    main_window.attach_generation(GenerationService([base_models]), fine_tunes=FineTuneService)
    main_window.generate_dock.show()
    return main_window


def open_dialog(qtbot, studio, folder):
    action = next(a for a in studio.generate_menu.actions() if a.text() == "&Train on my MIDI folder…")
    action.trigger()
    dialog = studio.fine_tune_dialog
    qtbot.waitExposed(dialog)
    assert dialog.base_info.name == "lstm-tiny"
    dialog.folder.setText(str(folder))
    dialog.epochs.setValue(3)
    return dialog


def test_a_fine_tune_runs_in_the_background_and_lands_in_the_picker(qtbot, studio, midi_folder, app_dirs):
    panel = studio.generate
    assert [i.name for i in panel.picker.infos] == ["lstm-tiny"]
    dialog = open_dialog(qtbot, studio, midi_folder)
    epochs, progress = [], []
    dialog.service.epoch.connect(epochs.append)
    dialog.service.progress.connect(lambda e, n, done: progress.append((e, done)))
    with qtbot.waitSignal(dialog.service.finished, timeout=TIMEOUT) as finished:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
        assert dialog.cancel_button.isEnabled() and not dialog.start_button.isEnabled()
    result = finished.args[0]
    assert result["name"] == "lstm-tiny-my-songs" and 1 <= result["epochs"] <= 3
    assert [e["epoch"] for e in epochs] == list(range(1, result["epochs"] + 1)) and progress
    assert sorted(dialog.plot.rows) == [e["epoch"] for e in epochs] and dialog.plot.before == result["valid_before"]
    assert dialog.progress.value() == 1000 and "Saved lstm-tiny-my-songs" in dialog.status.text()
    dialog.plot.grab()   # the curve paints

    # in the picker, selected, its folder remembered for the next start
    models = app_dirs / "data" / "models"
    assert panel.picker.current.name == "lstm-tiny-my-songs" and panel.picker.current.folder == models / result["name"]
    assert str(models) in studio.settings.model_folders
    assert "fine-tuned on 20 of the 20 MIDI files" in panel.picker.summary.text()
    card = (models / result["name"] / "card.md").read_text("utf-8")
    assert str(midi_folder) in card and "| MIDI files found | 20 |" in card and "| notes read (files used) | 640 |" \
        in card and "lstm-tiny" in card
    dialog.close()

    panel.set_source("track")   # the empty song's track: from scratch
    panel.params.variations.setValue(2)
    with qtbot.waitSignal(panel.takes_ready, timeout=TIMEOUT):   # and it generates
        qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    assert panel.take_box.list.takes and all(t.model == "lstm-tiny-my-songs" for t in panel.take_box.list.takes)


def test_cancel_then_resume_from_the_dialog(qtbot, studio, midi_folder, app_dirs):
    dialog = open_dialog(qtbot, studio, midi_folder)
    def cancel_after_the_first_epoch(event):
        if event["epoch"] == 1:
            dialog.service.epoch.disconnect(cancel_after_the_first_epoch)
            qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)

    dialog.service.epoch.connect(cancel_after_the_first_epoch)
    with qtbot.waitSignal(dialog.service.cancelled, timeout=TIMEOUT) as cancelled:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert cancelled.args[0].endswith("lstm-tiny-my-songs")
    assert dialog.resume_button.isEnabled() and dialog.start_button.isEnabled()
    assert "lstm-tiny-my-songs" not in [i.name for i in studio.generate.picker.infos]
    with qtbot.waitSignal(dialog.service.finished, timeout=TIMEOUT) as finished:
        qtbot.mouseClick(dialog.resume_button, Qt.MouseButton.LeftButton)
    assert finished.args[0]["folder"] == cancelled.args[0]
    assert 1 in dialog.plot.rows      # the first epoch, from before the cancel, is on the curve again
    assert studio.generate.picker.current.name == "lstm-tiny-my-songs"
    dialog.close()


def test_a_folder_without_midi_is_a_message(qtbot, studio, tmp_path):
    dialog = open_dialog(qtbot, studio, tmp_path / "nothing here")
    with qtbot.waitSignal(dialog.service.failed, timeout=TIMEOUT):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert "there is no folder" in dialog.status.text() and dialog.start_button.isEnabled()
    dialog.close()
