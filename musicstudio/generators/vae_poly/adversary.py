"""The VAE-GAN's discriminator and its losses (Larsen, Sønderby, Larochelle & Winther, "Autoencoding beyond
pixels using a learned similarity metric", 2016).

The discriminator reads a phrase's onset and sounding multi-hots (real ones, or the decoder's probabilities)
with the steps' position slots, through 1-D convolutions over time; its last hidden layer is the learned
similarity: the VAE's reconstruction is pulled toward its input's features there (feature matching, per
phrase), beside the ELBO. It is trained with the hinge loss on real phrases against reconstructions and
prior samples (decoded free-running with soft feedback, :meth:`~.model.PolyVAE.soft_decode`), and the VAE's
decoder is pushed to make both look real.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn


class Discriminator(nn.Module):
    def __init__(self, pitches: int, positions: int, width: int = 128, slot: int = 8):
        super().__init__()
        self.position = nn.Embedding(positions, slot)
        self.body = nn.Sequential(
            nn.Conv1d(2 * pitches + slot, width, 3, padding=1), nn.LeakyReLU(0.2),
            nn.Conv1d(width, width, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
            nn.Conv1d(width, width, 4, stride=2, padding=1), nn.LeakyReLU(0.2))
        self.score = nn.Linear(2 * width, 1)

    def forward(self, features: torch.Tensor, slots) -> tuple[torch.Tensor, torch.Tensor]:
        """(score ``(batch,)``, hidden features ``(batch, width, steps / 4)``) of ``(batch, steps, 2P)``."""
        p = self.position(torch.as_tensor(np.asarray(slots, np.int64)))[None].expand(len(features), -1, -1)
        h = self.body(torch.cat([features, p], dim=-1).transpose(1, 2))
        pooled = torch.cat([h.mean(dim=2), h.amax(dim=2)], dim=1)
        return self.score(pooled)[:, 0], h


def discriminator_loss(d: Discriminator, real, fakes, slots) -> torch.Tensor:
    loss = torch.relu(1.0 - d(real, slots)[0]).mean()
    for fake in fakes:
        loss = loss + torch.relu(1.0 + d(fake.detach(), slots)[0]).mean() / len(fakes)
    return loss


def generator_terms(d: Discriminator, real, recon, prior, slots) -> tuple[torch.Tensor, torch.Tensor]:
    """(feature matching per phrase, summed over the hidden layer; adversarial hinge term) for the VAE."""
    with torch.no_grad():
        _, target = d(real, slots)
    score_r, h_r = d(recon, slots)
    score_p, _ = d(prior, slots)
    matching = (h_r - target).pow(2).sum(dim=(1, 2)).mean()
    return matching, -(score_r.mean() + score_p.mean()) / 2
