"""An LSTM language model over event tokens, with the position in the bar as a second input.

Input at each step: the embedding of the previous token (or a start token) joined with an embedding of
the position in the bar of the grid step the next token falls on (16ths, or 12 steps a quarter for a model
whose codec says triplets: ``steps_per_quarter``); 2-3 LSTM layers with dropout; a linear
head over the vocabulary. Safe to import (no side effects); generating lives in :mod:`.generator`.

The position input is a *slot* of one embedding table:

* a meter-aware model (``LSTMConfig.meters`` not empty) has one run of slots per meter it knows, as many as
  that meter's bar has grid steps (:func:`~musicstudio.generators.codecs.grid.steps_in_bar`: on 16ths 4/4 16,
  3/4 12, 6/8 12, 9/8 18, 12/8 and 3/2 24; three times as many at 12 steps a quarter):
  slot = the meter's first slot + the step within its bar. So 3/4 and 6/8, both 12 steps, have slots of
  their own (beats of 4 steps against beats of 6), and a step of a 9/8 bar is never read as one of a 4/4 bar.
  A meter without trained slots (not in ``trained_meters``, the meters with at least 1% of the training
  sequences) borrows those of a trained meter of the same kind (simple, or compound: 6/8, 9/8, 12/8, 3/8)
  whose bar is as long, else one whose bar divides its bar (12/8 reads as two bars of 6/8, 3/2 and 6/4
  as two of 3/4), else one whose bar its bar divides (3/8 as the first half of 6/8), else 4/4's by step
  modulo 16 (:meth:`LSTMConfig.meter_slot_of`);
* an old model (``meters`` empty, checkpoints from before meters) has 16 slots: step from the sequence's
  start modulo 16, whatever the meter, exactly as it was trained.

Positions are counted from a bar line: a training piece starts on one (pickups are moved so that bar lines
fall on the grid's bars), and a seed starts on one (seed planning widens seeds to whole bars).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn

from musicstudio.generators.codecs.grid import steps_in_bar


def step_positions(tokens: np.ndarray, steps_of: np.ndarray, start: int = 0) -> np.ndarray:
    """For each token, the 16th step (from the sequence start) at which it happens: the network's
    position input."""
    moved = steps_of[tokens]
    return start + np.concatenate([[0], np.cumsum(moved)[:-1]]) if len(tokens) else np.zeros(0, np.int64)


# The meters a meter-aware model learns position slots for: every meter of the licence-clean training
# collections (O'Neill's, Ryan's) and the common ones besides.
METERS = ((4, 4), (2, 4), (3, 4), (2, 2), (3, 2), (6, 8), (9, 8), (12, 8), (3, 8), (6, 4))


def _compound(meter: tuple[int, int]) -> bool:
    """Whether a meter's beats divide in three (6/8, 9/8, 12/8, 3/8)."""
    return meter[1] == 8 and meter[0] % 3 == 0


@dataclass(frozen=True)
class LSTMConfig:
    vocab: int
    embed: int = 128
    hidden: int = 256
    layers: int = 2
    dropout: float = 0.2
    positions: int = 16          # position slots fed as an input (0: no bar-position input)
    position_embed: int = 16
    meters: tuple[tuple[int, int], ...] = ()   # meter-aware: the meters with slots of their own (see above)
    trained_meters: tuple[tuple[int, int], ...] | None = None   # those trained enough to use (None: all)
    register: tuple[int, int] | None = None   # the pitches its training notes kept to (None: not recorded)
    steps_per_quarter: int = 4   # the codec's grid the positions count in: 4 (16ths) or 12 (triplets too)

    def __post_init__(self) -> None:
        meters = tuple((int(n), int(d)) for n, d in self.meters)
        object.__setattr__(self, "meters", meters)
        if self.trained_meters is not None:
            object.__setattr__(self, "trained_meters", tuple((int(n), int(d)) for n, d in self.trained_meters))
        if self.register is not None:
            object.__setattr__(self, "register", (int(self.register[0]), int(self.register[1])))
        slots = sum(steps_in_bar(m, self.steps_per_quarter) for m in meters)
        if meters and self.positions != slots:
            raise ValueError(f"a meter-aware LSTM has one position slot per step of each meter's bar "
                             f"({slots}), not {self.positions}")

    @classmethod
    def meter_aware(cls, vocab: int, meters=METERS, steps_per_quarter: int = 4, **kwargs) -> LSTMConfig:
        return cls(vocab=vocab, positions=sum(steps_in_bar(m, steps_per_quarter) for m in meters),
                   meters=tuple(meters), steps_per_quarter=steps_per_quarter, **kwargs)

    def to_dict(self) -> dict:
        return asdict(self)

    def meter_slot_of(self, meter: tuple[int, int]) -> tuple[int, int]:
        """(first slot, slots in its bar) of the run of slots that ``meter`` uses (see the module's note)."""
        meter = (int(meter[0]), int(meter[1]))
        first, runs = 0, {}
        spq = self.steps_per_quarter
        for known in self.meters:
            runs[known] = (first, steps_in_bar(known, spq))
            first += steps_in_bar(known, spq)
        usable = {m: runs[m] for m in (self.meters if self.trained_meters is None else self.trained_meters)
                  if m in runs} or runs
        if meter in usable:
            return usable[meter]
        steps, kind = steps_in_bar(meter, spq), _compound(meter)
        longest_first = sorted((run for m, run in usable.items() if _compound(m) == kind), key=lambda r: -r[1])
        for fits, order in ((lambda n: n == steps, longest_first), (lambda n: steps % n == 0, longest_first),
                            (lambda n: n % steps == 0, longest_first[::-1])):
            for run in order:
                if fits(run[1]):
                    return run
        return usable.get((4, 4), next(iter(usable.values())))

    def position_slots(self, steps: np.ndarray, meter: tuple[int, int] = (4, 4)) -> np.ndarray:
        """The position input for tokens that happen ``steps`` grid steps after a bar line of ``meter``:
        for an old model the steps themselves (the network takes them modulo 16)."""
        steps = np.asarray(steps, dtype=np.int64)
        if not self.meters:
            return steps
        first, length = self.meter_slot_of(meter)
        return first + steps % length


class EventLSTM(nn.Module):
    def __init__(self, config: LSTMConfig):
        super().__init__()
        self.config = config
        c = config
        self.start_token = c.vocab
        self.embed = nn.Embedding(c.vocab + 1, c.embed)
        width = c.embed
        if c.positions:
            self.position = nn.Embedding(c.positions, c.position_embed)
            width += c.position_embed
        self.lstm = nn.LSTM(width, c.hidden, c.layers, batch_first=True, dropout=c.dropout if c.layers > 1 else 0.0)
        self.drop = nn.Dropout(c.dropout)
        self.head = nn.Linear(c.hidden, c.vocab)

    def forward(self, tokens: torch.Tensor, positions: torch.Tensor | None = None, state=None):
        """Logits ``(batch, time, vocab)`` for the token after each input, and the LSTM state."""
        x = self.embed(tokens)
        if self.config.positions:
            x = torch.cat([x, self.position(positions % self.config.positions)], dim=-1)
        out, state = self.lstm(x, state)
        return self.head(self.drop(out)), state
