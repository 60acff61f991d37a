"""Installed models: the shipped ``models/`` folder and any folders the user adds, loaded by name.

A model is a folder with ``config.json`` and ``weights.safetensors`` (see :mod:`.checkpoint`). The
registry lists them with what their cards say, loads one lazily on first use and keeps it cached.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

from musicstudio.generators.backends import UnknownBackend, backend_module
from musicstudio.generators.checkpoint import WEIGHTS, CheckpointError, read_config


@dataclass(frozen=True)
class ModelInfo:
    name: str
    backend: str
    folder: Path
    summary: str          # the card's first paragraph
    size_bytes: int
    codec: str

    @property
    def card(self) -> Path:
        return self.folder / "card.md"


def _summary(folder: Path) -> str:
    try:
        text = (folder / "card.md").read_text("utf-8")
    except OSError:
        return ""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip() and not p.startswith("#")]
    return paragraphs[0] if paragraphs else ""


def model_info(folder: str | Path) -> ModelInfo:
    """What a model folder holds, from its config (raises CheckpointError when it is not a model)."""
    folder = Path(folder)
    config = read_config(folder)
    weights = folder / WEIGHTS
    if not weights.is_file():
        raise CheckpointError(weights, "the model has no weights.safetensors")
    return ModelInfo(config.get("name", folder.name), config["backend"], folder, _summary(folder),
                     weights.stat().st_size, config["codec"].get("codec", "?"))


def user_models_folder() -> Path:
    """Where the models the user makes go (fine-tunes): ``models/`` in the app's data folder."""
    from musicstudio.io.settings import user_data_dir
    return user_data_dir(create=False) / "models"


def default_folders() -> list[Path]:
    """The shipped ``models/``, and the user's models folder once it exists."""
    from musicstudio.resources import models_path
    user = user_models_folder()
    return [models_path()] + ([user] if user.is_dir() else [])


def find_models(folders: list[str | Path] | None = None) -> tuple[list[ModelInfo], list[str]]:
    """Models in ``folders`` (each a model folder or a folder of them), and a message for each folder
    that looks like a model but cannot be used."""
    found, problems = [], []
    seen = set()
    for root in [Path(f) for f in (folders if folders is not None else default_folders())]:
        candidates = [root] if (root / "config.json").exists() else sorted(p for p in root.glob("*") if p.is_dir())
        for folder in candidates:
            if not (folder / "config.json").exists():
                continue
            try:
                info = model_info(folder)
            except CheckpointError as e:
                problems.append(str(e))
                continue
            if info.name not in seen:
                seen.add(info.name)
                found.append(info)
    return found, problems


class ModelRegistry:
    """Loads generators by model name or folder and caches them (thread-safe)."""

    def __init__(self, folders: list[str | Path] | None = None):
        self.folders = list(folders) if folders is not None else default_folders()
        self._cache: dict[tuple[str, str], object] = {}
        self._lock = threading.Lock()

    def models(self) -> list[ModelInfo]:
        return find_models(self.folders)[0]

    def add_folder(self, folder: str | Path) -> None:
        self.folders.append(Path(folder))

    def resolve(self, name_or_folder: str | Path) -> Path:
        path = Path(name_or_folder)
        if (path / "config.json").exists():
            return path
        for info in self.models():
            if info.name == str(name_or_folder) or info.folder.name == str(name_or_folder):
                return info.folder
        names = ", ".join(i.name for i in self.models()) or "none installed"
        raise CheckpointError(path, f"no model of that name (installed: {names})")

    def load(self, name_or_folder: str | Path, device: str = "auto"):
        """The generator for a model name or folder on ``device`` (loaded once, then cached)."""
        from musicstudio.generators.devices import pick_device

        folder = self.resolve(name_or_folder)
        device = pick_device(device)
        key = (str(folder.resolve()), device)
        with self._lock:
            if key not in self._cache:
                config = read_config(folder)
                try:
                    module = backend_module(config["backend"])
                except UnknownBackend as e:
                    raise CheckpointError(folder / "config.json", str(e)) from None
                self._cache[key] = module.load(folder, config, device)
            return self._cache[key]

    def forget(self) -> None:
        with self._lock:
            self._cache.clear()


def load_generator(name_or_folder: str | Path, device: str = "auto", folders: list[str | Path] | None = None):
    return ModelRegistry(folders).load(name_or_folder, device)
