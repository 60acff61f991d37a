"""The echo family's training, loading and generator: no network, one number of weights (the bars to
look back), enough to go through every front end."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from musicstudio.generators.checkpoint import load_arrays, save_arrays, write_config
from musicstudio.generators.interface import BAR, GenerationRequest, Take

CODEC = {"codec": "melody", "low": 48, "high": 84}
CONFIGS = {"echo": {"summary": "repeat the seed's last bar", "codec": CODEC, "model": {"look_back": 1}}}


def train(run) -> None:
    save_arrays(run.out, {"look_back": np.array([run.config["model"]["look_back"]], np.int64)})
    write_config(run.out, "echo", run.config["model"], CODEC, name=run.name)
    (run.out / "card.md").write_text("# echo\n\nRepeats the seed's last bar (a toy family for tests).\n")


class Echo:
    backend = "echo"

    def __init__(self, name: str, look_back: int, device: str):
        self.name, self.look_back, self.device = name, look_back, device

    def generate(self, request: GenerationRequest, progress=None, cancel=None) -> list[Take]:
        seed = request.seed
        start = max(0, seed.length - self.look_back * BAR)
        bar = [n for n in seed.notes if n.start >= start]
        notes = tuple(n.moved_by(ticks=b * BAR - start) for b in range(request.bars) for n in bar)
        if progress is not None:
            progress(1.0)
        return [Take(notes, request.bars * BAR, self.backend, self.name, request.record(), v)
                for v in range(request.variations)]


def load(folder: Path, config: dict, device: str = "cpu") -> Echo:
    look_back = int(load_arrays(folder)["look_back"][0])
    return Echo(config.get("name", Path(folder).name), look_back, device)
