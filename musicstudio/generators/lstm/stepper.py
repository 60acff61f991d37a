"""One sampling step of an :class:`~musicstudio.generators.lstm.model.EventLSTM` in numpy, for the CPU.

Sampling asks the network for one token at a time for a handful of rows. At that size torch's per-call
dispatch costs more than the arithmetic (``nn.LSTM`` on one step of four rows: about 0.4 ms here, of which
the matrix products are a small part), so the CPU path runs the same equations on numpy arrays laid out
for the job:

* the token and bar-position embeddings are folded into the first layer's input projection (a table
  lookup per row instead of an embedding, a concatenation and a matrix product), with both biases added;
* each upper layer multiplies ``[h_below, h]`` by one stacked matrix;
* the input, forget and output gate columns are pre-scaled by 1/2, so one ``tanh`` over all four gates
  gives the sigmoids as ``0.5 + 0.5 * tanh(x / 2)``.

The numbers match the torch module to float32 rounding (a test checks); the seed itself still goes
through torch in one call, where a whole sequence at once is what torch is fast at.

The three matrix products of a step (rows times a 256 x 1024, a 512 x 1024 and a 256 x vocab matrix)
were 70% of a step's time in numpy's OpenBLAS, which repacks the matrix on every call; torch's MKL does
the same products three times faster here, and on one thread: a second one only waits on a busy CPU (a
step measured 0.13 ms on one thread and 0.5-4.8 ms on two under load), so a step holds torch to one
thread and gives the count back after. Both libraries sum each product in the same order, so the states
and log-probabilities are bit for bit numpy's (checked at every step of lstm's and lstm-triplets's
takes); a single row is the exception (OpenBLAS's one-row kernel sums otherwise), and keeps numpy's product.
That agreement is the machine's, not a law: on an AVX2-only AMD EPYC the two differ in the last bit. So each
stepper tries its own matrices once with 2 to 8 rows (:func:`products_agree`) and keeps numpy's products where
torch's do not give the same sums, so a take is numpy's on every machine, faster where torch's agree.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import numpy as np
import torch

from musicstudio.generators.lstm.model import EventLSTM

State = tuple[list[np.ndarray], list[np.ndarray]]  # (h per layer, c per layer), each (rows, hidden)


def _matrix(a: np.ndarray) -> np.ndarray:
    """``a`` as float32 in C order on a 64-byte boundary (torch's allocator: numpy's puts a large array 16
    bytes past one). MKL reads an unaligned right-hand matrix on a slower path: four rows times lstm-nc's
    256 x 1024 and 512 x 1024 matrices took 136 and 269 us unaligned, 88 and 162 us aligned on this
    project's machine, with the same sums bit for bit (checked for 1 to 8 rows)."""
    out = torch.empty(np.shape(a), dtype=torch.float32).numpy()   # the array keeps the tensor's memory alive
    out[...] = a
    return out


def _numpy_product(a: np.ndarray, b: np.ndarray, _: torch.Tensor) -> np.ndarray:
    return a @ b


def _torch_product(a: np.ndarray, _: np.ndarray, b: torch.Tensor) -> np.ndarray:
    return torch.mm(torch.from_numpy(a), b).numpy()


def products_agree(pairs, rows=range(2, 9), seed: int = 0) -> bool:
    """Whether torch's products give numpy's sums bit for bit for each ``(matrix, tensor)`` of ``pairs``
    (the tensor sharing the matrix's memory), tried once with random left-hand rows of each count in ``rows``."""
    rng = np.random.default_rng(seed)
    with one_torch_thread():
        for matrix, tensor in pairs:
            for n in rows:
                a = rng.standard_normal((n, matrix.shape[0])).astype(np.float32)
                if not np.array_equal(_torch_product(a, matrix, tensor), _numpy_product(a, matrix, tensor)):
                    return False
    return True


def lstm_cell(gates: np.ndarray, c: np.ndarray, hidden: int) -> tuple[np.ndarray, np.ndarray]:
    """``o * tanh(f * c + i * g)`` and the new ``c`` for gates ``(..., 4 hidden)`` whose sigmoid columns are
    pre-halved (sigmoid(x) = 0.5 + 0.5 tanh(x / 2)): the sigmoids taken for all the gates in one pass (the g
    columns' go unused) and the sums made in place, the same operations in a third fewer calls. One stepper's
    ``(rows, 4H)`` gates or an ensemble's stacked ``(members, rows, 4H)``."""
    H = hidden
    t = np.tanh(gates)
    sig = t * 0.5
    sig += 0.5
    c = sig[..., H:2 * H] * c
    c += sig[..., :H] * t[..., 2 * H:3 * H]
    h = np.tanh(c)
    h *= sig[..., 3 * H:]
    return h, c


@contextmanager
def one_torch_thread() -> Iterator[None]:
    """torch's intra-op threads held at one for the block, the earlier count given back after."""
    previous = torch.get_num_threads()
    if previous != 1:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        if previous != 1:
            torch.set_num_threads(previous)


class NumpyStepper:
    def __init__(self, model: EventLSTM):
        c = model.config
        self.hidden, self.layers, self.positions = c.hidden, c.layers, c.positions
        H = c.hidden
        scale = np.full(4 * H, 0.5, np.float32)
        scale[2 * H:3 * H] = 1.0  # the cell candidate g is a plain tanh
        p = {k: v.detach().float().cpu().numpy() for k, v in model.state_dict().items()}
        w_ih0 = p["lstm.weight_ih_l0"]
        bias0 = p["lstm.bias_ih_l0"] + p["lstm.bias_hh_l0"]
        self.token_table = ((p["embed.weight"] @ w_ih0[:, :c.embed].T + bias0) * scale).astype(np.float32)
        self.position_table = ((p["position.weight"] @ w_ih0[:, c.embed:].T) * scale).astype(np.float32) \
            if c.positions else None
        self.recurrent = [_matrix(p[f"lstm.weight_hh_l{k}"].T * scale) for k in range(c.layers)]
        self.stacked = [None] + [
            _matrix(np.concatenate([p[f"lstm.weight_ih_l{k}"].T, p[f"lstm.weight_hh_l{k}"].T]) * scale)
            for k in range(1, c.layers)]
        self.bias = [None] + [((p[f"lstm.bias_ih_l{k}"] + p[f"lstm.bias_hh_l{k}"]) * scale).astype(np.float32)
                              for k in range(1, c.layers)]
        self.head_w = _matrix(p["head.weight"].T)
        self.head_b = p["head.bias"]
        # the same matrices as tensors sharing their memory, for torch's products
        self._recurrent_t = [torch.from_numpy(m) for m in self.recurrent]
        self._stacked_t = [None] + [torch.from_numpy(m) for m in self.stacked[1:]]
        self._head_t = torch.from_numpy(self.head_w)
        pairs = zip(self.recurrent + self.stacked[1:] + [self.head_w],
                    self._recurrent_t + self._stacked_t[1:] + [self._head_t])
        self.torch_agrees = products_agree(pairs)   # torch's products for more than one row

    @staticmethod
    def from_torch(state) -> State:
        h, c = state
        return ([x.float().cpu().numpy().copy() for x in h], [x.float().cpu().numpy().copy() for x in c])

    def step(self, tokens: np.ndarray, positions: np.ndarray, state: State) -> tuple[np.ndarray, State]:
        """Log-probabilities ``(rows, vocab)`` of the token after ``tokens`` (which sit at bar
        ``positions``), and the new state."""
        with one_torch_thread():
            product = _torch_product if len(tokens) > 1 and self.torch_agrees else _numpy_product
            return self._step(tokens, positions, state, product)

    def _step(self, tokens: np.ndarray, positions: np.ndarray, state: State, product) -> tuple[np.ndarray, State]:
        hs, cs = state
        gates = self.token_table[tokens] + product(hs[0], self.recurrent[0], self._recurrent_t[0])
        if self.position_table is not None:
            gates += self.position_table[positions % self.positions]
        h, c = lstm_cell(gates, cs[0], self.hidden)
        new_h, new_c = [h], [c]
        for k in range(1, self.layers):
            gates = product(np.concatenate([h, hs[k]], axis=1), self.stacked[k], self._stacked_t[k]) + self.bias[k]
            h, c = lstm_cell(gates, cs[k], self.hidden)
            new_h.append(h)
            new_c.append(c)
        logits = product(h, self.head_w, self._head_t) + self.head_b
        logits -= logits.max(axis=1, keepdims=True)
        log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        return log_p, (new_h, new_c)


def torch_log_probs(logits: torch.Tensor) -> np.ndarray:
    return torch.log_softmax(logits.float(), dim=-1).cpu().numpy()
