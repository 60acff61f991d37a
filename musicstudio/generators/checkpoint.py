"""Checkpoints: a model folder holds ``config.json`` (constructor arguments, codec and vocabulary)
and ``weights.safetensors``; never a pickle. Loading checks everything and names the file at fault.

Model folders come from anyone, so loading proves before it allocates: the config's sizes are held to
sane bounds (:data:`LIMITS`), the weights' header is read and checked against the file
(:mod:`.weights_header`), and :func:`build_checked` builds the network on torch's ``meta`` device (no
memory) to compare its parameter count and shapes with the header before building it for real.
Weights holding NaN or infinite values are refused.
"""

from __future__ import annotations

import contextvars
import json
import math
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable

from musicstudio.generators.weights_header import (
    WeightsFileError,
    WeightsHeader,
    non_finite_tensors,
    read_header,
)

CONFIG = "config.json"
WEIGHTS = "weights.safetensors"
FORMAT = "musicstudio-model"
FORMAT_VERSION = 1

MAX_CONFIG_BYTES = 2**20            # a config is a few kB
MAX_PARAMETERS = 100_000_000        # 400 MB of float32: 100 times the largest model shipped
DEFAULT_LIMIT = 65_536              # any size or count in a model's or codec's config
LIMITS = {"vocab": 2**20, "size": 2**20, "min_count": 2**31, "layers": 64, "order": 64}
MAX_ITEMS = 10_000                  # entries of a list or table in a config
MAX_TEXT = 4_096                    # characters of a string in a config

_dry_run = contextvars.ContextVar("checkpoint_dry_run", default=False)


class NetworkFits(Exception):
    """Raised by :func:`build_checked` inside :func:`dry_run`: the network fits its weights; nothing was
    built."""


@contextmanager
def dry_run():
    """Within it, loading a model proves everything up to building its network, then raises
    :class:`NetworkFits` instead of allocating: how the model list checks a folder in a few ms."""
    token = _dry_run.set(True)
    try:
        yield
    finally:
        _dry_run.reset(token)


class CheckpointError(Exception):
    """A model folder that cannot be used; the message names the file and the reason."""

    def __init__(self, path: str | Path, reason: str):
        self.path = Path(path)
        super().__init__(f"{self.path}: {reason}")


def read_config(folder: str | Path) -> dict[str, Any]:
    """The model's config, checked for the fields every backend needs."""
    path = Path(folder) / CONFIG
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise CheckpointError(path, f"it is {path.stat().st_size:,} bytes; a model config is a few kB")
        config = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise CheckpointError(path, "the folder has no config.json, so it is not a Music Studio model") from None
    except OSError as e:
        raise CheckpointError(path, f"it cannot be read ({e.strerror or e})") from None
    except UnicodeDecodeError:
        raise CheckpointError(path, "it is not UTF-8 text") from None
    except json.JSONDecodeError as e:
        raise CheckpointError(path, f"it is damaged (not valid JSON: {e.msg} at line {e.lineno})") from None
    except RecursionError:
        raise CheckpointError(path, "it is damaged (nested too deeply)") from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise CheckpointError(path, "it is not a Music Studio model config")
    if not isinstance(config.get("version"), int) or config["version"] > FORMAT_VERSION:
        raise CheckpointError(path, f"it was written by a newer Music Studio (model format {config.get('version')})")
    for key, kind in (("backend", str), ("model", dict), ("codec", dict)):
        if not isinstance(config.get(key), kind):
            raise CheckpointError(path, f"its '{key}' entry is missing or malformed")
    for key in ("model", "codec"):
        problem = _out_of_bounds(config[key], key)
        if problem:
            raise CheckpointError(path, problem)
    return config


def _out_of_bounds(value, where: str, depth: int = 0) -> str | None:
    """Why a config value is beyond any model Music Studio can run, or None: sizes and counts within
    :data:`LIMITS` (``DEFAULT_LIMIT`` for the others), finite numbers, short strings and lists."""
    name = where.rsplit(".", 1)[-1].split("[")[0]
    if depth > 8:
        return f"{where} is nested too deeply"
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        limit = LIMITS.get("layers" if name.endswith("layers") else name, DEFAULT_LIMIT)
        return f"{where} = {value:,} is beyond any model Music Studio can run (at most {limit:,})" \
            if abs(value) > limit else None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"{where} = {value} is not a number"
    if isinstance(value, str):
        return f"{where} is a string of {len(value):,} characters" if len(value) > MAX_TEXT else None
    if isinstance(value, (list, dict)):
        if len(value) > MAX_ITEMS:
            return f"{where} has {len(value):,} entries (at most {MAX_ITEMS:,})"
        items = value.items() if isinstance(value, dict) else ((f"[{i}]", v) for i, v in enumerate(value))
        for key, item in items:
            inner = f"{where}{key}" if str(key).startswith("[") else f"{where}.{key}"
            problem = _out_of_bounds(item, inner, depth + 1)
            if problem:
                return problem
    return None


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


_proved: dict[tuple, WeightsHeader] = {}   # weights files already proved, by path, size, time and inode
_proved_lock = threading.Lock()


def weights_header(folder: str | Path) -> WeightsHeader:
    """The folder's weights header, proved against the file and every value scanned for NaN and infinity,
    without loading the tensors; once per version of a file (the model list and each load ask again)."""
    path = Path(folder) / WEIGHTS
    try:
        st = path.stat()
    except OSError:
        st = None
    if st is None or not path.is_file():
        raise CheckpointError(path, "the model has no weights.safetensors")
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns, st.st_ino)
    with _proved_lock:
        if key in _proved:
            return _proved[key]
    try:
        header = read_header(path)
        if header.elements > MAX_PARAMETERS:
            raise WeightsFileError(f"they hold {header.elements:,} values, more than Music Studio loads "
                                   f"({MAX_PARAMETERS:,})")
        bad = non_finite_tensors(path, header)
    except WeightsFileError as e:
        raise CheckpointError(path, str(e)) from None
    except OSError as e:
        raise CheckpointError(path, f"it cannot be read ({e.strerror or e})") from None
    if bad:
        more = f" and {len(bad) - 1} more" if len(bad) > 1 else ""
        raise CheckpointError(path, f"the weights hold NaN or infinite values (in {bad[0]}{more}): the model "
                                    "was damaged, or its training diverged")
    with _proved_lock:
        _proved[key] = header
    return header


def load_tensors(folder: str | Path, proved: bool = False) -> dict:
    """The weights as a dict of torch tensors (safetensors only, proved by :func:`weights_header` unless
    the caller has just done so)."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    path = Path(folder) / WEIGHTS
    if not proved:
        weights_header(folder)
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
    """The weights as numpy arrays (safetensors only, proved by :func:`weights_header`)."""
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    path = Path(folder) / WEIGHTS
    weights_header(folder)
    try:
        return load_file(str(path))
    except (SafetensorError, OSError, ValueError, RuntimeError) as e:
        raise CheckpointError(path, f"the weights are damaged or truncated ({e})") from None


def load_state_into(module, folder: str | Path) -> None:
    """Load the folder's weights into ``module``: every tensor present, every shape matching."""
    path = Path(folder) / WEIGHTS
    header = weights_header(folder)
    _check_fits({k: tuple(v.shape) for k, v in module.state_dict().items()}, header.shapes(), path)
    module.load_state_dict(load_tensors(folder, proved=True))


def build_checked(factory: Callable[[], Any], folder: str | Path, what: str) -> Any:
    """The network ``factory()`` builds, with the folder's weights loaded, once the config's network is
    proved to fit the weights: built first on torch's ``meta`` device, which allocates nothing
    (:func:`~.network_probe.probe_shapes`), its parameter count and shapes are compared with the
    weights' header. ``what`` names the model kind in messages ("an LSTM")."""
    from musicstudio.generators.network_probe import probe_shapes

    folder = Path(folder)
    header = weights_header(folder)
    try:
        expected = probe_shapes(factory)
    except (TypeError, ValueError, RuntimeError, OverflowError) as e:
        raise CheckpointError(folder / CONFIG, f"it does not describe {what} ({e})") from None
    count = sum(math.prod(s) for s in expected.values())
    if count > MAX_PARAMETERS:
        raise CheckpointError(folder / CONFIG, f"it describes a network of {count:,} parameters, more than Music "
                                               f"Studio loads ({MAX_PARAMETERS:,})")
    _check_fits(expected, header.shapes(), folder / WEIGHTS)
    if _dry_run.get():
        raise NetworkFits()
    module = factory()
    module.load_state_dict(load_tensors(folder, proved=True))
    return module


def _check_fits(expected: dict[str, tuple], got: dict[str, tuple], path: Path) -> None:
    missing = sorted(set(expected) - set(got))
    extra = sorted(set(got) - set(expected))
    if missing or extra:
        raise CheckpointError(path, f"the weights do not fit this model (missing {missing[:3]}, "
                                    f"unexpected {extra[:3]})")
    for name, shape in got.items():
        if tuple(shape) != tuple(expected[name]):
            raise CheckpointError(path, f"tensor {name} has shape {tuple(shape)}, the model expects "
                                        f"{tuple(expected[name])} (config and weights do not match)")
