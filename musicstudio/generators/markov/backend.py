"""The Markov backend's implementation module (what its :class:`~musicstudio.generators.family.Backend`
declaration names): loading a model folder, and the configs (:mod:`.configs`) and training by counting
(:mod:`.training`) it exposes. The n-gram counts are in :mod:`.ngram`, generating and scoring in
:mod:`.generator`."""

from __future__ import annotations

from pathlib import Path

from musicstudio.generators.checkpoint import CheckpointError, load_arrays
from musicstudio.generators.markov.configs import BACKEND, CONFIGS
from musicstudio.generators.markov.generator import MarkovGenerator
from musicstudio.generators.markov.ngram import NGramModel
from musicstudio.generators.markov.training import train
from musicstudio.generators.phrases import TokenPhrases

__all__ = ["BACKEND", "CONFIGS", "MarkovGenerator", "load", "train"]


def load(folder: Path, config: dict, device: str = "cpu") -> MarkovGenerator:
    folder = Path(folder)
    try:
        phrases = TokenPhrases.from_vocabulary(config["codec"])
        m = config["model"]
        model = NGramModel.from_arrays(load_arrays(folder), phrases.vocab_size, int(m["order"]),
                                       float(m["discount"]), int(m.get("min_count", 1)))
    except CheckpointError:
        raise
    except (KeyError, TypeError, ValueError) as e:
        raise CheckpointError(folder / "weights.safetensors", f"it does not fit its config.json ({e})") from None
    return MarkovGenerator(config.get("name", folder.name), model, phrases)
