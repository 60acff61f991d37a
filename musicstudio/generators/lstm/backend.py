"""The LSTM backend's implementation module (what its :class:`~musicstudio.generators.family.Backend`
declaration names): loading a model folder, and the configs (:mod:`.configs`) and training
(:mod:`.training`) it exposes. The network is in :mod:`.model`, generating and scoring in :mod:`.generator`."""

from __future__ import annotations

from pathlib import Path

from musicstudio.generators.checkpoint import CheckpointError, build_checked
from musicstudio.generators.copy_cache import CopyCache
from musicstudio.generators.lstm.configs import BACKEND, CONFIGS
from musicstudio.generators.lstm.generator import LSTMGenerator
from musicstudio.generators.lstm.model import EventLSTM, LSTMConfig, step_positions
from musicstudio.generators.lstm.training import collate, train, windows
from musicstudio.generators.phrases import TokenPhrases

# step_positions, collate and windows: fine-tuning (fine_tune/lstm.py) imports them from here
__all__ = ["BACKEND", "CONFIGS", "LSTMGenerator", "collate", "decoding_cache", "load", "step_positions", "train",
           "windows"]


def load(folder: Path, config: dict, device: str = "cpu") -> LSTMGenerator:
    folder = Path(folder)
    try:
        model_config = LSTMConfig(**config["model"])
        phrases = TokenPhrases.from_vocabulary(config["codec"], home=model_config.register)
        if model_config.vocab != phrases.vocab_size:
            raise ValueError(f"the model's vocabulary ({model_config.vocab}) is not the codec's "
                             f"({phrases.vocab_size})")
        if model_config.steps_per_quarter != getattr(phrases.codec, "steps_per_quarter", 4):
            raise ValueError(f"the model counts {model_config.steps_per_quarter} steps a quarter, its codec "
                             f"{getattr(phrases.codec, 'steps_per_quarter', 4)}")
    except (KeyError, TypeError, ValueError) as e:
        raise CheckpointError(folder / "config.json", f"it does not describe an LSTM ({e})") from None
    model = build_checked(lambda: EventLSTM(model_config), folder, "an LSTM")
    return LSTMGenerator(config.get("name", folder.name), model, phrases, device, decoding_cache(folder, config))


def decoding_cache(folder: Path, config: dict) -> CopyCache | None:
    """The copy cache over the seed that ``config.json``'s ``decoding`` section asks for (None: the network
    alone); an LSTM's decoding, or an ensemble of LSTMs', has nothing else."""
    decoding = config.get("decoding")
    try:
        if decoding is not None and (not isinstance(decoding, dict) or set(decoding) - {"copy"}):
            raise ValueError(f"an LSTM's decoding has only a 'copy' entry, not {decoding!r}")
        return CopyCache.from_config(decoding)
    except ValueError as e:
        raise CheckpointError(folder / "config.json", f"its decoding section is damaged ({e})") from None
