"""``python -m musicstudio.generators.vae_poly.fit_prior FOLDER [--cache cache/poly-pieces.npz]``: give a trained
polyphonic VAE the prior fitted to its training phrases' codes, in place (``model.fitted_prior`` in its config, the
``prior_scale`` buffer in its weights; the sliders are recomputed on the same phrases, as training does).

A VAE whose codes carry many nats (the KL of a phrase far above zero) leaves most of N(0, I) unused: decoded from
there, "prior samples" are busier and more chromatic than the music. Drawing z from a Gaussian fitted to the codes
instead (ex-post density estimation: Ghosh, Sajjadi, Vergari, Black & Schölkopf, "From Variational to
Deterministic Autoencoders", 2020) keeps the prior samples among the phrases the decoder learned to write.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from musicstudio.generators.checkpoint import read_config, save_tensors
from musicstudio.generators.vae_poly.backend import load
from musicstudio.generators.vae_poly.data import DEFAULT_CACHE, read_cache
from musicstudio.generators.vae_poly.sliders import with_sliders
from musicstudio.generators.vae_poly.training import slider_sample


def fit_prior(folder: str | Path, cache: str | Path = DEFAULT_CACHE) -> None:
    folder = Path(folder)
    config = read_config(folder)
    vae = load(folder, config)
    sample = slider_sample(read_cache(cache), vae.codec, vae.model.config, config["data"].get("slider_phrases", 6000))
    final, names = with_sliders(vae.model, sample, vae.codec.low, fitted_prior=True)
    if list(names) != list(config.get("sliders", [])):
        raise ValueError(f"the sliders came back as {names}, not the config's {config.get('sliders')}")
    save_tensors(folder, final.state_dict())
    config["model"]["fitted_prior"] = True
    (folder / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", "utf-8")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m musicstudio.generators.vae_poly.fit_prior")
    p.add_argument("folder")
    p.add_argument("--cache", default=DEFAULT_CACHE)
    args = p.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    fit_prior(args.folder, args.cache)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
