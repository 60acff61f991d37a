"""The polyphonic VAE backend: training configs and loading (training: :mod:`.training`, the model:
:mod:`.model`, the data: :mod:`.data`).

``vae-poly`` is the plain VAE; ``vae-poly-gan`` the same network, data and time budget with the
discriminator of :mod:`.adversary` beside the ELBO from a quarter of the budget on. Both train on the
licence-clean multi-voice collections of :data:`~.data.COLLECTIONS` only.
"""

from __future__ import annotations

from pathlib import Path

from musicstudio.generators.checkpoint import CheckpointError, build_checked

BACKEND = "vae-poly"
_CODEC = {"codec": "roll", "low": 24, "high": 108}
_DATA = {"transpose": [-3, -2, -1, 0, 1, 2, 3], "valid_phrases": 1024, "slider_phrases": 6000}
_TRAIN = {"epochs": 400, "per_epoch": 100, "lr": 1e-3, "clip_norm": 1.0, "max_minutes": 30}
_PLAIN = {"codec": _CODEC, "data": _DATA, "threads": 1, "batch_size": 32,
          "model": {"embed": 128, "encoder": 128, "decoder": 256, "latent": 128, "position_embed": 16},
          "objective": {"beta": 0.2, "free_bits": 128.0, "anneal_steps": 1500}, "train": _TRAIN}
CONFIGS = {
    "vae-poly": {"summary": "MusicVAE-style polyphonic VAE: 2-bar piano rolls (off / onset / hold per pitch) of "
                            "the piece's meter, bidirectional GRU encoder, GRU decoder on z, free bits; latent "
                            "sliders; licence-clean string quartets, piano and trecento pieces", **_PLAIN},
    "vae-poly-gan": {"summary": "the polyphonic VAE trained as a VAE-GAN (Larsen et al. 2016): a convolutional "
                                "discriminator's features matched between phrases and their reconstructions, and "
                                "a hinge loss on reconstructions and prior samples, beside the ELBO", **_PLAIN,
                     "adversary": {"start": 0.25, "lr": 2e-4, "matching": 0.1, "adversarial": 5.0}},
    "vae-poly-tiny": {"summary": "a tiny polyphonic VAE for tests (about 30 s on one thread)", "codec": _CODEC,
                      "threads": 1, "batch_size": 16, "data": {"transpose": [0], "valid_phrases": 32,
                                                               "slider_phrases": 200},
                      "model": {"embed": 32, "encoder": 32, "decoder": 64, "latent": 16, "position_embed": 4},
                      "objective": {"beta": 0.2, "free_bits": 24.0, "anneal_steps": 20},
                      "train": {"epochs": 8, "per_epoch": 40, "lr": 1e-2, "max_minutes": 3}},
}


def train(run) -> None:
    """``musicstudio train vae-poly``: the run's config into :func:`~.training.train_model` (its own piece
    cache, ``run.config["cache"]`` or ``cache/poly-pieces.npz``, not the melody corpus)."""
    from musicstudio.generators.vae_poly.data import DEFAULT_CACHE
    from musicstudio.generators.vae_poly.training import train_model

    train_model(run.config, run.out, run.config.get("cache", DEFAULT_CACHE), run.log, run.name)


def load(folder: Path, config: dict, device: str = "cpu"):
    from musicstudio.generators.vae_poly.generator import PolyGenerator
    from musicstudio.generators.vae_poly.model import PolyConfig, PolyVAE
    from musicstudio.generators.vae_poly.roll import RollCodec

    folder = Path(folder)
    try:
        codec = RollCodec(int(config["codec"]["low"]), int(config["codec"]["high"]))
        if config["codec"].get("codec") != "roll":
            raise ValueError("the polyphonic VAE works on the roll codec")
        model_config = PolyConfig(pitches=codec.pitches, **config["model"])
        sliders = list(config.get("sliders", []))
        if len(sliders) != model_config.directions:
            raise ValueError(f"{len(sliders)} slider names for {model_config.directions} directions")
    except (KeyError, TypeError, ValueError) as e:
        raise CheckpointError(folder / "config.json", f"it does not describe a polyphonic VAE ({e})") from None
    model = build_checked(lambda: PolyVAE(model_config), folder, "a polyphonic VAE")
    return PolyGenerator(config.get("name", folder.name), model, codec, sliders, device)
