"""The melody VAE: a bidirectional LSTM encoder to (mu, log-variance) and an LSTM decoder conditioned on z.

MusicVAE's flat 2-bar model, smaller: the encoder reads the 32 tokens both ways and its two final
states give the posterior's mean and log-variance; the decoder starts from a state made from z and at
each step reads the previous token (a start token first) joined with z. Safe to import (no side
effects); sampling with masks lives in :mod:`musicstudio.generators.vae.decoding`.

The ``directions`` buffer holds the latent sliders (attribute vectors and principal components, one
row each) and ``centre`` the mean z of the training phrases, computed after training and saved with the
weights; the slider names are in the config.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class VAEConfig:
    vocab: int
    steps: int = 32
    embed: int = 32
    encoder: int = 256          # per direction
    decoder: int = 256
    decoder_layers: int = 1
    latent: int = 128
    dropout: float = 0.0
    directions: int = 0         # rows of the slider buffer

    def to_dict(self) -> dict:
        return asdict(self)


class MelodyVAE(nn.Module):
    def __init__(self, config: VAEConfig):
        super().__init__()
        self.config = c = config
        self.start_token = c.vocab
        self.embed = nn.Embedding(c.vocab + 1, c.embed)
        self.encoder = nn.LSTM(c.embed, c.encoder, batch_first=True, bidirectional=True)
        self.to_posterior = nn.Linear(2 * c.encoder, 2 * c.latent)
        self.to_state = nn.Linear(c.latent, 2 * c.decoder * c.decoder_layers)
        self.decoder = nn.LSTM(c.embed + c.latent, c.decoder, c.decoder_layers, batch_first=True,
                               dropout=c.dropout if c.decoder_layers > 1 else 0.0)
        self.head = nn.Linear(c.decoder, c.vocab)
        self.register_buffer("directions", torch.zeros(c.directions, c.latent))
        self.register_buffer("centre", torch.zeros(c.latent))

    def encode(self, tokens: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``(batch, steps)`` tokens -> mu, logvar ``(batch, latent)``."""
        _, (h, _) = self.encoder(self.embed(tokens))
        both = torch.cat([h[0], h[1]], dim=-1)
        mu, logvar = self.to_posterior(both).chunk(2, dim=-1)
        return mu, logvar.clamp(-12.0, 6.0)

    def initial_state(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        c = self.config
        s = torch.tanh(self.to_state(z)).view(z.shape[0], 2, c.decoder_layers, c.decoder)
        return s[:, 0].transpose(0, 1).contiguous(), s[:, 1].transpose(0, 1).contiguous()

    def decode_logits(self, z: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
        """Teacher-forced logits ``(batch, steps, vocab)`` for ``tokens`` given z."""
        start = torch.full((tokens.shape[0], 1), self.start_token, dtype=torch.long, device=tokens.device)
        inputs = torch.cat([start, tokens[:, :-1]], dim=1)
        x = torch.cat([self.embed(inputs), z[:, None, :].expand(-1, inputs.shape[1], -1)], dim=-1)
        out, _ = self.decoder(x, self.initial_state(z))
        return self.head(out)

    def step(self, z: torch.Tensor, previous: torch.Tensor, state):
        """One decoding step: logits ``(batch, vocab)`` after ``previous`` tokens ``(batch,)``."""
        x = torch.cat([self.embed(previous), z], dim=-1)[:, None, :]
        out, state = self.decoder(x, state)
        return self.head(out[:, 0]), state

    def forward(self, tokens: torch.Tensor, sample: bool = True):
        """(logits, mu, logvar): z drawn from the posterior when ``sample``, else its mean."""
        mu, logvar = self.encode(tokens)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar) if sample else mu
        return self.decode_logits(z, tokens), mu, logvar


def kl_per_dim(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(q(z|x) || N(0, I)) per latent dimension, ``(batch, latent)``, in nats."""
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar)
