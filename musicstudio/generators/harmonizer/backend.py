"""The harmonizer backend's implementation module (what its :class:`~musicstudio.generators.family.Backend`
declaration names): loading a model folder, and the configs (:mod:`.configs`) and training
(:mod:`.training`) it exposes."""

from __future__ import annotations

from pathlib import Path

from musicstudio.generators.checkpoint import CheckpointError, build_checked
from musicstudio.generators.harmonizer.configs import CONFIGS
from musicstudio.generators.harmonizer.generator import Harmonizer
from musicstudio.generators.harmonizer.gibbs import Schedule
from musicstudio.generators.harmonizer.model import HarmonizerConfig, HarmonizerNet
from musicstudio.generators.harmonizer.training import train
from musicstudio.generators.harmonizer.voices import CODEC

__all__ = ["CONFIGS", "Harmonizer", "load", "train"]


def _described(folder: Path, config: dict) -> tuple[HarmonizerConfig, list[tuple[int, int]]]:
    """The network's config and the voices' ranges a model config describes (CheckpointError when not)."""
    path = folder / "config.json"
    try:
        network = HarmonizerConfig(**config["model"])
        ranges = [(int(lo), int(hi)) for lo, hi in config["ranges"]]
        codec = config["codec"]
        Schedule.from_config(config.get("decoding"))
    except (KeyError, TypeError, ValueError) as e:
        raise CheckpointError(path, f"it does not describe a harmonizer ({e})") from None
    if codec != CODEC.vocabulary() or len(ranges) != 4 or any(not CODEC.low <= lo <= hi <= CODEC.high
                                                                 for lo, hi in ranges):
        raise CheckpointError(path, f"it does not describe a harmonizer (its codec must be the melody codec over "
                                    f"{CODEC.low}..{CODEC.high} and its ranges four inside it)")
    return network, ranges


def load(folder: Path, config: dict, device: str = "cpu") -> Harmonizer:
    folder = Path(folder)
    network, ranges = _described(folder, config)
    net = build_checked(lambda: HarmonizerNet(network), folder, "a harmonizer")
    return Harmonizer(config.get("name", folder.name), net, ranges, config.get("decoding"), device)
