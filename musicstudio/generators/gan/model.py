"""MidiNet's networks, written over time with the pitches as channels.

* :class:`BarGenerator`: noise and the chord go through a linear layer to two time steps, then transposed
  1-D convolutions double the time axis to 4, 8 and 16 steps. A *conditioner* runs the bar before through
  strided convolutions (16, 8, 4, 2 steps) and its features join the generator's layer of the same length,
  with the chord, at every level (MidiNet's 2-D condition; the chord is its 1-D one). The output is a logit
  for each (plane, step, pitch): plane 0 says the pitch sounds, plane 1 that a note starts.
* :class:`BarCritic`: the bar, the bar before and the chord side by side through strided convolutions with
  spectral normalisation, to one score. Its last hidden features are what feature matching compares.

A *meter-aware* model (``meter_channels`` > 0, ``steps`` 24) writes a bar of any meter in a 24-step roll:
the bar's grid (:mod:`.meters`: which steps are inside the bar, where its beats fall) joins the chord as
per-step conditioning at every level of both networks, and the generator's logits after the bar's end
are masked off. Without meter channels (every model trained before) the networks are exactly the
16-step ones they were.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from musicstudio.generators.gan.chords import CONDITION

STEPS = 16        # a bar of a model without meter channels: 4/4 on the 16th grid
MASKED = -30.0    # the logit of a step after the bar's end (a probability of 1e-13)


@dataclass(frozen=True)
class GANConfig:
    pitches: int = 49
    noise: int = 64
    width: int = 128        # generator and conditioner channels (the first layers have twice as many)
    critic: int = 128       # critic channels
    planes: int = 2
    steps: int = STEPS      # the roll's width; a multiple of 8
    meter_channels: int = 0 # per-step meter conditioning (:data:`~.meters.CHANNELS`); 0: a 4/4-only model

    def __post_init__(self) -> None:
        if self.steps % 8 or self.steps < 8:
            raise ValueError(f"a GAN bar of {self.steps} steps is not a multiple of 8")
        if self.steps != STEPS and not self.meter_channels:
            raise ValueError("a GAN wider than 16 steps needs meter channels")

    def to_dict(self) -> dict:
        return asdict(self)


def _down(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv1d(c_in, c_out, 4, 2, 1), nn.LeakyReLU(0.2))


def step_conditions(chord: torch.Tensor, grid: torch.Tensor | None, steps: int) -> torch.Tensor:
    """The per-step condition at a level of ``steps`` steps: the chord on every step, and the meter's grid
    (batch, channels, width) averaged down to that length when the model has one."""
    out = chord[:, :, None].expand(-1, -1, steps)
    if grid is None:
        return out
    if grid.shape[2] != steps:
        grid = nn.functional.avg_pool1d(grid, grid.shape[2] // steps)
    return torch.cat([out, grid], dim=1)


def _check_grid(config: GANConfig, grid: torch.Tensor | None) -> torch.Tensor | None:
    if bool(config.meter_channels) != (grid is not None):
        raise ValueError("a meter-aware GAN needs the bar's grid, and a 16-step one takes none")
    return grid


class BarGenerator(nn.Module):
    def __init__(self, config: GANConfig):
        super().__init__()
        self.config = config
        c, w, k = config.planes * config.pitches, config.width, CONDITION + config.meter_channels
        self.condition_in = nn.Sequential(nn.Conv1d(c, w, 3, 1, 1), nn.LeakyReLU(0.2))   # 16 steps
        self.condition_down = nn.ModuleList([_down(w, w), _down(w, w), _down(w, w)])      # 8, 4, 2
        first = 2 * w * (config.steps // 8)
        self.project = nn.Sequential(nn.Linear(config.noise + CONDITION, first), nn.BatchNorm1d(first), nn.ReLU())
        self.up = nn.ModuleList([
            nn.Sequential(nn.ConvTranspose1d(2 * w + w + k, 2 * w, 4, 2, 1), nn.BatchNorm1d(2 * w), nn.ReLU()),
            nn.Sequential(nn.ConvTranspose1d(2 * w + w + k, w, 4, 2, 1), nn.BatchNorm1d(w), nn.ReLU()),
            nn.Sequential(nn.ConvTranspose1d(w + w + k, w, 4, 2, 1), nn.BatchNorm1d(w), nn.ReLU())])
        self.out = nn.Conv1d(w + w + k, c, 3, 1, 1)

    def conditions(self, previous: torch.Tensor) -> list[torch.Tensor]:
        """The bar before's features at 16, 8, 4 and 2 steps (24, 12, 6, 3 for a meter-aware model), from it
        as (batch, planes * pitches, steps)."""
        h = self.condition_in(previous)
        out = [h]
        for layer in self.condition_down:
            h = layer(h)
            out.append(h)
        return out

    def forward(self, noise: torch.Tensor, previous: torch.Tensor, chord: torch.Tensor,
                grid: torch.Tensor | None = None) -> torch.Tensor:
        """Logits (batch, planes, steps, pitches) from noise (batch, noise), the bar before (batch, planes,
        steps, pitches), the chord (batch, 13) and, for a meter-aware model, the bar's grid (batch,
        meter channels, steps)."""
        cfg = self.config
        grid = _check_grid(cfg, grid)
        n, steps = noise.shape[0], cfg.steps
        prev = previous.permute(0, 1, 3, 2).reshape(n, cfg.planes * cfg.pitches, steps)
        cond = self.conditions(prev)
        h = self.project(torch.cat([noise, chord], dim=1)).view(n, 2 * cfg.width, steps // 8)
        for layer, c in zip(self.up, (cond[3], cond[2], cond[1])):
            h = layer(torch.cat([h, c, step_conditions(chord, grid, h.shape[2])], dim=1))
        h = self.out(torch.cat([h, cond[0], step_conditions(chord, grid, steps)], dim=1))
        h = h.view(n, cfg.planes, cfg.pitches, steps)
        if grid is not None:   # nothing sounds after the bar's end
            h = h.masked_fill(grid[:, None, None, 0] < 0.5, MASKED)
        return h.permute(0, 1, 3, 2)


class BarCritic(nn.Module):
    def __init__(self, config: GANConfig):
        super().__init__()
        self.config = config
        c, w = config.planes * config.pitches, config.critic
        sn = spectral_norm
        self.features = nn.Sequential(
            sn(nn.Conv1d(2 * c + CONDITION + config.meter_channels, w, 3, 1, 1)), nn.LeakyReLU(0.2),
            sn(nn.Conv1d(w, 2 * w, 4, 2, 1)), nn.LeakyReLU(0.2),      # 8 steps
            sn(nn.Conv1d(2 * w, 2 * w, 4, 2, 1)), nn.LeakyReLU(0.2),  # 4
            sn(nn.Conv1d(2 * w, 2 * w, 4, 2, 1)), nn.LeakyReLU(0.2),  # 2 (3 in a 24-step bar)
            nn.Flatten())
        # MidiNet's critic also looks at the pitch axis: a convolution across pitches of each step
        self.pitch_view = nn.Sequential(sn(nn.Conv2d(config.planes, 16, (1, 12), (1, 1))), nn.LeakyReLU(0.2),
                                        sn(nn.Conv2d(16, 16, (4, 1), (4, 1))), nn.LeakyReLU(0.2), nn.Flatten())
        pitch_features = 16 * (config.steps // 4) * (config.pitches - 11)
        self.score = sn(nn.Linear(2 * w * (config.steps // 8) + pitch_features, 1))

    def forward(self, bar: torch.Tensor, previous: torch.Tensor, chord: torch.Tensor,
                grid: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """(score (batch,), features (batch, f)) for bars (batch, planes, steps, pitches); ``grid`` as the
        generator's."""
        grid = _check_grid(self.config, grid)
        n, steps = bar.shape[0], self.config.steps
        flat = torch.cat([bar.permute(0, 1, 3, 2).reshape(n, -1, steps),
                          previous.permute(0, 1, 3, 2).reshape(n, -1, steps),
                          step_conditions(chord, grid, steps)], dim=1)
        f = torch.cat([self.features(flat), self.pitch_view(bar)], dim=1)
        return self.score(f)[:, 0], f
