"""Checkpoints: a model folder holds ``config.json`` (constructor arguments, codec and vocabulary)
and ``weights.safetensors``; never a pickle. Loading checks everything and names the file at fault."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CONFIG = "config.json"
WEIGHTS = "weights.safetensors"
FORMAT = "musicstudio-model"
FORMAT_VERSION = 1


class CheckpointError(Exception):
    """A model folder that cannot be used; the message names the file and the reason."""

    def __init__(self, path: str | Path, reason: str):
        self.path = Path(path)
        super().__init__(f"{self.path}: {reason}")


def read_config(folder: str | Path) -> dict[str, Any]:
    """The model's config, checked for the fields every backend needs."""
    path = Path(folder) / CONFIG
    try:
        config = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise CheckpointError(path, "the model has no config.json") from None
    except (OSError, UnicodeDecodeError) as e:
        raise CheckpointError(path, f"it cannot be read ({e})") from None
    except json.JSONDecodeError as e:
        raise CheckpointError(path, f"it is damaged (not valid JSON: {e.msg} at line {e.lineno})") from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise CheckpointError(path, "it is not a Music Studio model config")
    if not isinstance(config.get("version"), int) or config["version"] > FORMAT_VERSION:
        raise CheckpointError(path, f"it was written by a newer Music Studio (model format {config.get('version')})")
    for key, kind in (("backend", str), ("model", dict), ("codec", dict)):
        if not isinstance(config.get(key), kind):
            raise CheckpointError(path, f"its '{key}' entry is missing or malformed")
    return config


def write_config(folder: str | Path, backend: str, model: dict, codec: dict, **extra) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    config = {"format": FORMAT, "version": FORMAT_VERSION, "backend": backend, "model": model, "codec": codec,
              **extra}
    path = folder / CONFIG
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", "utf-8")
    tmp.replace(path)
    return path


def load_tensors(folder: str | Path) -> dict:
    """The weights as a dict of torch tensors (safetensors only)."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    path = Path(folder) / WEIGHTS
    if not path.is_file():
        raise CheckpointError(path, "the model has no weights.safetensors")
    try:
        return load_file(str(path), device="cpu")
    except (SafetensorError, OSError, ValueError, RuntimeError) as e:
        raise CheckpointError(path, f"the weights are damaged or truncated ({e})") from None


def save_tensors(folder: str | Path, tensors: dict) -> Path:
    from safetensors.torch import save_file

    path = Path(folder) / WEIGHTS
    tmp = path.with_suffix(".tmp")
    save_file({k: v.detach().contiguous().cpu() for k, v in tensors.items()}, str(tmp))
    tmp.replace(path)
    return path


def save_arrays(folder: str | Path, arrays: dict) -> Path:
    """Numpy arrays into ``weights.safetensors`` (for models that need no torch)."""
    import numpy as np
    from safetensors.numpy import save_file

    path = Path(folder) / WEIGHTS
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    save_file({k: np.ascontiguousarray(v) for k, v in arrays.items()}, str(tmp))
    tmp.replace(path)
    return path


def load_arrays(folder: str | Path) -> dict:
    """The weights as numpy arrays (safetensors only)."""
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    path = Path(folder) / WEIGHTS
    if not path.is_file():
        raise CheckpointError(path, "the model has no weights.safetensors")
    try:
        return load_file(str(path))
    except (SafetensorError, OSError, ValueError, RuntimeError) as e:
        raise CheckpointError(path, f"the weights are damaged or truncated ({e})") from None


def load_state_into(module, folder: str | Path) -> None:
    """Load the folder's weights into ``module``: every tensor present, every shape matching."""
    path = Path(folder) / WEIGHTS
    tensors = load_tensors(folder)
    expected = module.state_dict()
    missing = sorted(set(expected) - set(tensors))
    extra = sorted(set(tensors) - set(expected))
    if missing or extra:
        raise CheckpointError(path, f"the weights do not fit this model (missing {missing[:3]}, "
                                    f"unexpected {extra[:3]})")
    for name, tensor in tensors.items():
        if tuple(tensor.shape) != tuple(expected[name].shape):
            raise CheckpointError(path, f"tensor {name} has shape {tuple(tensor.shape)}, the model expects "
                                        f"{tuple(expected[name].shape)} (config and weights do not match)")
    module.load_state_dict(tensors)
