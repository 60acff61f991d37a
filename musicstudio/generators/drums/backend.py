"""The drum backend's implementation module (what its :class:`~musicstudio.generators.family.Backend`
declaration names): its training config, training (:mod:`.training`) and loading a model folder."""

from __future__ import annotations

from pathlib import Path

from musicstudio.generators.checkpoint import CheckpointError, build_checked
from musicstudio.generators.codecs.drums import DrumCodec
from musicstudio.generators.drums import BACKEND
from musicstudio.generators.drums.configs import CONFIGS
from musicstudio.generators.drums.generator import DrumGenerator
from musicstudio.generators.drums.library import load_library
from musicstudio.generators.drums.training import train
from musicstudio.generators.lstm.model import EventLSTM, LSTMConfig

__all__ = ["BACKEND", "CONFIGS", "DrumGenerator", "load", "train"]


def load(folder: Path, config: dict, device: str = "cpu") -> DrumGenerator:
    folder = Path(folder)
    try:
        codec = DrumCodec.from_vocabulary(config["codec"])
        model_config = LSTMConfig(**config["model"])
        if model_config.vocab != codec.vocab_size:
            raise ValueError(f"the model's vocabulary ({model_config.vocab}) is not the codec's "
                             f"({codec.vocab_size})")
        if not model_config.meters:
            raise ValueError("a drum model is meter-aware (its config lists meters)")
    except (KeyError, TypeError, ValueError) as e:
        raise CheckpointError(folder / "config.json", f"it does not describe a drum model ({e})") from None
    try:
        library = load_library(folder, codec.vocab_size)
    except (KeyError, TypeError, ValueError) as e:
        raise CheckpointError(folder / "library.json", f"it is not a groove library for this model ({e})") from None
    model = build_checked(lambda: EventLSTM(model_config), folder, "a drum LSTM")
    return DrumGenerator(config.get("name", folder.name), model, codec, device, library)
