"""Checkpoints: safetensors and JSON only; a damaged, truncated or mismatched one names the file."""

import json

import pytest
import torch

from musicstudio.generators.checkpoint import (
    CONFIG,
    WEIGHTS,
    CheckpointError,
    load_state_into,
    read_config,
    save_tensors,
    write_config,
)


def small_model(hidden: int = 8) -> torch.nn.Module:
    return torch.nn.Sequential(torch.nn.Embedding(10, hidden), torch.nn.Linear(hidden, 10))


@pytest.fixture
def folder(tmp_path):
    model = small_model()
    write_config(tmp_path, "test", {"hidden": 8}, {"name": "melody"})
    save_tensors(tmp_path, model.state_dict())
    return tmp_path


def test_round_trip(folder):
    assert read_config(folder)["model"] == {"hidden": 8}
    fresh = small_model()
    load_state_into(fresh, folder)
    saved = small_model()
    load_state_into(saved, folder)
    for a, b in zip(fresh.state_dict().values(), saved.state_dict().values()):
        assert torch.equal(a, b)


def test_truncated_weights_name_the_file(folder):
    path = folder / WEIGHTS
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(CheckpointError, match=r"weights\.safetensors: the weights are damaged or truncated"):
        load_state_into(small_model(), folder)


def test_pickles_are_not_weights(folder):
    torch.save(small_model().state_dict(), folder / WEIGHTS)   # a pickle under the right name
    with pytest.raises(CheckpointError, match="torch.save .*never loads pickles"):
        load_state_into(small_model(), folder)


def test_mismatched_shapes_are_named(folder):
    with pytest.raises(CheckpointError, match=r"shape \(10, 8\).*expects \(10, 16\)"):
        load_state_into(small_model(16), folder)


@pytest.mark.parametrize("text, reason", [
    ("{not json", "not valid JSON"),
    (json.dumps({"format": "other"}), "not a Music Studio model"),
    (json.dumps({"format": "musicstudio-model", "version": 99, "backend": "x", "model": {}, "codec": {}}), "newer"),
    (json.dumps({"format": "musicstudio-model", "version": 1, "backend": "x", "codec": {}}), "'model'"),
])
def test_bad_configs(folder, text, reason):
    (folder / CONFIG).write_text(text)
    with pytest.raises(CheckpointError, match=reason):
        read_config(folder)


def test_missing_files(tmp_path):
    with pytest.raises(CheckpointError, match="no config.json"):
        read_config(tmp_path)
    with pytest.raises(CheckpointError, match="no weights.safetensors"):
        load_state_into(small_model(), tmp_path)
