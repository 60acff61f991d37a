"""The Markov backend's implementation module (what its :class:`~musicstudio.generators.family.Backend`
declaration names): loading a model folder, and the configs (:mod:`.configs`) and training by counting
(:mod:`.training`) it exposes. The n-gram counts are in :mod:`.ngram`, generating and scoring in
:mod:`.generator`."""

from __future__ import annotations

from pathlib import Path

from musicstudio.generators.checkpoint import CheckpointError, load_arrays
from musicstudio.generators.markov.bar_slots import BarSlots
from musicstudio.generators.markov.configs import BACKEND, CONFIGS
from musicstudio.generators.markov.generator import MarkovGenerator
from musicstudio.generators.markov.metered import MeteredNGram
from musicstudio.generators.markov.ngram import NGramModel
from musicstudio.generators.markov.training import train
from musicstudio.generators.phrases import TokenPhrases

__all__ = ["BACKEND", "CONFIGS", "MarkovGenerator", "load", "model_of", "train"]


def load(folder: Path, config: dict, device: str = "cpu") -> MarkovGenerator:
    folder = Path(folder)
    try:
        phrases = TokenPhrases.from_vocabulary(config["codec"])
        model, bar_slots = model_of(load_arrays(folder), phrases.vocab_size, config["model"])
    except CheckpointError:
        raise
    except (KeyError, TypeError, ValueError) as e:
        raise CheckpointError(folder / "weights.safetensors", f"it does not fit its config.json ({e})") from None
    return MarkovGenerator(config.get("name", folder.name), model, phrases, bar_slots)


def model_of(arrays: dict, vocab: int, m: dict) -> tuple[NGramModel | MeteredNGram, BarSlots | None]:
    """The n-gram model a config's ``model`` entry describes, and its bar slots: ``meters`` makes it
    meter-aware, and a ``plain`` entry (``order``, ``weight``: the meter-aware model's share) mixes it with a
    plain n-gram (:class:`~musicstudio.generators.markov.metered.MeteredNGram`)."""
    bar_slots = BarSlots(m["meters"]) if m.get("meters") else None
    plain = m.get("plain")
    bar_arrays, plain_arrays = MeteredNGram.parts(arrays) if plain else (arrays, None)
    model = NGramModel.from_arrays(bar_arrays, vocab, int(m["order"]), float(m["discount"]),
                                   int(m.get("min_count", 1)), bar_slots.count if bar_slots else 0)
    if plain:
        model = MeteredNGram(model, NGramModel.from_arrays(plain_arrays, vocab, int(plain["order"]), model.discount,
                                                           model.min_count), float(plain["weight"]))
    return model, bar_slots
