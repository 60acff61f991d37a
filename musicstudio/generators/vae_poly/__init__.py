"""A polyphonic MusicVAE-style VAE (chords, piano and multi-voice textures; Roberts, Engel, Raffel, Hawthorne &
Eck, "A Hierarchical Latent Vector Model for Learning Long-Term Structure in Music", 2018): 2-bar piano-roll
phrases of the song's meter, with the melody VAE's studio (sliders, interpolation, the pad), and a VAE-GAN twin
(Larsen, Sønderby, Larochelle & Winther, "Autoencoding beyond pixels using a learned similarity metric", 2016)."""

from musicstudio.generators.capabilities import LatentModel
from musicstudio.generators.family import Backend

BACKEND = Backend(
    name="vae-poly", summary="polyphonic VAE (chords and piano) with latent sliders and interpolation",
    implementation="musicstudio.generators.vae_poly.backend", capabilities=frozenset({LatentModel}),
    meters=((4, 4), (2, 4), (3, 4), (2, 2), (6, 8), (9, 8), (12, 8), (3, 8), (6, 4), (3, 2)))
