"""The network of Soundarya et al., "Music Generation Using Recurrent Neural Network", as in TensorFlow's
"Generate music with an RNN": the last 25 notes in, the next note out.

Input: a window of ``window`` rows ``(pitch / 128, step, duration)`` (steps and durations in quarter
notes); one LSTM layer; from its last output three heads: a softmax over the 128 pitches and two
regressions, step and duration. Training weighs the losses as the tutorial does: 0.05 x pitch
cross-entropy + step and duration mean squared error "with positive pressure" (plus 10 x the mean of
any negative prediction). Safe to import; sampling lives in the backend.

A meter-aware model (``NotesLSTMConfig.meters`` not empty) also reads, for each row, where its note starts
in the bar of the piece's meter: an embedding of a position *slot* joined to the row. The slots are the
``lstm`` family's (:class:`~musicstudio.generators.lstm.model.LSTMConfig`: one run of slots per meter, as
many as its bar has 16th steps; a meter without trained slots borrows a kin's); one more slot marks the
zero rows before a piece's first note. A model without meters (checkpoints from before meters) reads the
rows alone, exactly as it was trained.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cached_property

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from musicstudio.generators.codecs.grid import steps_in_bar
from musicstudio.generators.lstm.model import LSTMConfig

PITCHES = 128


@dataclass(frozen=True)
class NotesLSTMConfig:
    window: int = 25
    hidden: int = 128
    layers: int = 1
    pitch_weight: float = 0.05
    step_weight: float = 1.0
    duration_weight: float = 1.0
    meters: tuple[tuple[int, int], ...] = ()   # meter-aware: the meters with position slots of their own
    trained_meters: tuple[tuple[int, int], ...] | None = None   # those trained enough to use (None: all)
    position_embed: int = 8
    onset_prior: tuple[float, ...] | None = None   # per slot: the share of training onsets there (see .generator)
    chord_share: float | None = None   # the share of training notes that start with the note before them
    step_sigma: float | None = None   # the step regression's error on the valid split (root mean square)
    register: tuple[int, int] | None = None   # the pitches its training notes kept to (None: not recorded)

    def __post_init__(self) -> None:
        object.__setattr__(self, "meters", tuple((int(n), int(d)) for n, d in self.meters))
        if self.trained_meters is not None:
            object.__setattr__(self, "trained_meters", tuple((int(n), int(d)) for n, d in self.trained_meters))
        if self.register is not None:
            object.__setattr__(self, "register", (int(self.register[0]), int(self.register[1])))
        if self.onset_prior is not None:
            object.__setattr__(self, "onset_prior", tuple(float(p) for p in self.onset_prior))

    def to_dict(self) -> dict:
        out = asdict(self)
        if not self.meters:   # a model without meters writes the config it always wrote
            for key in ("meters", "trained_meters", "position_embed", "onset_prior", "chord_share", "step_sigma"):
                out.pop(key)
        if self.register is None:
            out.pop("register")
        return out

    @cached_property
    def _slots(self) -> LSTMConfig | None:
        """The ``lstm`` family's slot table for these meters (it holds the borrowing rules)."""
        return LSTMConfig.meter_aware(1, self.meters, trained_meters=self.trained_meters) if self.meters else None

    @property
    def positions(self) -> int:
        """Position slots the network embeds (0: no position input); the last one marks padding rows."""
        return self._slots.positions + 1 if self.meters else 0

    def meter_runs(self) -> list[tuple[int, int]]:
        """(first slot, slots) of each meter's run of slots, in the order of ``meters``."""
        starts = np.cumsum([0] + [steps_in_bar(m) for m in self.meters])
        return [(int(first), steps_in_bar(m)) for first, m in zip(starts, self.meters)]

    def meter_run(self, meter: tuple[int, int]) -> tuple[int, int]:
        """(first slot, slots) of the run of slots that ``meter`` uses (its own, or a trained kin's)."""
        return self._slots.meter_slot_of(meter)

    def position_slots(self, steps: np.ndarray, meter: tuple[int, int]) -> np.ndarray:
        """The slots of notes that start ``steps`` 16th steps after a bar line of ``meter``."""
        return self._slots.position_slots(np.asarray(steps, np.int64), meter)


class NotesLSTM(nn.Module):
    def __init__(self, config: NotesLSTMConfig):
        super().__init__()
        self.config = config
        width = 3
        if config.positions:
            self.position = nn.Embedding(config.positions, config.position_embed)
            width += config.position_embed
        self.lstm = nn.LSTM(width, config.hidden, config.layers, batch_first=True)
        self.pitch = nn.Linear(config.hidden, PITCHES)
        self.step = nn.Linear(config.hidden, 1)
        self.duration = nn.Linear(config.hidden, 1)

    @property
    def padding_slot(self) -> int:
        return self.config.positions - 1

    @staticmethod
    def inputs(rows: torch.Tensor) -> torch.Tensor:
        """Rows ``(..., 3)`` of (pitch, step, duration) as the network reads them (pitch / 128)."""
        return rows * rows.new_tensor([1.0 / PITCHES, 1.0, 1.0])

    def forward(self, rows: torch.Tensor, positions: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """For windows ``(batch, window, 3)`` of raw rows (and, for a meter-aware model, their position
        slots ``(batch, window)``): pitch logits ``(batch, 128)``, step ``(batch,)`` and duration ``(batch,)``
        of the next note."""
        x = self.inputs(rows)
        if self.config.positions:
            if positions is None:
                raise ValueError("a meter-aware lstm-notes model needs the rows' positions in the bar")
            x = torch.cat([x, self.position(positions)], dim=-1)
        out, _ = self.lstm(x)
        last = out[:, -1]
        return self.pitch(last), self.step(last)[:, 0], self.duration(last)[:, 0]


def positive_pressure_mse(predicted: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """The tutorial's ``mse_with_positive_pressure``: MSE plus 10 x the mean of the negative part."""
    return F.mse_loss(predicted, target) + 10.0 * torch.clamp(-predicted, min=0.0).mean()


def losses(model: NotesLSTM, windows: torch.Tensor, targets: torch.Tensor,
           positions: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
    """The weighted training loss and its parts (pitch cross-entropy in nats, step and duration MSE)."""
    c = model.config
    pitch_logits, step, duration = model(windows, positions)
    pitch_ce = F.cross_entropy(pitch_logits, targets[:, 0].long())
    step_loss = positive_pressure_mse(step, targets[:, 1])
    duration_loss = positive_pressure_mse(duration, targets[:, 2])
    total = c.pitch_weight * pitch_ce + c.step_weight * step_loss + c.duration_weight * duration_loss
    return {"loss": total, "pitch_ce": pitch_ce, "step_mse": F.mse_loss(step, targets[:, 1]),
            "duration_mse": F.mse_loss(duration, targets[:, 2])}
