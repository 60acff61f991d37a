"""The infill backend's implementation module (what its :class:`~musicstudio.generators.family.Backend`
declaration names): loading a model folder, and the configs (:mod:`.configs`) and training (:mod:`.training`)
it exposes. The rearranged sequences are in :mod:`.sequences`, filling in :mod:`.generator`."""

from __future__ import annotations

from pathlib import Path

from musicstudio.generators.checkpoint import CheckpointError, build_checked
from musicstudio.generators.controls.bins import ControlBins
from musicstudio.generators.controls.tokens import COUNT
from musicstudio.generators.copy_cache import CopyCache
from musicstudio.generators.infill.configs import CONFIGS
from musicstudio.generators.infill.controlled import ControlledInfillGenerator
from musicstudio.generators.infill.draws import draws_from_config
from musicstudio.generators.infill.generator import InfillGenerator
from musicstudio.generators.infill.harmony import HarmonyPrior
from musicstudio.generators.infill.model import InfillConfig
from musicstudio.generators.infill.sequences import vocab_size
from musicstudio.generators.infill.training import train as train_infill
from musicstudio.generators.lstm.model import EventLSTM
from musicstudio.generators.phrases import TokenPhrases

__all__ = ["CONFIGS", "InfillGenerator", "load", "train"]


def train(run) -> None:
    """Train the run's config: the controls model's own loop for a config with ``controls``."""
    if run.config.get("controls"):
        from musicstudio.generators.infill.control_training import train as train_controls
        return train_controls(run)
    return train_infill(run)


def _network(folder: Path, config: dict) -> tuple[InfillConfig, TokenPhrases]:
    """The network's config and the codec's phrases a model config describes (CheckpointError when not)."""
    try:
        network = InfillConfig(**config["model"])
        phrases = TokenPhrases.from_vocabulary(config["codec"], home=network.register)
    except (KeyError, TypeError, ValueError) as e:
        raise CheckpointError(folder / "config.json", f"it does not describe an infill LSTM ({e})") from None
    codec = phrases.codec
    vocab = vocab_size(codec) + (COUNT if "controls" in config else 0)    # the control tokens (controlled.py)
    if phrases.is_melody or network.vocab != vocab or network.steps_per_quarter != codec.steps_per_quarter:
        raise CheckpointError(folder / "config.json", f"it does not describe an infill LSTM (its vocabulary, "
                                                      f"{network.vocab}, must be the events codec's ({codec.size}) and "
                                                      f"the FILL markers, on the codec's grid)")
    return network, phrases


def load(folder: Path, config: dict, device: str = "cpu") -> InfillGenerator:
    folder = Path(folder)
    network, phrases = _network(folder, config)
    try:
        cache = CopyCache.from_config(config.get("decoding"))
        draws = draws_from_config(config.get("decoding"))
        harmony = HarmonyPrior.from_config(config.get("decoding"))
        bins = ControlBins.from_config(config.get("controls"))
    except (TypeError, ValueError) as e:
        raise CheckpointError(folder / "config.json", f"its decoding section is damaged ({e})") from None
    model = build_checked(lambda: EventLSTM(network), folder, "an infill LSTM")
    if bins is not None:
        return ControlledInfillGenerator(config.get("name", folder.name), model, phrases, device, cache, draws,
                                         harmony, bins=bins, guided=config["controls"].get("guided") is True)
    return InfillGenerator(config.get("name", folder.name), model, phrases, device, cache, draws, harmony)
