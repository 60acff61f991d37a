"""The harmonizer's network: a Coconet-style convolutional net over four voices' piano rolls with a mask
(Huang, Cooijmans, Roberts, Courville and Eck, "Counterpoint by Convolution", 2017), convolving over time
with the pitches as channels and dilated residual blocks (a receptive field of about eight 4/4 bars), that
predicts each masked step's token for each voice, given the unmasked ones: the orderless model that
blocked Gibbs sampling (:mod:`.gibbs`) draws from. Each voice's token follows DeepBach's note-on / hold
encoding (Hadjeres, Pachet and Nielsen, "DeepBach: a Steerable Model for Bach Chorales Generation", 2017),
so repeated notes stay repeated."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

from musicstudio.generators.harmonizer.voices import METER_PLANES, ROLL, TOKENS

VOICES = 4


@dataclass(frozen=True)
class HarmonizerConfig:
    hidden: int = 192
    blocks: int = 12
    dilations: tuple[int, ...] = (1, 2, 4, 8, 16)
    dropout: float = 0.1

    def __post_init__(self) -> None:
        if self.hidden < 1 or self.blocks < 1 or not self.dilations or min(self.dilations) < 1:
            raise ValueError(f"not a harmonizer network: {self}")
        object.__setattr__(self, "dilations", tuple(int(d) for d in self.dilations))

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def inputs(self) -> int:
        return VOICES * (ROLL + 1) + METER_PLANES


class Block(nn.Module):
    def __init__(self, hidden: int, dilation: int, dropout: float):
        super().__init__()
        self.norm = nn.GroupNorm(1, hidden)
        self.conv = nn.Conv1d(hidden, hidden, 3, padding=dilation, dilation=dilation)
        self.mix = nn.Conv1d(hidden, hidden, 1)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.drop(self.mix(nn.functional.gelu(self.conv(nn.functional.gelu(self.norm(x))))))


class HarmonizerNet(nn.Module):
    def __init__(self, config: HarmonizerConfig):
        super().__init__()
        self.config = config
        self.inp = nn.Conv1d(config.inputs, config.hidden, 3, padding=1)
        self.blocks = nn.ModuleList(Block(config.hidden, config.dilations[i % len(config.dilations)], config.dropout)
                                    for i in range(config.blocks))
        self.norm = nn.GroupNorm(1, config.hidden)
        self.out = nn.Conv1d(config.hidden, VOICES * TOKENS, 1)

    def forward(self, roll: torch.Tensor, mask: torch.Tensor, planes: torch.Tensor) -> torch.Tensor:
        """roll (B, 4, T, ROLL), mask (B, 4, T) 1 where the step is to be written, planes (B, 3, T) ->
        logits (B, 4, T, TOKENS). Masked steps' rolls are zeroed here, whatever they held."""
        b, v, t, _ = roll.shape
        hidden = roll * (1 - mask).unsqueeze(-1)
        x = torch.cat([hidden.permute(0, 1, 3, 2).reshape(b, v * ROLL, t), mask, planes], dim=1)
        x = self.inp(x)
        for block in self.blocks:
            x = block(x)
        return self.out(nn.functional.gelu(self.norm(x))).reshape(b, v, TOKENS, t).permute(0, 1, 3, 2)
