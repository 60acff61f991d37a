"""The small networks a polyphonic VAE ships beside its weights (the update network of ``encoding.fast``, the
4-bar conductor), read the one checked way: the file present, under :data:`WEIGHTS_LIMIT`, readable, holding no
NaN or infinite values, and with exactly the tensors and shapes of the module it is loaded into; anything else is a
:class:`~musicstudio.generators.checkpoint.CheckpointError` naming the file and the reason. Safe to import."""

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
