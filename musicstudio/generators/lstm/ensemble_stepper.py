"""One sampling step of every member of an ``lstm-ensemble`` at once, in numpy, for the CPU.

Stepping the members one by one costs each member's numpy calls (a dozen small matrix products and
element-wise passes for four rows) plus a mixing pass over their stacked outputs: at a few rows the
per-call overhead, not the arithmetic, sets the time, and it grows with the number of members. Here the
members' :class:`~musicstudio.generators.lstm.stepper.NumpyStepper` arrays are stacked on a leading
member axis, so one ``np.matmul`` does a layer of every member (a batched matrix product: member ``m``'s
rows times member ``m``'s matrix) and one element-wise pass does every member's gates. The same
equations as :class:`NumpyStepper`, so the mixture matches mixing the members stepped alone to float32
rounding (a test checks).

The mixture is ``log sum_m w_m p_m`` (the members' next-token probabilities averaged with the mixture
weights), taken as a log-sum-exp over the member axis so that no probability underflows to ``log 0``.
Members must agree in shape (hidden size, layers, position slots, vocabulary); :meth:`StackedStepper.fits`
says whether they do, and an ensemble of unlike members steps them one by one instead.
"""

from __future__ import annotations

import numpy as np

from musicstudio.generators.lstm.model import EventLSTM
from musicstudio.generators.lstm.stepper import NumpyStepper, lstm_cell

# (h per layer, c per layer), each (members, rows, hidden)
StackedState = tuple[list[np.ndarray], list[np.ndarray]]


def _shape(model: EventLSTM) -> tuple:
    c = model.config
    return c.vocab, c.hidden, c.layers, c.positions


class StackedStepper:
    def __init__(self, models: list[EventLSTM], weights: np.ndarray):
        if not self.fits(models):
            raise ValueError("the members differ in shape (vocabulary, hidden size, layers or position slots)")
        steppers = [NumpyStepper(m) for m in models]
        first = steppers[0]
        self.members, self.hidden, self.layers, self.positions = len(models), first.hidden, first.layers, \
            first.positions
        self.token_table = np.stack([s.token_table for s in steppers])            # (M, vocab + 1, 4H)
        self.position_table = np.stack([s.position_table for s in steppers]) if first.positions else None
        self.recurrent = np.stack([s.recurrent[0] for s in steppers])             # (M, H, 4H)
        self.stacked = [None] + [np.stack([s.stacked[k] for s in steppers]) for k in range(1, self.layers)]
        self.bias = [None] + [np.stack([s.bias[k] for s in steppers])[:, None, :] for k in range(1, self.layers)]
        self.head_w = np.stack([s.head_w for s in steppers])                      # (M, H, vocab)
        self.head_b = np.stack([s.head_b for s in steppers])[:, None, :]
        self.log_weights = np.log(np.asarray(weights, np.float64)).astype(np.float32)[:, None, None]
        self._member_index = np.arange(self.members)[:, None]

    @staticmethod
    def fits(models: list[EventLSTM]) -> bool:
        """Whether the members can be stacked: one vocabulary, hidden size, layer count and slot count."""
        return len({_shape(m) for m in models}) == 1

    @staticmethod
    def stack(member_states: list[tuple[list[np.ndarray], list[np.ndarray]]]) -> StackedState:
        """The members' own numpy states ``(h per layer, c per layer)`` as one stacked state."""
        layers = len(member_states[0][0])
        return ([np.stack([s[0][k] for s in member_states]) for k in range(layers)],
                [np.stack([s[1][k] for s in member_states]) for k in range(layers)])

    def step(self, tokens: np.ndarray, slots: np.ndarray, state: StackedState) -> tuple[np.ndarray, StackedState]:
        """The mixture's log-probabilities ``(rows, vocab)`` of the token after ``tokens`` (each member's
        bar-position slots in ``slots``, ``(M, rows)``), and the new stacked state."""
        hs, cs = state
        gates = self.token_table[:, tokens] + np.matmul(hs[0], self.recurrent)
        if self.position_table is not None:
            gates += self.position_table[self._member_index, slots % self.positions]
        h, c = lstm_cell(gates, cs[0], self.hidden)
        new_h, new_c = [h], [c]
        for k in range(1, self.layers):
            gates = np.matmul(np.concatenate([h, hs[k]], axis=2), self.stacked[k]) + self.bias[k]
            h, c = lstm_cell(gates, cs[k], self.hidden)
            new_h.append(h)
            new_c.append(c)
        logits = np.matmul(h, self.head_w) + self.head_b                           # (M, rows, vocab)
        logits -= logits.max(axis=2, keepdims=True)
        weighted = logits - np.log(np.exp(logits).sum(axis=2, keepdims=True)) + self.log_weights
        top = weighted.max(axis=0)
        return top + np.log(np.exp(weighted - top).sum(axis=0)), (new_h, new_c)
