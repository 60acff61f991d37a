"""A controls model folder with an untrained tiny network (the shipped infill model's codec and meter slots,
the control tokens after its FILL markers), for the generator, CLI and panel tests."""

import json
from pathlib import Path

import torch

from musicstudio.generators.checkpoint import save_tensors
from musicstudio.generators.controls.tokens import COUNT
from musicstudio.generators.infill.model import InfillConfig
from musicstudio.generators.lstm.model import EventLSTM

INFILL = Path(__file__).resolve().parents[3] / "models" / "infill"
BINS = {"density": [1.4167, 2.1111], "register": [65.0, 70.9], "polyphony": [1.5, 2.5]}


def controls_tiny(folder: Path, name: str = "controls-tiny", draws: int = 1, guided: bool = False) -> Path:
    config = json.loads((INFILL / "config.json").read_text())
    model = {**config["model"], "embed": 16, "hidden": 32, "vocab": config["model"]["vocab"] + COUNT}
    torch.manual_seed(0)
    network = EventLSTM(InfillConfig(**model))
    folder.mkdir(parents=True, exist_ok=True)
    save_tensors(folder, network.state_dict())
    config = {**config, "model": model, "name": name, "controls": {**BINS, "guided": guided},
              "decoding": {"draws": draws}}
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "card.md").write_text(f"# {name}\n\nan untrained controls model for tests\n")
    return folder
