"""The infill backend's implementation module (what its :class:`~musicstudio.generators.family.Backend`
declaration names): loading a model folder, and the configs (:mod:`.configs`) and training (:mod:`.training`)
it exposes. The rearranged sequences are in :mod:`.sequences`, filling in :mod:`.generator`."""

from __future__ import annotations

from pathlib import Path

from musicstudio.generators.checkpoint import CheckpointError, build_checked
from musicstudio.generators.infill.configs import CONFIGS
from musicstudio.generators.infill.generator import InfillGenerator
from musicstudio.generators.infill.model import InfillConfig
from musicstudio.generators.infill.sequences import vocab_size
from musicstudio.generators.infill.training import train
from musicstudio.generators.lstm.model import EventLSTM
from musicstudio.generators.phrases import TokenPhrases

__all__ = ["CONFIGS", "InfillGenerator", "load", "train"]


def load(folder: Path, config: dict, device: str = "cpu") -> InfillGenerator:
    folder = Path(folder)
    try:
        model_config = InfillConfig(**config["model"])
        phrases = TokenPhrases.from_vocabulary(config["codec"], home=model_config.register)
        if phrases.is_melody or model_config.vocab != vocab_size(phrases.codec):
            raise ValueError(f"the model's vocabulary ({model_config.vocab}) is not the events codec's "
                             f"({phrases.vocab_size}) and the FILL markers")
        if model_config.steps_per_quarter != phrases.codec.steps_per_quarter:
            raise ValueError(f"the model counts {model_config.steps_per_quarter} steps a quarter, its codec "
                             f"{phrases.codec.steps_per_quarter}")
    except (KeyError, TypeError, ValueError) as e:
        raise CheckpointError(folder / "config.json", f"it does not describe an infill LSTM ({e})") from None
    model = build_checked(lambda: EventLSTM(model_config), folder, "an infill LSTM")
    return InfillGenerator(config.get("name", folder.name), model, phrases, device)
