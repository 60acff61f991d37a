"""The train command: outputs in the model folder, resume, early stopping, usage errors, and
DistributedDataParallel under torchrun with two CPU processes (gloo)."""

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from musicstudio.generators.checkpoint import read_config
from musicstudio.generators.training.command import main, set_value

OUTPUTS = {"weights.safetensors", "config.json", "card.md", "history.csv", "loss.png"}


def history(folder: Path) -> list[dict]:
    with open(folder / "history.csv", newline="") as f:
        return list(csv.DictReader(f))


def train(folder, corpus, *extra):
    return main(["lstm", "--config", "lstm-tiny", "--out", str(folder), "--corpus", str(corpus), "--quiet",
                 "--device", "cpu", *extra])


@pytest.fixture(scope="module")
def lstm_folder(tmp_path_factory, tiny_corpus_dir):
    folder = tmp_path_factory.mktemp("models") / "lstm-tiny"
    assert train(folder, tiny_corpus_dir) == 0
    return folder


def test_a_run_leaves_weights_config_card_history_and_picture(lstm_folder):
    assert OUTPUTS <= {p.name for p in lstm_folder.iterdir()}
    config = read_config(lstm_folder)
    assert config["backend"] == "lstm" and config["codec"]["codec"] == "events"
    assert config["model"]["hidden"] == 32
    rows = history(lstm_folder)
    assert [r["epoch"] for r in rows] == ["1", "2"]
    assert all(float(r["valid_loss"]) > 0 for r in rows)
    card = (lstm_folder / "card.md").read_text()
    for words in ("musicstudio train lstm --config lstm-tiny", "| train |", "sha256", "wall time", "parameters"):
        assert words in card
    assert (lstm_folder / "loss.png").read_bytes()[:4] == b"\x89PNG"


def test_resume_goes_on_from_the_last_epoch(lstm_folder, tiny_corpus_dir, tmp_path):
    folder = tmp_path / "again"
    shutil.copytree(lstm_folder, folder)
    assert train(folder, tiny_corpus_dir, "--resume", "--set", "train.epochs=3") == 0
    rows = history(folder)
    assert [r["epoch"] for r in rows] == ["1", "2", "3"]
    assert rows[:2] == history(lstm_folder)  # the first two epochs are the original run's


def test_resume_without_a_state_is_a_clear_error(tmp_path, tiny_corpus_dir, capsys):
    assert train(tmp_path / "new", tiny_corpus_dir, "--resume") == 3
    assert "nothing to resume" in capsys.readouterr().err


def test_a_damaged_resume_state_names_the_folder(lstm_folder, tiny_corpus_dir, tmp_path, capsys):
    folder = tmp_path / "damaged"
    shutil.copytree(lstm_folder, folder)
    state = folder / "resume" / "state.safetensors"
    state.write_bytes(state.read_bytes()[:100])
    assert train(folder, tiny_corpus_dir, "--resume") == 3
    err = capsys.readouterr().err
    assert "resume" in err and "damaged" in err


def test_early_stopping_ends_the_run(tmp_path, tiny_corpus_dir):
    folder = tmp_path / "stops"
    # a learning rate of zero never improves after the first epoch; patience 1 stops at epoch 2
    assert train(folder, tiny_corpus_dir, "--set", "train.epochs=6", "--set", "train.lr=0",
                 "--set", "train.patience=1", "--set", "train.schedule=none") == 0
    assert len(history(folder)) == 2


def test_same_seed_same_weights(tmp_path, tiny_corpus_dir, lstm_folder):
    folder = tmp_path / "twin"
    assert train(folder, tiny_corpus_dir) == 0
    assert (folder / "weights.safetensors").read_bytes() == (lstm_folder / "weights.safetensors").read_bytes()


@pytest.mark.parametrize("argv, words", [
    (["nope", "--config", "x"], "unknown backend"),
    (["lstm", "--config", "nope"], "has no config"),
    (["lstm", "--config", "lstm-tiny", "--device", "cuda"], "no CUDA GPU"),
    (["lstm", "--config", "lstm-tiny", "--device", "tpu"], "unknown device"),
    (["lstm", "--config", "lstm-tiny", "--set", "novalue"], "KEY=VALUE"),
])
def test_usage_errors_are_one_line(argv, words, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert words in err and "\n" not in err


def test_unknown_training_settings_are_refused(tmp_path, tiny_corpus_dir):
    with pytest.raises(ValueError, match="unknown training settings"):
        train(tmp_path / "x", tiny_corpus_dir, "--set", "train.epoch=3")


def test_no_corpus_is_bad_input(tmp_path, capsys):
    assert main(["lstm", "--config", "lstm-tiny", "--corpus", str(tmp_path / "none"), "--quiet",
                 "--out", str(tmp_path / "m")]) == 3
    assert "corpus build" in capsys.readouterr().err


def test_set_value_reads_json_and_nests():
    config = {"train": {"epochs": 2}}
    set_value(config, "train.epochs=5")
    set_value(config, "data.collections=[\"bach\"]")
    set_value(config, "summary=plain text")
    assert config == {"train": {"epochs": 5}, "data": {"collections": ["bach"]}, "summary": "plain text"}


def test_torchrun_with_two_cpu_processes(tmp_path, tiny_corpus_dir):
    """DistributedDataParallel on gloo: both processes train, the first writes the model folder."""
    folder = tmp_path / "ddp"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}

    def torchrun() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
             "-m", "musicstudio.cli", "train", "lstm", "--config", "lstm-tiny", "--out", str(folder),
             "--corpus", str(tiny_corpus_dir), "--quiet", "--device", "cpu"],
            capture_output=True, text=True, timeout=300, env=env)

    result, earlier = torchrun(), ""
    if result.returncode != 0 and "SIGABRT" in result.stderr:
        # Once, in a full run on the loaded 2-core machine, one rank aborted inside torch's gloo transport
        # and it never happened again alone or under load: one more try, both outputs shown if it fails.
        earlier = f"first try:\n{result.stderr[:3000]}\n...\nsecond try:\n"
        shutil.rmtree(folder, ignore_errors=True)
        result = torchrun()
    assert result.returncode == 0, earlier + result.stderr[:3000] + "\n...\n" + result.stderr[-2000:]
    assert OUTPUTS <= {p.name for p in folder.iterdir()}
    assert len(history(folder)) == 2
    card = (folder / "card.md").read_text()
    assert "torchrun --nproc_per_node=2" in card and "trained with 2 processes" in card
    assert json.loads((folder / "config.json").read_text())["backend"] == "lstm"
