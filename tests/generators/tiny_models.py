"""Helpers the generator tests share: tiny models trained on the tiny corpus, and a damaged copy of one."""

import shutil
from pathlib import Path

import pytest

from musicstudio.generators.checkpoint import CheckpointError
from musicstudio.generators.registry import ModelRegistry

TRUNCATED = (lambda f: (f / "weights.safetensors").write_bytes((f / "weights.safetensors").read_bytes()[:50]),
             "damaged or truncated")
NO_WEIGHTS = (lambda f: (f / "weights.safetensors").unlink(), "no weights.safetensors")
NOT_JSON = (lambda f: (f / "config.json").write_text("{not json"), "not valid JSON")


def train_tiny(tmp_path_factory, corpus_dir, backend: str, *configs: str, extra: tuple = ()) -> Path:
    """A folder of ``configs`` of ``backend`` trained on ``corpus_dir`` (each in a folder of its name)."""
    from musicstudio.generators.training.command import main as train_main

    root = tmp_path_factory.mktemp(f"{backend}_models")
    for config in configs:
        assert train_main([backend, "--config", config, "--out", str(root / config), "--corpus", str(corpus_dir),
                           "--quiet", *extra]) == 0
    return root


def load_damaged(models_dir: Path, name: str, tmp_path: Path, damage, words: str) -> None:
    """A copy of model ``name`` damaged by ``damage`` is refused with ``words``, naming its folder."""
    folder = tmp_path / "broken"
    shutil.copytree(models_dir / name, folder)
    damage(folder)
    with pytest.raises(CheckpointError, match=words) as caught:
        ModelRegistry([tmp_path]).load(folder, "cpu")
    assert "broken" in str(caught.value)
