"""The network of Soundarya et al., "Music Generation Using Recurrent Neural Network", as in TensorFlow's
"Generate music with an RNN": the last 25 notes in, the next note out.

Input: a window of ``window`` rows ``(pitch / 128, step, duration)`` (steps and durations in quarter
notes); one LSTM layer; from its last output three heads: a softmax over the 128 pitches and two
regressions, step and duration. Training weighs the losses as the tutorial does: 0.05 x pitch
cross-entropy + step and duration mean squared error "with positive pressure" (plus 10 x the mean of
any negative prediction). Safe to import; sampling lives in the backend.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn import functional as F

PITCHES = 128


@dataclass(frozen=True)
class NotesLSTMConfig:
    window: int = 25
    hidden: int = 128
    layers: int = 1
    pitch_weight: float = 0.05
    step_weight: float = 1.0
    duration_weight: float = 1.0

    def to_dict(self) -> dict:
        return asdict(self)


class NotesLSTM(nn.Module):
    def __init__(self, config: NotesLSTMConfig):
        super().__init__()
        self.config = config
        self.lstm = nn.LSTM(3, config.hidden, config.layers, batch_first=True)
        self.pitch = nn.Linear(config.hidden, PITCHES)
        self.step = nn.Linear(config.hidden, 1)
        self.duration = nn.Linear(config.hidden, 1)

    @staticmethod
    def inputs(rows: torch.Tensor) -> torch.Tensor:
        """Rows ``(..., 3)`` of (pitch, step, duration) as the network reads them (pitch / 128)."""
        return rows * rows.new_tensor([1.0 / PITCHES, 1.0, 1.0])

    def forward(self, rows: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """For windows ``(batch, window, 3)`` of raw rows: pitch logits ``(batch, 128)``, step ``(batch,)``
        and duration ``(batch,)`` of the next note."""
        out, _ = self.lstm(self.inputs(rows))
        last = out[:, -1]
        return self.pitch(last), self.step(last)[:, 0], self.duration(last)[:, 0]


def positive_pressure_mse(predicted: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """The tutorial's ``mse_with_positive_pressure``: MSE plus 10 x the mean of the negative part."""
    return F.mse_loss(predicted, target) + 10.0 * torch.clamp(-predicted, min=0.0).mean()


def losses(model: NotesLSTM, windows: torch.Tensor, targets: torch.Tensor) -> dict[str, torch.Tensor]:
    """The weighted training loss and its parts (pitch cross-entropy in nats, step and duration MSE)."""
    c = model.config
    pitch_logits, step, duration = model(windows)
    pitch_ce = F.cross_entropy(pitch_logits, targets[:, 0].long())
    step_loss = positive_pressure_mse(step, targets[:, 1])
    duration_loss = positive_pressure_mse(duration, targets[:, 2])
    total = c.pitch_weight * pitch_ce + c.step_weight * step_loss + c.duration_weight * duration_loss
    return {"loss": total, "pitch_ce": pitch_ce, "step_mse": F.mse_loss(step, targets[:, 1]),
            "duration_mse": F.mse_loss(duration, targets[:, 2])}
