"""A MusicVAE-style melody VAE: encode, decode, sample, vary, interpolate, latent sliders."""

from musicstudio.generators.capabilities import LatentModel
from musicstudio.generators.family import Backend

BACKEND = Backend(
    name="vae", summary="melody VAE with latent sliders and interpolation",
    implementation="musicstudio.generators.vae.backend", capabilities=frozenset({LatentModel}),
    fine_tuner="musicstudio.generators.fine_tune.vae:fine_tune_vae",
    meters=((4, 4), (2, 2)))   # phrases of 2 bars of 16 steps: 4/4 (and 2/2, the same bar)
