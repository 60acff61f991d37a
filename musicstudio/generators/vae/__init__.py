"""A MusicVAE-style melody VAE: encode, decode, sample, vary, interpolate, latent sliders, and fill bars
between two phrases from points between their codes (:mod:`.fill`)."""

from musicstudio.generators.capabilities import Infiller, LatentModel
from musicstudio.generators.family import Backend

BACKEND = Backend(
    name="vae", summary="melody VAE with latent sliders and interpolation",
    implementation="musicstudio.generators.vae.backend", capabilities=frozenset({LatentModel, Infiller}),
    fine_tuner="musicstudio.generators.fine_tune.vae:fine_tune_vae",
    # the meters the default (meter-aware) vae writes: model.METERS and the meters that borrow their slots
    # (model.KIN); a model without meters (vae-nc) writes 4/4 and 2/2 only and says so when asked for others
    meters=((4, 4), (2, 4), (3, 4), (2, 2), (6, 8), (9, 8), (12, 8), (3, 8), (6, 4), (3, 2)),
    meters_before=((4, 4), (2, 2)), meter_key="meters")
