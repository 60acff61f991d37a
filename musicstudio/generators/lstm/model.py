"""An LSTM language model over event tokens, with the position in the bar as a second input.

Input at each step: the embedding of the previous token (or a start token) joined with an embedding of
the 16th step of the bar the next token falls on; 2-3 LSTM layers with dropout; a linear head over the
vocabulary. Safe to import (no side effects); generating lives in :mod:`.generator`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn


def step_positions(tokens: np.ndarray, steps_of: np.ndarray, start: int = 0) -> np.ndarray:
    """For each token, the 16th step (from the sequence start) at which it happens: the network's
    position input."""
    moved = steps_of[tokens]
    return start + np.concatenate([[0], np.cumsum(moved)[:-1]]) if len(tokens) else np.zeros(0, np.int64)


@dataclass(frozen=True)
class LSTMConfig:
    vocab: int
    embed: int = 128
    hidden: int = 256
    layers: int = 2
    dropout: float = 0.2
    positions: int = 16          # steps in a bar fed as an input (0: no bar-position input)
    position_embed: int = 16

    def to_dict(self) -> dict:
        return asdict(self)


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
