"""The small networks a polyphonic VAE ships beside its weights (the update network of ``encoding.fast``, the
4-bar conductor): their config tables checked one way (:func:`side_entry`, :func:`weights_beside`), their files
written one way (:func:`save_side_weights`) and read one checked way (:func:`load_side_weights`): the file present,
under :data:`WEIGHTS_LIMIT`, readable, holding no NaN or infinite values, and with exactly the tensors and shapes
of the module it is loaded into; anything else is a :class:`~musicstudio.generators.checkpoint.CheckpointError`
naming the file and the reason. Safe to import."""

from __future__ import annotations

from pathlib import Path

from torch import nn

WEIGHTS_LIMIT = 5 * 2 ** 20          # bytes: a network beside the model is small


def load_side_weights(path: Path, module: nn.Module, noun: str, missing: str, describes: str) -> nn.Module:
    """``module`` with the weights of ``path`` (safetensors), in eval mode. ``noun``: what the file is (\"the
    update network\"); ``missing``: why it should be there; ``describes``: what the config says it is, for a file
    of other shapes."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    from musicstudio.generators.checkpoint import CheckpointError
    from musicstudio.generators.weights_header import WeightsFileError, non_finite_tensors, read_header

    path = Path(path)
    if not path.is_file():
        raise CheckpointError(path, missing)
    if path.stat().st_size > WEIGHTS_LIMIT:
        kind = noun.split(" ", 1)[-1]                     # "the update network" -> "an update network"
        article = "an" if kind[0] in "aeiou" else "a"
        raise CheckpointError(path, f"{article} {kind} is under {WEIGHTS_LIMIT // 2 ** 20} MB; this file is "
                                    f"{path.stat().st_size:,} bytes")
    try:
        header = read_header(path)
        bad = non_finite_tensors(path, header)
    except WeightsFileError as e:
        raise CheckpointError(path, f"{noun} is damaged ({e})") from None
    except OSError as e:
        raise CheckpointError(path, f"{noun} cannot be read ({e.strerror or e})") from None
    if bad:
        raise CheckpointError(path, f"{noun} holds NaN or infinite values (in {bad[0]})")
    try:
        tensors = load_file(str(path), device="cpu")
    except (SafetensorError, OSError, ValueError, RuntimeError) as e:
        raise CheckpointError(path, f"{noun} is damaged or truncated ({e})") from None
    expected = {k: tuple(v.shape) for k, v in module.state_dict().items()}
    found = {k: tuple(v.shape) for k, v in tensors.items()}
    if expected != found:
        wrong = sorted(set(expected) ^ set(found)) or sorted(k for k in expected if expected[k] != found[k])
        raise CheckpointError(path, f"it is not {describes}: {', '.join(wrong[:3])} differ")
    module.load_state_dict(tensors)
    return module.eval()


def side_entry(spec, name: str, fields: str, known: set, required: set) -> dict | None:
    """A config table naming a side network (``name``: its place in the config, \"conductor\"), None where the
    config has none; ValueError for anything but a table (``fields``: what it holds, for the message), keys it
    does not know, or one of ``required`` missing."""
    if spec is None:
        return None
    if not isinstance(spec, dict):
        raise ValueError(f"{name} is a table ({fields}), not {spec!r}")
    unknown = set(spec) - known
    if unknown:
        raise ValueError(f"{name} has no {', '.join(sorted(unknown))} ({', '.join(sorted(known))})")
    missing = required - set(spec)
    if missing:
        raise ValueError(f"{name} lacks {', '.join(sorted(missing))}")
    return spec


def weights_beside(name: str, weights: str) -> str:
    """``weights`` if it names a .safetensors file beside the model (no folder), else a ValueError."""
    path = Path(weights)
    if path.name != weights or path.suffix != ".safetensors":
        raise ValueError(f"{name}.weights is a .safetensors file beside the model, not {weights!r}")
    return weights


def save_side_weights(module: nn.Module, path: Path) -> Path:
    """``module``'s weights to ``path`` (safetensors), through a temporary file replaced at once."""
    from safetensors.torch import save_file

    path = Path(path)
    tmp = path.with_suffix(".tmp")
    save_file({k: v.detach().contiguous() for k, v in module.state_dict().items()}, str(tmp))
    tmp.replace(path)
    return path
