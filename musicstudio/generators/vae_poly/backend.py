"""The polyphonic VAE backend: training configs and loading (training: :mod:`.training`, the model:
:mod:`.model`, the data: :mod:`.data`).

``vae-poly`` is the plain VAE; ``vae-poly-gan`` the same network, data and time budget with the
discriminator of :mod:`.adversary` beside the ELBO from a quarter of the budget on. Both train on the
licence-clean multi-voice collections of :data:`~.data.COLLECTIONS` only.
"""

from __future__ import annotations

from pathlib import Path

from musicstudio.generators.checkpoint import CheckpointError, build_checked
from musicstudio.generators.vae_poly.configs import CONFIGS  # noqa: F401 - the backend's named configs


def train(run) -> None:
    """``musicstudio train vae-poly``: the run's config into :func:`~.training.train_model` (its own piece
    cache, ``run.config["cache"]`` or ``cache/poly-pieces.npz``, not the melody corpus)."""
    from musicstudio.generators.vae_poly.data import DEFAULT_CACHE
    from musicstudio.generators.vae_poly.training import train_model

    train_model(run.config, run.out, run.config.get("cache", DEFAULT_CACHE), run.log, run.name)


def load(folder: Path, config: dict, device: str = "cpu"):
    from musicstudio.generators.vae_poly.conductor_model import load_for
    from musicstudio.generators.vae_poly.generator import PolyGenerator
    from musicstudio.generators.vae_poly.iterative import Fast, load_net
    from musicstudio.generators.vae_poly.model import PolyConfig, PolyVAE
    from musicstudio.generators.vae_poly.refine import Refine
    from musicstudio.generators.vae_poly.roll import RollCodec

    folder = Path(folder)
    try:
        codec = RollCodec.from_spec(config["codec"])
        model_config = PolyConfig(pitches=codec.pitches, **config["model"])
        sliders = list(config.get("sliders", []))
        refine = Refine.from_config(config)
        fast = Fast.from_config(config)
        if len(sliders) != model_config.directions:
            raise ValueError(f"{len(sliders)} slider names for {model_config.directions} directions")
    except (KeyError, TypeError, ValueError) as e:
        raise CheckpointError(folder / "config.json", f"it does not describe a polyphonic VAE ({e})") from None
    if fast is not None and model_config.decoder_kind != "autoregressive":
        raise CheckpointError(folder / "config.json", "encoding.fast needs the autoregressive decoder")
    model = build_checked(lambda: PolyVAE(model_config), folder, "a polyphonic VAE")
    update_net = None if fast is None else load_net(folder / fast.weights, model_config.latent, fast)
    generator = PolyGenerator(config.get("name", folder.name), model, codec, sliders, device, refine, fast, update_net)
    generator.conductor = load_for(generator, folder, config)       # None where the config has no conductor
    return generator
