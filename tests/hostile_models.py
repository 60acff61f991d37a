"""A corpus of damaged model folders, as a user might be sent or an attacker might craft: sizes that
would exhaust memory, weights that do not fit or hold NaN, pickles under the safetensors name, a
truncated file, a folder without config.json, a card that is not text. Each case copies a shipped model
and damages one thing; ``python tests/hostile_models.py DIR`` writes the corpus to DIR."""

from __future__ import annotations

import json
import pickle
import shutil
import struct
import sys
from pathlib import Path

MODELS = Path(__file__).resolve().parents[1] / "models"


def _config(folder: Path, section: str = "model", **changes) -> None:
    path = folder / "config.json"
    config = json.loads(path.read_text())
    config[section] = {**config[section], **changes}
    path.write_text(json.dumps(config))


def _weights(folder: Path) -> Path:
    return folder / "weights.safetensors"


def _set_values(folder: Path, value: float) -> None:
    """The first float of the first tensor set to ``value``, in the file's bytes (no torch needed)."""
    path = _weights(folder)
    data = bytearray(path.read_bytes())
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    name = next(k for k, v in header.items() if k != "__metadata__" and v["dtype"] == "F32")
    begin = 8 + length + header[name]["data_offsets"][0]
    data[begin:begin + 4] = struct.pack("<f", value)
    path.write_bytes(bytes(data))


def _zip_pickle(folder: Path) -> None:
    """What torch.save writes: a zip archive holding a pickle (written here without torch)."""
    import zipfile
    with zipfile.ZipFile(_weights(folder), "w") as z:
        z.writestr("archive/data.pkl", pickle.dumps({"weight": [0.0] * 16}, protocol=2))


# name -> (the shipped model it starts from, the damage)
CASES = {
    "huge-hidden": ("lstm", lambda f: _config(f, hidden=10**7)),
    "huge-layers": ("lstm", lambda f: _config(f, layers=10**4)),
    "thousand-layers": ("lstm", lambda f: _config(f, layers=1000)),
    "huge-positions": ("lstm", lambda f: _config(f, positions=10**8)),
    "huge-vocabulary": ("lstm", lambda f: _config(f, vocab=10**8)),
    "huge-codec": ("lstm", lambda f: _config(f, "codec", size=10**9)),
    "huge-network": ("lstm", lambda f: _config(f, hidden=60_000, layers=64)),
    "huge-vae": ("vae", lambda f: _config(f, latent=10**7)),
    "huge-gan": ("gan", lambda f: _config(f, width=10**7)),
    "huge-markov": ("markov-melody", lambda f: _config(f, order=10**6)),
    "wrong-shapes": ("lstm", lambda f: _config(f, hidden=128)),
    "nan-weights": ("lstm", lambda f: _set_values(f, float("nan"))),
    "infinite-weights": ("vae", lambda f: _set_values(f, float("inf"))),
    "torch-save-pickle": ("lstm", _zip_pickle),
    "bare-pickle": ("lstm", lambda f: _weights(f).write_bytes(pickle.dumps({"weight": [0.0]}, protocol=4))),
    "truncated": ("lstm", lambda f: _weights(f).write_bytes(_weights(f).read_bytes()[:100_000])),
    "huge-header": ("lstm", lambda f: _weights(f).write_bytes(struct.pack("<Q", 10**15) + b"{}")),
    "missing-config": ("lstm", lambda f: (f / "config.json").unlink()),
    "non-utf8-card": ("lstm", lambda f: (f / "card.md").write_bytes(b"# Model\n\n\xff\xfe caf\xe9 \x80\n")),
    "nested-config": ("lstm", lambda f: (f / "config.json").write_text("[" * 100_000 + "]" * 100_000)),
}


def make_case(root: Path, name: str) -> Path:
    base, damage = CASES[name]
    folder = root / name
    shutil.copytree(MODELS / base, folder, ignore=shutil.ignore_patterns("critic", "*.png", "history.csv"))
    config = folder / "config.json"
    if config.exists():
        config.write_text(json.dumps({**json.loads(config.read_text()), "name": name}))
    damage(folder)
    return folder


def make_corpus(root: Path) -> dict[str, Path]:
    root.mkdir(parents=True, exist_ok=True)
    return {name: make_case(root, name) for name in CASES}


if __name__ == "__main__":
    for name, folder in make_corpus(Path(sys.argv[1])).items():
        print(name, folder)
