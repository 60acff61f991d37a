"""A tiny polyphonic VAE (12 pitches, latent 4) and two bars of chords, for the refinement tests."""

import torch

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.codecs.grid import STEP_TICKS
from musicstudio.generators.vae_poly.model import PolyConfig, PolyVAE

Q = 4 * STEP_TICKS
CHORDS = Clip(tuple(Note(p, bar * 4 * Q + beat * Q, Q, 80) for bar, chord in
                    enumerate([(55, 59, 62, 67), (48, 55, 64, 72)]) for beat in range(4) for p in chord), 8 * Q)


def tiny_model(seed=0):
    torch.manual_seed(seed)
    return PolyVAE(PolyConfig(pitches=12, embed=8, encoder=8, decoder=16, latent=4, position_embed=4)).eval()
