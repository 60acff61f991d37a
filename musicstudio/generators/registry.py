"""Installed models: the shipped ``models/`` folder and any folders the user adds, loaded by name.

A model is a folder with ``config.json`` and ``weights.safetensors`` (see :mod:`.checkpoint`). The
registry lists them with what their cards say and their licence (from the collections that trained them,
:mod:`.licences`), loads one lazily on first use and keeps it cached.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

from musicstudio.generators.backends import UnknownBackend, backend_named
from musicstudio.generators.checkpoint import (
    CONFIG,
    WEIGHTS,
    CheckpointError,
    NetworkFits,
    dry_run,
    read_config,
    weights_header,
)
from musicstudio.generators.licences import UNKNOWN, ModelLicence, model_licence

CARD = "card.md"
MAX_CARD_BYTES = 2**20      # a card is a page of text; its pictures are files of their own


@dataclass(frozen=True)
class ModelInfo:
    name: str
    backend: str
    folder: Path
    summary: str          # the card's first paragraph
    size_bytes: int
    codec: str
    sliders: tuple[str, ...] = ()      # a latent model's slider names, as its config lists them
    licence: ModelLicence = ModelLicence(UNKNOWN)   # from the collections that trained it
    meters: tuple[tuple[int, int], ...] | None = None  # the meters it writes bars of (None: any), as its family
                                                       # reads its config: a GAN or VAE trained before its family
                                                       # learnt meters writes 4/4 and 2/2 only

    @property
    def collections(self) -> tuple[str, ...]:
        """The collections that trained it, as its config says (() when it does not say)."""
        return self.licence.collections

    @property
    def family(self):
        """Its backend's :class:`~musicstudio.generators.family.Backend` (what it can do, its options)."""
        return backend_named(self.backend)

    @property
    def card(self) -> Path:
        return self.folder / CARD


def _summary(folder: Path) -> str:
    """The card's first paragraph ("" without a card); CheckpointError for a card that is not text."""
    path = folder / CARD
    try:
        if path.stat().st_size > MAX_CARD_BYTES:
            raise CheckpointError(path, f"card.md is {path.stat().st_size / 2**20:.0f} MB, not a model card")
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return ""
    except OSError as e:
        raise CheckpointError(path, f"card.md cannot be read ({e.strerror or e})") from None
    except UnicodeDecodeError:
        raise CheckpointError(path, "card.md is not UTF-8 text") from None
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip() and not p.startswith("#")]
    return paragraphs[0] if paragraphs else ""


def model_info(folder: str | Path) -> ModelInfo:
    """What a model folder holds, from its config, once its config, weights file and card are proved
    usable without loading the network (raises CheckpointError naming the file at fault)."""
    folder = Path(folder)
    config = read_config(folder)
    weights = folder / WEIGHTS
    weights_header(folder)
    name = config.get("name", folder.name)
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise CheckpointError(folder / CONFIG, "its 'name' entry is not a short text")
    try:
        family = backend_named(config["backend"])
    except UnknownBackend as e:
        raise CheckpointError(folder / CONFIG, str(e)) from None
    sliders = config.get("sliders")
    sliders = tuple(str(s) for s in sliders) if isinstance(sliders, list) else ()
    return ModelInfo(name, config["backend"], folder, _summary(folder), weights.stat().st_size,
                     str(config["codec"].get("codec", "?")), sliders, model_licence(config), family.meters_of(config))


def user_models_folder() -> Path:
    """Where the models the user makes go (fine-tunes): ``models/`` in the app's data folder."""
    from musicstudio.io.settings import user_data_dir
    return user_data_dir(create=False) / "models"


def default_folders() -> list[Path]:
    """The shipped ``models/``, and the user's models folder once it exists."""
    from musicstudio.resources import models_path
    user = user_models_folder()
    return [models_path()] + ([user] if user.is_dir() else [])


def _candidates(root: Path) -> list[Path]:
    """The model folders under ``root``: itself when it holds a config or weights, else its subfolders
    that do (a folder with weights but no config is named as a problem, not skipped)."""
    def looks_like_model(p: Path) -> bool:
        return (p / CONFIG).exists() or (p / WEIGHTS).exists()
    try:
        if looks_like_model(root):
            return [root]
        return sorted(p for p in root.iterdir() if p.is_dir() and looks_like_model(p))
    except OSError:
        return []


def _config_name(folder: Path) -> str | None:
    try:
        return read_config(folder).get("name")
    except CheckpointError:
        return None


def find_models(folders: list[str | Path] | None = None) -> tuple[list[ModelInfo], list[str]]:
    """Models in ``folders`` (each a model folder or a folder of them), and a one-line message for each
    folder that looks like a model but cannot be used: a broken folder never hides the others."""
    found, problems = [], []
    seen = set()
    for root in [Path(f) for f in (folders if folders is not None else default_folders())]:
        for folder in _candidates(root):
            try:
                info = model_info(folder)
            except CheckpointError as e:
                problems.append(str(e))
                continue
            if info.name not in seen:
                seen.add(info.name)
                found.append(info)
    return found, problems


def loadable_models(folders: list[str | Path] | None = None) -> tuple[list[ModelInfo], list[str]]:
    """:func:`find_models`, then each model's load rehearsed (:func:`~.checkpoint.dry_run`: everything
    but allocating the network): a config whose network does not fit its weights, which only building
    the network shows, joins the problems instead of the list."""
    found, problems = find_models(folders)
    ok = []
    for info in found:
        try:
            config = read_config(info.folder)
            with dry_run():
                backend_named(config["backend"]).load(info.folder, config, "cpu")
        except NetworkFits:
            pass
        except (CheckpointError, UnknownBackend) as e:
            problems.append(str(e) if isinstance(e, CheckpointError) else f"{info.folder / CONFIG}: {e}")
            continue
        ok.append(info)
    return ok, problems


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
        if (path / CONFIG).exists():
            return path
        for info in self.models():
            if info.name == str(name_or_folder) or info.folder.name == str(name_or_folder):
                return info.folder
        for root in self.folders:   # a model of that name that is not listed: say why
            for folder in _candidates(Path(root)):
                if str(name_or_folder) in (folder.name, _config_name(folder)):
                    model_info(folder)
        if path.is_dir():
            raise CheckpointError(path / CONFIG, "the folder has no config.json, so it is not a Music Studio model")
        names = ", ".join(i.name for i in self.models()) or "none installed"
        raise CheckpointError(path, f"no model of that name (installed: {names})")

    def load(self, name_or_folder: str | Path, device: str = "auto"):
        """The generator for a model name or folder on ``device`` (loaded once, then cached)."""
        from musicstudio.generators.devices import pick_device

        folder = self.resolve(name_or_folder)
        model_info(folder)      # the same verdict as the model list, before torch or any network
        device = pick_device(device)
        key = (str(folder.resolve()), device)
        with self._lock:
            if key not in self._cache:
                config = read_config(folder)
                try:
                    backend = backend_named(config["backend"])
                except UnknownBackend as e:
                    raise CheckpointError(folder / CONFIG, str(e)) from None
                self._cache[key] = backend.load(folder, config, device)
            return self._cache[key]

    def forget(self) -> None:
        with self._lock:
            self._cache.clear()


def load_generator(name_or_folder: str | Path, device: str = "auto", folders: list[str | Path] | None = None):
    return ModelRegistry(folders).load(name_or_folder, device)
