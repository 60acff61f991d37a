"""The polyphonic VAE: a bidirectional GRU encoder over piano-roll steps to (mu, log-variance), and a GRU
decoder on z that writes, step by step, a state (off, onset, hold) for every pitch.

MusicVAE's flat 2-bar model (Roberts, Engel, Raffel, Hawthorne & Eck, "A Hierarchical Latent Vector Model
for Learning Long-Term Structure in Music", 2018) over a multi-hot roll instead of melody tokens: each step's
input is its onset and sounding multi-hots (:func:`~.roll.roll_features`) joined with the step's position
slot in the meter's bar (one run of slots per meter, as the melody VAE's :class:`~..vae.model.VAEConfig`),
so the model knows the meter. The decoder reads the previous step's multi-hots (zeros first), z and the
slot of the step it writes; the pitches of one step are independent given the decoder's state. Decoding
feeds back either the argmax states (greedy, or sampled ones) or, for the VAE-GAN's differentiable prior
samples, the states' probabilities (:meth:`PolyVAE.soft_decode`). Safe to import: no side effects.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn

from musicstudio.generators.vae.model import METERS, VAEConfig
from musicstudio.generators.vae_poly.roll import HOLD, OFF, ONSET, STATES


@dataclass(frozen=True)
class PolyConfig:
    pitches: int = 84
    embed: int = 192
    encoder: int = 192          # per direction
    decoder: int = 384
    latent: int = 192
    position_embed: int = 16
    meters: tuple[tuple[int, int], ...] = METERS
    directions: int = 0         # rows of the slider buffer
    decoder_kind: str = "autoregressive"   # or "parallel": every step from z and its slot, no feedback
    feedback_dropout: float = 0.0          # training: share of steps whose fed-back previous step is blanked
    fitted_prior: bool = False             # sample z from the Gaussian fitted to the training codes (prior_scale)

    def __post_init__(self) -> None:
        object.__setattr__(self, "meters", tuple((int(n), int(d)) for n, d in self.meters))
        if not self.meters:
            raise ValueError("a polyphonic VAE needs at least one meter")
        if self.decoder_kind not in ("autoregressive", "parallel"):
            raise ValueError(f"no {self.decoder_kind!r} decoder (autoregressive or parallel)")

    def to_dict(self) -> dict:
        return asdict(self)

    # the melody VAE's meter logic, the same for rolls: slots per meter, kin meters, 2-bar phrases
    positions = VAEConfig.positions
    writes = VAEConfig.writes
    phrase_meter = VAEConfig.phrase_meter
    phrase_steps = VAEConfig.phrase_steps
    slots = VAEConfig.slots


class PolyVAE(nn.Module):
    def __init__(self, config: PolyConfig):
        super().__init__()
        self.config = c = config
        width = 2 * c.pitches
        self.position = nn.Embedding(c.positions, c.position_embed)
        self.embed = nn.Linear(width, c.embed)
        self.encoder = nn.GRU(c.embed + c.position_embed, c.encoder, batch_first=True, bidirectional=True)
        self.to_posterior = nn.Linear(2 * c.encoder, 2 * c.latent)
        self.to_state = nn.Linear(c.latent, c.decoder)
        self.parallel = c.decoder_kind == "parallel"
        if self.parallel:       # a bidirectional GRU over the steps' slots, each direction half the width
            self.decoder = nn.GRU(c.latent + c.position_embed, c.decoder // 2, batch_first=True, bidirectional=True)
        else:
            self.decoder = nn.GRU(width + c.latent + c.position_embed, c.decoder, batch_first=True)
        self.head = nn.Linear(c.decoder, c.pitches * STATES)
        self.register_buffer("directions", torch.zeros(c.directions, c.latent))
        self.register_buffer("centre", torch.zeros(c.latent))
        if c.fitted_prior:      # the Cholesky factor of the training codes' covariance (their mean: centre)
            self.register_buffer("prior_scale", torch.eye(c.latent))

    def _slots(self, slots, batch: int, device) -> torch.Tensor:
        p = self.position(torch.as_tensor(np.asarray(slots, np.int64), device=device))
        return p[None].expand(batch, -1, -1)

    def encode(self, features: torch.Tensor, slots) -> tuple[torch.Tensor, torch.Tensor]:
        """``(batch, steps, 2 * pitches)`` multi-hots and the steps' slots -> mu, logvar ``(batch, latent)``."""
        x = torch.cat([torch.relu(self.embed(features)), self._slots(slots, len(features), features.device)], -1)
        _, h = self.encoder(x)
        mu, logvar = self.to_posterior(torch.cat([h[0], h[1]], dim=-1)).chunk(2, dim=-1)
        return mu, logvar.clamp(-12.0, 6.0)

    def _logits(self, out: torch.Tensor) -> torch.Tensor:
        return self.head(out).view(*out.shape[:-1], self.config.pitches, STATES)

    def parallel_logits(self, z: torch.Tensor, slots) -> torch.Tensor:
        """The parallel decoder's logits ``(batch, steps, pitches, 3)``: a function of z and the slots alone."""
        steps = len(slots)
        x = torch.cat([z[:, None].expand(-1, steps, -1), self._slots(slots, len(z), z.device)], -1)
        h = torch.tanh(self.to_state(z)).view(len(z), 2, -1).transpose(0, 1).contiguous()
        out, _ = self.decoder(x, h)
        return self._logits(out)

    def decode_logits(self, z: torch.Tensor, features: torch.Tensor, slots) -> torch.Tensor:
        """Teacher-forced logits ``(batch, steps, pitches, 3)`` of the phrase whose multi-hots are ``features``
        (the parallel decoder reads only their length)."""
        if self.parallel:
            return self.parallel_logits(z, slots)
        previous = torch.cat([torch.zeros_like(features[:, :1]), features[:, :-1]], dim=1)
        if self.training and self.config.feedback_dropout > 0:     # word dropout (Bowman et al. 2016)
            keep = torch.rand(previous.shape[:2], device=previous.device) >= self.config.feedback_dropout
            previous = previous * keep[..., None]
        steps = features.shape[1]
        x = torch.cat([previous, z[:, None].expand(-1, steps, -1), self._slots(slots, len(z), z.device)], -1)
        out, _ = self.decoder(x, torch.tanh(self.to_state(z))[None])
        return self._logits(out)

    def forward(self, features: torch.Tensor, slots, sample: bool = True):
        """Logits, mu, logvar; z is drawn from the posterior while training (``sample``), else its mean."""
        mu, logvar = self.encode(features, slots)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar) if self.training and sample else mu
        return self.decode_logits(z, features, slots), mu, logvar

    def _run(self, z: torch.Tensor, slots, choose) -> list:
        """Decode step by step; ``choose(logits (batch, pitches, 3), step)`` gives the states' next multi-hots."""
        steps = len(slots)
        if self.parallel:
            logits = self.parallel_logits(z, slots)
            return [choose(logits[:, t], t)[1] for t in range(steps)]
        h = torch.tanh(self.to_state(z))[None]
        positions = self._slots(slots, len(z), z.device)
        previous = torch.zeros(len(z), 2 * self.config.pitches, device=z.device)
        out = []
        for t in range(steps):
            x = torch.cat([previous, z, positions[:, t]], dim=-1)[:, None]
            o, h = self.decoder(x, h)
            previous, kept = choose(self._logits(o[:, 0]), t)
            out.append(kept)
        return out

    def soft_decode(self, z: torch.Tensor, slots) -> torch.Tensor:
        """Differentiable free-running decoding: ``(batch, steps, 2 * pitches)`` onset and sounding probabilities,
        each step fed back as the next step's input (the VAE-GAN's prior samples)."""
        def choose(logits, t):
            p = torch.softmax(logits, dim=-1)
            feats = torch.cat([p[..., ONSET], p[..., ONSET] + p[..., HOLD]], dim=-1)
            return feats, feats
        return torch.stack(self._run(z, slots, choose), dim=1)

    @torch.no_grad()
    def decode_states(self, z: torch.Tensor, slots, temperature: float = 0.0, allowed: torch.Tensor | None = None,
                      generator: torch.Generator | None = None) -> torch.Tensor:
        """``(batch, steps, pitches)`` states: greedy at temperature 0, else sampled. A hold is allowed only where
        the pitch sounded at the step before; ``allowed`` ``(pitches,)`` bools masks onsets of other pitches."""
        sounding = torch.zeros(len(z), self.config.pitches, dtype=torch.bool, device=z.device)

        def choose(logits, t):
            nonlocal sounding
            logits = logits.clone()
            logits[..., HOLD] = logits[..., HOLD].masked_fill(~sounding, -1e9)
            if allowed is not None:
                logits[..., ONSET] = logits[..., ONSET].masked_fill(~allowed, -1e9)
            if temperature <= 0:
                states = logits.argmax(dim=-1)
            else:
                p = torch.softmax(logits / temperature, dim=-1).reshape(-1, STATES)
                states = torch.multinomial(p, 1, generator=generator).view(logits.shape[:-1])
            sounding = states != OFF
            feats = torch.cat([(states == ONSET).float(), sounding.float()], dim=-1)
            return feats, states
        return torch.stack(self._run(z, slots, choose), dim=1)


def kl_per_dim(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar)
