"""MidiNet's networks, written over time with the pitches as channels.

* :class:`BarGenerator`: noise and the chord go through a linear layer to two time steps, then transposed
  1-D convolutions double the time axis to 4, 8 and 16 steps. A *conditioner* runs the bar before through
  strided convolutions (16, 8, 4, 2 steps) and its features join the generator's layer of the same length,
  with the chord, at every level (MidiNet's 2-D condition; the chord is its 1-D one). The output is a logit
  for each (plane, step, pitch): plane 0 says the pitch sounds, plane 1 that a note starts.
* :class:`BarCritic`: the bar, the bar before and the chord side by side through strided convolutions with
  spectral normalisation, to one score. Its last hidden features are what feature matching compares.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from musicstudio.generators.gan.chords import CONDITION

STEPS = 16


@dataclass(frozen=True)
class GANConfig:
    pitches: int = 49
    noise: int = 64
    width: int = 128        # generator and conditioner channels (the first layers have twice as many)
    critic: int = 128       # critic channels
    planes: int = 2

    def to_dict(self) -> dict:
        return asdict(self)


def _down(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv1d(c_in, c_out, 4, 2, 1), nn.LeakyReLU(0.2))


class BarGenerator(nn.Module):
    def __init__(self, config: GANConfig):
        super().__init__()
        self.config = config
        c, w, k = config.planes * config.pitches, config.width, CONDITION
        self.condition_in = nn.Sequential(nn.Conv1d(c, w, 3, 1, 1), nn.LeakyReLU(0.2))   # 16 steps
        self.condition_down = nn.ModuleList([_down(w, w), _down(w, w), _down(w, w)])      # 8, 4, 2
        self.project = nn.Sequential(nn.Linear(config.noise + k, 2 * w * 2), nn.BatchNorm1d(2 * w * 2), nn.ReLU())
        self.up = nn.ModuleList([
            nn.Sequential(nn.ConvTranspose1d(2 * w + w + k, 2 * w, 4, 2, 1), nn.BatchNorm1d(2 * w), nn.ReLU()),
            nn.Sequential(nn.ConvTranspose1d(2 * w + w + k, w, 4, 2, 1), nn.BatchNorm1d(w), nn.ReLU()),
            nn.Sequential(nn.ConvTranspose1d(w + w + k, w, 4, 2, 1), nn.BatchNorm1d(w), nn.ReLU())])
        self.out = nn.Conv1d(w + w + k, c, 3, 1, 1)

    def conditions(self, previous: torch.Tensor) -> list[torch.Tensor]:
        """The bar before's features at 16, 8, 4 and 2 steps, from it as (batch, planes * pitches, 16)."""
        h = self.condition_in(previous)
        out = [h]
        for layer in self.condition_down:
            h = layer(h)
            out.append(h)
        return out

    def forward(self, noise: torch.Tensor, previous: torch.Tensor, chord: torch.Tensor) -> torch.Tensor:
        """Logits (batch, planes, 16, pitches) from noise (batch, noise), the bar before (batch, planes, 16,
        pitches) and the chord (batch, 13)."""
        cfg = self.config
        n = noise.shape[0]
        prev = previous.permute(0, 1, 3, 2).reshape(n, cfg.planes * cfg.pitches, STEPS)
        cond = self.conditions(prev)
        h = self.project(torch.cat([noise, chord], dim=1)).view(n, 2 * cfg.width, 2)
        for layer, c in zip(self.up, (cond[3], cond[2], cond[1])):
            h = layer(torch.cat([h, c, chord[:, :, None].expand(-1, -1, h.shape[2])], dim=1))
        h = self.out(torch.cat([h, cond[0], chord[:, :, None].expand(-1, -1, STEPS)], dim=1))
        return h.view(n, cfg.planes, cfg.pitches, STEPS).permute(0, 1, 3, 2)


class BarCritic(nn.Module):
    def __init__(self, config: GANConfig):
        super().__init__()
        self.config = config
        c, w = config.planes * config.pitches, config.critic
        sn = spectral_norm
        self.features = nn.Sequential(
            sn(nn.Conv1d(2 * c + CONDITION, w, 3, 1, 1)), nn.LeakyReLU(0.2),
            sn(nn.Conv1d(w, 2 * w, 4, 2, 1)), nn.LeakyReLU(0.2),      # 8 steps
            sn(nn.Conv1d(2 * w, 2 * w, 4, 2, 1)), nn.LeakyReLU(0.2),  # 4
            sn(nn.Conv1d(2 * w, 2 * w, 4, 2, 1)), nn.LeakyReLU(0.2),  # 2
            nn.Flatten())
        # MidiNet's critic also looks at the pitch axis: a convolution across pitches of each step
        self.pitch_view = nn.Sequential(sn(nn.Conv2d(config.planes, 16, (1, 12), (1, 1))), nn.LeakyReLU(0.2),
                                        sn(nn.Conv2d(16, 16, (4, 1), (4, 1))), nn.LeakyReLU(0.2), nn.Flatten())
        pitch_features = 16 * (STEPS // 4) * (config.pitches - 11)
        self.score = sn(nn.Linear(4 * w + pitch_features, 1))

    def forward(self, bar: torch.Tensor, previous: torch.Tensor,
                chord: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(score (batch,), features (batch, f)) for bars (batch, planes, 16, pitches)."""
        n = bar.shape[0]
        flat = torch.cat([bar.permute(0, 1, 3, 2).reshape(n, -1, STEPS),
                          previous.permute(0, 1, 3, 2).reshape(n, -1, STEPS),
                          chord[:, :, None].expand(-1, -1, STEPS)], dim=1)
        f = torch.cat([self.features(flat), self.pitch_view(bar)], dim=1)
        return self.score(f)[:, 0], f
