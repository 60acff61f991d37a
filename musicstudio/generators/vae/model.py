"""The melody VAE: a bidirectional LSTM encoder to (mu, log-variance) and an LSTM decoder conditioned on z.

MusicVAE's flat 2-bar model, smaller: the encoder reads the 32 tokens both ways and its two final
states give the posterior's mean and log-variance; the decoder starts from a state made from z and at
each step reads the previous token (a start token first) joined with z. Safe to import (no side
effects); sampling with masks lives in :mod:`musicstudio.generators.vae.decoding`.

A *meter-aware* model (``VAEConfig.meters`` not empty) reads phrases of 2 bars of the piece's meter (4/4 32
steps, 3/4 and 6/8 24, 9/8 36, 2/4 16 ...). Each step also carries a position *slot*, one embedding table
with a run of slots per meter (as many as its bar has 16th steps): slot = the meter's first slot + the step
within its bar. The encoder reads token and slot embeddings together (so it knows the meter), and the
decoder reads, at each step, the previous token, z and the slot of the step it is about to write: MusicVAE's
conditional decoder (Roberts, Engel, Raffel, Hawthorne & Eck, "A Hierarchical Latent Vector Model for
Learning Long-Term Structure in Music", 2018, sec. 3.3) concatenates a chord to the decoder's input at
every step; here the condition is where the step falls in the bar of the meter. Batches hold one meter
each, so phrases of different lengths need no padding. Meters without slots of their own borrow a kin's
(:data:`KIN`: 12/8 as two bars of 6/8, 3/8 as half of one, 6/4 and 3/2 as two bars of 3/4). An old model
(``meters`` empty) has no slots and reads 32-step phrases of 4/4 (and 2/2, the same bar) exactly as
before.

The ``directions`` buffer holds the latent sliders (attribute vectors and principal components, one
row each) and ``centre`` the mean z of the training phrases, computed after training and saved with the
weights; the slider names are in the config.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn

from musicstudio.generators.codecs.grid import steps_in_bar
from musicstudio.generators.interface import GenerationError

# The meters a meter-aware VAE has position slots for: every meter of O'Neill's and Ryan's with more
# than a few dozen tunes; the meters in KIN borrow a kin's slots.
METERS = ((4, 4), (2, 4), (3, 4), (2, 2), (6, 8), (9, 8))
KIN = {(12, 8): (6, 8), (3, 8): (6, 8), (6, 4): (3, 4), (3, 2): (3, 4)}
OLD_METERS = ((4, 4), (2, 2))    # what a model without slots writes: 16-step bars
PHRASE_BARS = 2


class MeterRefused(GenerationError, ValueError):
    """The model cannot write bars of this meter; ``str(error)`` says which meters it can (a ValueError to
    the command line's usage checks, a GenerationError to the studio's worker)."""


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
    meters: tuple[tuple[int, int], ...] = ()   # meter-aware: the meters with position slots of their own
    position_embed: int = 0     # size of a position slot's embedding (meter-aware models)

    def __post_init__(self) -> None:
        object.__setattr__(self, "meters", tuple((int(n), int(d)) for n, d in self.meters))
        if self.meters and self.position_embed < 1:
            raise ValueError("a meter-aware VAE needs a position embedding (position_embed >= 1)")

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def positions(self) -> int:
        """Position slots: one per 16th step of each known meter's bar."""
        return sum(steps_in_bar(m) for m in self.meters)

    def writes(self) -> tuple[tuple[int, int], ...]:
        """The meters it writes bars of."""
        if not self.meters:
            return OLD_METERS
        return self.meters + tuple(m for m, kin in KIN.items() if kin in self.meters and m not in self.meters)

    def phrase_meter(self, meter: tuple[int, int]) -> tuple[int, int]:
        """The meter whose 2 bars make this model's phrase for ``meter`` (itself, or the kin it borrows from);
        :class:`MeterRefused` for a meter it does not write."""
        meter = (int(meter[0]), int(meter[1]))
        if meter not in self.writes():
            said = ", ".join(f"{n}/{d}" for n, d in self.writes())
            raise MeterRefused(f"this VAE writes bars of {said} only, not {meter[0]}/{meter[1]}")
        if not self.meters:
            return (4, 4)
        return meter if meter in self.meters else KIN[meter]

    def phrase_steps(self, meter: tuple[int, int] = (4, 4)) -> int:
        """16th steps in one phrase (2 bars) for ``meter``."""
        own = self.phrase_meter(meter)      # refuses a meter it does not write
        return self.steps if not self.meters else PHRASE_BARS * steps_in_bar(own)

    def slots(self, meter: tuple[int, int], steps: int, offset: int = 0) -> np.ndarray | None:
        """The position slots of ``steps`` steps starting ``offset`` steps after a bar line of ``meter``
        (None for a model without slots)."""
        if not self.meters:
            return None
        own = self.phrase_meter(meter)
        first = sum(steps_in_bar(m) for m in self.meters[:self.meters.index(own)])
        return first + (offset + np.arange(steps)) % steps_in_bar(own)


class MelodyVAE(nn.Module):
    def __init__(self, config: VAEConfig):
        super().__init__()
        self.config = c = config
        self.start_token = c.vocab
        self.embed = nn.Embedding(c.vocab + 1, c.embed)
        slot = c.position_embed if c.meters else 0
        self.position = nn.Embedding(c.positions, slot) if slot else None
        self.encoder = nn.LSTM(c.embed + slot, c.encoder, batch_first=True, bidirectional=True)
        self.to_posterior = nn.Linear(2 * c.encoder, 2 * c.latent)
        self.to_state = nn.Linear(c.latent, 2 * c.decoder * c.decoder_layers)
        self.decoder = nn.LSTM(c.embed + c.latent + slot, c.decoder, c.decoder_layers, batch_first=True,
                               dropout=c.dropout if c.decoder_layers > 1 else 0.0)
        self.head = nn.Linear(c.decoder, c.vocab)
        self.register_buffer("directions", torch.zeros(c.directions, c.latent))
        self.register_buffer("centre", torch.zeros(c.latent))

    def _with_slots(self, x: torch.Tensor, slots) -> torch.Tensor:
        """``x`` ``(batch, steps, n)`` joined with the slots' embeddings (unchanged for a model without)."""
        if self.position is None:
            return x
        if slots is None:
            raise ValueError("a meter-aware VAE needs the position slots of the phrase's steps")
        slots = torch.as_tensor(np.asarray(slots, np.int64), device=x.device)
        p = self.position(slots)
        if p.dim() == 2:
            p = p[None].expand(x.shape[0], -1, -1)
        return torch.cat([x, p], dim=-1)

    def encode(self, tokens: torch.Tensor, slots=None) -> tuple[torch.Tensor, torch.Tensor]:
        """``(batch, steps)`` tokens (and their position slots, ``(steps,)`` or ``(batch, steps)``, for a
        meter-aware model) -> mu, logvar ``(batch, latent)``."""
        _, (h, _) = self.encoder(self._with_slots(self.embed(tokens), slots))
        both = torch.cat([h[0], h[1]], dim=-1)
        mu, logvar = self.to_posterior(both).chunk(2, dim=-1)
        return mu, logvar.clamp(-12.0, 6.0)

    def initial_state(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        c = self.config
        s = torch.tanh(self.to_state(z)).view(z.shape[0], 2, c.decoder_layers, c.decoder)
        return s[:, 0].transpose(0, 1).contiguous(), s[:, 1].transpose(0, 1).contiguous()

    def decode_logits(self, z: torch.Tensor, tokens: torch.Tensor, slots=None) -> torch.Tensor:
        """Teacher-forced logits ``(batch, steps, vocab)`` for ``tokens`` given z (and the slots of the
        steps written, for a meter-aware model)."""
        start = torch.full((tokens.shape[0], 1), self.start_token, dtype=torch.long, device=tokens.device)
        inputs = torch.cat([start, tokens[:, :-1]], dim=1)
        x = torch.cat([self.embed(inputs), z[:, None, :].expand(-1, inputs.shape[1], -1)], dim=-1)
        out, _ = self.decoder(self._with_slots(x, slots), self.initial_state(z))
        return self.head(out)

    def step(self, z: torch.Tensor, previous: torch.Tensor, state, slot: int | None = None):
        """One decoding step: logits ``(batch, vocab)`` after ``previous`` tokens ``(batch,)`` (``slot``: the
        position slot of the step written, for a meter-aware model)."""
        x = torch.cat([self.embed(previous), z], dim=-1)[:, None, :]
        out, state = self.decoder(self._with_slots(x, None if slot is None else [slot]), state)
        return self.head(out[:, 0]), state

    def forward(self, tokens: torch.Tensor, sample: bool = True, slots=None):
        """(logits, mu, logvar): z drawn from the posterior when ``sample``, else its mean."""
        mu, logvar = self.encode(tokens, slots)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar) if sample else mu
        return self.decode_logits(z, tokens, slots), mu, logvar


def kl_per_dim(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(q(z|x) || N(0, I)) per latent dimension, ``(batch, latent)``, in nats."""
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar)
