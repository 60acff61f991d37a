"""Fine-tuning on the user's MIDI folder (``musicstudio finetune``): tiny markov, lstm, vae and gan base
models fine-tuned on 20 MIDI files written here; the new folder loads through the registry and generates, its
card states the data, a cancelled fine-tune leaves no model and resumes, and folders without usable MIDI
are clear errors."""

import json
import random
import shutil

import pytest

from musicstudio.core import Note, Song, Track
from musicstudio.core.clip import Clip
from musicstudio.generators.fine_tune.command import main as finetune_main
from musicstudio.generators.fine_tune.folder import FineTuneCancelled, FineTuneError
from musicstudio.generators.fine_tune.job import FineTuneJob, fine_tune, unfinished
from musicstudio.generators.interface import BAR, CancelToken, GenerationRequest
from musicstudio.generators.registry import ModelRegistry, default_folders, user_models_folder
from musicstudio.generators.training.command import main as train_main
from musicstudio.io.midi_write import export_midi

SEED = Clip(tuple(Note(p, i * 240, 240, 80) for i, p in enumerate([60, 62, 64, 65, 67, 65, 64, 62])), BAR)


def write_tunes(folder, count=20, seed=0):
    """``count`` small one-track MIDI files of 32 eighth notes wandering around middle C."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    for i in range(count):
        pitch, notes = 60 + rng.randint(-4, 4), []
        for k in range(32):
            pitch = max(52, min(79, pitch + rng.choice((-3, -2, -1, 0, 1, 2, 3))))
            notes.append(Note(pitch, k * 240, 240, 90))
        export_midi(Song((Track("Melody", 0, False, tuple(notes)),)), folder / f"tune{i:02d}.mid")
    return folder


@pytest.fixture(scope="module")
def midi_folder(tmp_path_factory):
    return write_tunes(tmp_path_factory.mktemp("my-midi") / "my-midi")


@pytest.fixture(scope="module")
def base_models(tmp_path_factory, tiny_corpus_dir):
    root = tmp_path_factory.mktemp("base-models")
    for backend, config, more in (("markov", "markov-tiny", []), ("markov", "markov-meters-tiny", []),
                                  ("lstm", "lstm-tiny", []),
                                  ("lstm", "lstm-meters-tiny", []),
                                  ("vae", "vae-tiny", ["--set", "train.epochs=2"]), ("gan", "gan-tiny", [])):
        assert train_main([backend, "--config", config, "--out", str(root / config), "--corpus",
                           str(tiny_corpus_dir), "--quiet", "--device", "cpu", *more]) == 0
    return root


def card_states_the_data(card: str, folder, base: str) -> None:
    assert str(folder) in card and base in card
    assert "| MIDI files found | 20 |" in card and "| files used | 20 |" in card
    assert "| notes read (files used) | 640 |" in card   # 20 files of 32 notes
    assert "validation pieces | 3:" in card and "| training pieces | 17 |" in card
    assert "base model |" in card and "fine-tuned |" in card and "| epochs |" in card


@pytest.mark.parametrize("base", ["markov-tiny", "markov-meters-tiny", "lstm-tiny", "lstm-meters-tiny", "vae-tiny"])
def test_a_fine_tune_on_20_files_loads_generates_and_its_card_states_the_data(tmp_path, base_models, midi_folder,
                                                                              base):
    events = []
    out = tmp_path / "mine"
    result = fine_tune(FineTuneJob(str(base_models / base), str(midi_folder), str(out), epochs=3), events.append)
    assert result.folder == out and result.name == "mine"
    assert (out / "card.md").is_file() and (out / "history.csv").is_file() and not (out / "resume").exists()
    card = (out / "card.md").read_text("utf-8")
    card_states_the_data(card, midi_folder, base)
    assert f"{result.valid_before:.4f}" in card and f"{result.valid_after:.4f}" in card
    assert result.valid_after <= result.valid_before   # the folder's own pieces are predicted no worse
    epochs = [e for e in events if e["kind"] == "epoch"]
    assert epochs and all(e["before"] == pytest.approx(result.valid_before) for e in epochs)
    assert any(e["kind"] == "reading" and e["done"] == e["total"] == 20 for e in events)
    config = json.loads((out / "config.json").read_text())
    assert config["fine_tuned_from"] == base and config["name"] == "mine"
    if base == "vae-tiny":   # sliders computed again on the folder's phrases
        assert len(config["sliders"]) == config["model"]["directions"] > 0
        assert "sliders computed again on the folder's" in card

    registry = ModelRegistry([tmp_path])
    assert [m.name for m in registry.models()] == ["mine"]
    assert "fine-tuned on 20 of the 20 MIDI files" in registry.models()[0].summary
    takes = registry.load("mine", "cpu").generate(GenerationRequest(seed=SEED, bars=2, variations=2, random_seed=1))
    assert len(takes) == 2 and all(t.model == "mine" and t.length == 2 * BAR for t in takes)


def test_cancel_keeps_no_model_and_resume_goes_on_from_the_last_epoch(tmp_path, base_models, midi_folder):
    out = tmp_path / "resumed"
    token = CancelToken()

    def cancel_after_first_epoch(event):
        if event["kind"] == "epoch" and event["epoch"] == 1:
            token.cancel()

    job = FineTuneJob(str(base_models / "lstm-tiny"), str(midi_folder), str(out), epochs=3)
    with pytest.raises(FineTuneCancelled):
        fine_tune(job, cancel_after_first_epoch, token)
    assert unfinished(out) and not (out / "config.json").exists()
    assert ModelRegistry([tmp_path]).models() == []           # a cancelled fine-tune is not a model
    with pytest.raises(FineTuneError, match="unfinished fine-tune"):
        fine_tune(job)

    events = []
    result = fine_tune(FineTuneJob(**{**job.__dict__, "resume": True}), events.append)
    epochs = [e["epoch"] for e in events if e["kind"] == "epoch"]
    assert epochs[0] == 1 and epochs == sorted(epochs) and len(set(epochs)) == len(epochs)  # epoch 1 replayed
    assert [row["epoch"] for row in result.history][0] == 1 and result.epochs == len(result.history) >= 2
    assert not unfinished(out) and (out / "config.json").is_file()
    with pytest.raises(FineTuneError, match="nothing to resume"):
        fine_tune(FineTuneJob(**{**job.__dict__, "resume": True}))


def test_folders_without_usable_midi_are_clear_errors(tmp_path, base_models, capsys):
    base = str(base_models / "markov-tiny")
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not music")
    with pytest.raises(FineTuneError, match="holds no MIDI files"):
        fine_tune(FineTuneJob(base, str(empty), str(tmp_path / "a")))

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "broken.mid").write_bytes(b"MThd garbage")
    export_midi(Song((Track("Drums", 0, True, (Note(36, 0, 240, 100),)),)), bad / "drums.mid")
    export_midi(Song((Track("Bass", 0, False, (Note(24, 0, 480, 100),)),)), bad / "low.mid")
    assert finetune_main([base, str(bad), "--out", str(tmp_path / "b"), "--quiet"]) == 3
    message = capsys.readouterr().err
    assert "none of the 3 MIDI files" in message
    assert "broken.mid: could not be read" in message and "drums.mid: no pitched notes" in message
    assert "low.mid: its notes do not fit the model's pitch range (48-84)" in message
    assert finetune_main([base, str(tmp_path / "nowhere"), "--quiet"]) == 3
    assert "there is no folder" in capsys.readouterr().err


def test_skipped_files_are_named_in_the_card(tmp_path, base_models, midi_folder):
    folder = tmp_path / "mixed"
    write_tunes(folder, count=3)
    (folder / "broken.mid").write_bytes(b"MThd garbage")
    export_midi(Song((Track("Drums", 0, True, (Note(36, 0, 240, 100),)),)), folder / "drums.mid")
    (folder / "copy.mid").write_bytes((folder / "tune00.mid").read_bytes())
    out = tmp_path / "mixed-model"
    fine_tune(FineTuneJob(str(base_models / "markov-tiny"), str(folder), str(out)))
    card = (out / "card.md").read_text("utf-8")
    assert "| MIDI files found | 6 |" in card and "| files used | 3 |" in card and "| files skipped | 3 |" in card
    assert "| `broken.mid` | could not be read" in card and "| `drums.mid` | no pitched notes" in card
    assert "the same notes as" in card


def test_the_command_writes_to_the_users_models_folder_which_the_app_lists(tmp_path, base_models, midi_folder,
                                                                           monkeypatch, capsys):
    monkeypatch.setenv("MUSICSTUDIO_DATA_DIR", str(tmp_path / "data"))
    assert user_models_folder() not in default_folders()
    for _ in range(2):
        assert finetune_main(["markov-tiny", str(midi_folder), "--models-dir", str(base_models), "--quiet"]) == 0
    assert "validation loss" in capsys.readouterr().out
    root = user_models_folder()
    assert root == tmp_path / "data" / "models" and root in default_folders()
    names = sorted(m.name for m in ModelRegistry().models() if m.folder.parent == root)
    assert names == ["markov-tiny-my-midi", "markov-tiny-my-midi-2"]


def test_backends_that_cannot_be_fine_tuned_say_so(tmp_path, base_models, midi_folder):
    base = tmp_path / "an-ensemble"
    shutil.copytree(base_models / "markov-tiny", base)
    config = json.loads((base / "config.json").read_text())
    (base / "config.json").write_text(json.dumps({**config, "backend": "lstm-ensemble"}))
    with pytest.raises(FineTuneError, match="lstm-ensemble models cannot be fine-tuned: the backend declares no"):
        fine_tune(FineTuneJob(str(base), str(midi_folder), str(tmp_path / "out")))
    assert not (tmp_path / "out").exists()


def test_cancel_while_reading_the_folder_resumes_by_reading_it_again(tmp_path, base_models, midi_folder):
    token = CancelToken()
    out = tmp_path / "read-again"
    job = FineTuneJob(str(base_models / "markov-tiny"), str(midi_folder), str(out))
    with pytest.raises(FineTuneCancelled):
        fine_tune(job, lambda e: token.cancel() if e["kind"] == "reading" and e["done"] == 5 else None, token)
    assert unfinished(out) and not (out / "resume" / "corpus").exists()
    result = fine_tune(FineTuneJob(**{**job.__dict__, "resume": True}))
    assert (result.folder / "config.json").is_file() and "| files used | 20 |" in (out / "card.md").read_text()


def test_a_gan_fine_tunes_with_its_critic_judged_by_its_bars_and_resumes(tmp_path, base_models, midi_folder):
    from musicstudio.generators.checkpoint import load_tensors

    token, events = CancelToken(), []
    out = tmp_path / "my-gan"

    def cancel_after_first_epoch(event):
        events.append(event)
        if event["kind"] == "epoch" and event["epoch"] == 1:
            token.cancel()

    job = FineTuneJob(str(base_models / "gan-tiny"), str(midi_folder), str(out), epochs=3)
    with pytest.raises(FineTuneCancelled):
        fine_tune(job, cancel_after_first_epoch, token)
    assert unfinished(out) and ModelRegistry([tmp_path]).models() == []
    first = next(e for e in events if e["kind"] == "epoch")
    assert first["measure"] == "validation distance" and 0 <= first["valid_loss"] and 0 <= first["train_loss"]

    events = []
    result = fine_tune(FineTuneJob(**{**job.__dict__, "resume": True}), events.append)
    assert [e["epoch"] for e in events if e["kind"] == "epoch"] == [1, 2, 3]       # epoch 1 replayed
    assert result.measure == "validation distance" and result.epochs == 3
    assert result.valid_after == min(row["valid_loss"] for row in result.history)
    assert all(e["before"] == result.valid_before for e in events if e["kind"] == "epoch")
    assert (out / "critic" / "weights.safetensors").is_file() and not (out / "resume").exists()
    card = (out / "card.md").read_text("utf-8")
    card_states_the_data(card, midi_folder, "gan-tiny")
    assert "validation distance of generated bars from real ones" in card and "the critic's weights" in card
    base, tuned = load_tensors(base_models / "gan-tiny"), load_tensors(out)
    assert any(not (base[k] == tuned[k]).all() for k in base)                       # the generator moved
    config = json.loads((out / "config.json").read_text())
    assert config["backend"] == "gan" and config["fine_tuned_from"] == "gan-tiny"
    takes = ModelRegistry([tmp_path]).load("my-gan", "cpu").generate(
        GenerationRequest(seed=SEED, bars=2, variations=2, random_seed=1))
    assert len(takes) == 2 and all(t.notes and t.length == 2 * BAR for t in takes)


def test_a_gan_without_a_critic_gets_a_new_one_and_pieces_in_three_four_are_skipped(tmp_path, base_models,
                                                                                     midi_folder):
    from musicstudio.core.meter import TimeSignature

    base = tmp_path / "gan-no-critic"
    shutil.copytree(base_models / "gan-tiny", base)
    shutil.rmtree(base / "critic")
    folder = tmp_path / "with-a-waltz"
    shutil.copytree(midi_folder, folder)
    waltz = tuple(Note(60 + i % 5, i * 480, 480, 90) for i in range(24))
    export_midi(Song((Track("Waltz", 0, False, waltz),), time_signatures=(TimeSignature(0, 3, 4),)),
                folder / "waltz.mid")
    events = []
    result = fine_tune(FineTuneJob(str(base), str(folder), str(tmp_path / "out"), epochs=1), events.append)
    assert any(e["kind"] == "stage" and "Training a critic" in e["text"] for e in events)
    card = (result.folder / "card.md").read_text("utf-8")
    assert "had no critic: a new one was trained" in card and (result.folder / "critic").is_dir()
    assert "| `waltz.mid` | it is in 3/4 or 6/8; this model's bars are 4/4 or 2/4 |" in card


@pytest.mark.parametrize("damaged", ["weights.safetensors", "critic/weights.safetensors"])
def test_a_damaged_base_model_is_said_before_the_folder_is_read(tmp_path, base_models, midi_folder, damaged):
    from musicstudio.generators.checkpoint import CheckpointError

    base = tmp_path / "gan-damaged"
    shutil.copytree(base_models / "gan-tiny", base)
    (base / damaged).write_bytes((base / damaged).read_bytes()[:100])
    events = []
    with pytest.raises(CheckpointError, match="damaged or truncated") as error:
        fine_tune(FineTuneJob(str(base), str(midi_folder), str(tmp_path / "out")), events.append)
    assert damaged in str(error.value)
    assert not any(e["kind"] == "reading" for e in events) and not (tmp_path / "out").exists()
