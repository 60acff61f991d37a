"""The generator's forward pass in numpy, for the CPU: each convolution one matrix product.

torch spends about 0.1 ms of fixed cost on each small 1-D convolution on the CPU, which is most of a bar's
time at these sizes; here a bar of four variations costs a few matrix products. Batch normalisation is
folded into the layer before it (the generator runs in eval mode). :func:`check` compares with torch.
"""

from __future__ import annotations

import numpy as np
import torch
from numpy.lib.stride_tricks import sliding_window_view

from musicstudio.generators.gan.meters import CHANNELS, meter_grid
from musicstudio.generators.gan.model import MASKED, BarGenerator


def _leaky(x: np.ndarray) -> np.ndarray:
    return np.where(x > 0, x, 0.2 * x)


def _conv(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int, pad: int) -> np.ndarray:
    """Conv1d of channels-last x (n, t, c_in) with ``w`` laid out (c_in * k, c_out) as one product."""
    k = w.shape[0] // x.shape[2]
    if pad:
        xp = np.zeros((x.shape[0], x.shape[1] + 2 * pad, x.shape[2]), dtype=x.dtype)
        xp[:, pad:pad + x.shape[1]] = x
    else:
        xp = x
    cols = sliding_window_view(xp, k, axis=1)[:, ::stride]              # (n, t_out, c_in, k)
    n, t_out = cols.shape[:2]
    return (cols.reshape(n * t_out, -1) @ w + b).reshape(n, t_out, -1)


def _conv_t(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """ConvTranspose1d (kernel 4, stride 2, padding 1) of channels-last x (n, t, c_in) with ``w`` laid out
    (c_in, c_out * 4): output step 2m gets taps 1 (from m) and 3 (from m - 1), step 2m + 1 taps 2 (from m)
    and 0 (from m + 1)."""
    n, t, _ = x.shape
    parts = (x.reshape(n * t, -1) @ w).reshape(n, t, -1, 4)
    out = np.empty((n, 2 * t, parts.shape[2]), dtype=x.dtype)
    out[:, 0::2] = parts[..., 1]
    out[:, 2::2] += parts[:, :-1, :, 3]
    out[:, 1::2] = parts[..., 2]
    out[:, 1:-1:2] += parts[:, 1:, :, 0]
    return out + b


def _step_conditions(chord: np.ndarray, grid: np.ndarray | None, steps: int) -> np.ndarray:
    """Channels-last (n, steps, 13 [+ meter channels]): the chord on every step, and the meter's grid
    averaged down to ``steps`` (as :func:`~musicstudio.generators.gan.model.step_conditions`)."""
    n = len(chord)
    out = np.broadcast_to(chord[:, None, :], (n, steps, chord.shape[1]))
    if grid is None:
        return out
    g = grid.reshape(n, grid.shape[1], steps, grid.shape[2] // steps).mean(axis=3).transpose(0, 2, 1)
    return np.concatenate([out, g.astype(chord.dtype)], axis=2)


def _fold_bn(w: np.ndarray, b: np.ndarray, bn, out_axis: int) -> tuple[np.ndarray, np.ndarray]:
    scale = (bn.weight / torch.sqrt(bn.running_var + bn.eps)).detach().numpy()
    shift = (bn.bias - bn.running_mean * bn.weight / torch.sqrt(bn.running_var + bn.eps)).detach().numpy()
    shape = [1] * w.ndim
    shape[out_axis] = -1
    return w * scale.reshape(shape), b * scale + shift


class NumpyBarGenerator:
    """The same function as a :class:`BarGenerator` in eval mode, channels-last."""

    def __init__(self, model: BarGenerator):
        cfg = self.config = model.config
        a = lambda t: t.detach().cpu().numpy().astype(np.float32)  # noqa: E731

        def conv(layer) -> tuple[np.ndarray, np.ndarray]:  # (c_out, c_in, k) -> (c_in * k, c_out)
            w = a(layer.weight)
            return np.ascontiguousarray(w.reshape(w.shape[0], -1).T), a(layer.bias)

        def conv_t(layer, bn) -> tuple[np.ndarray, np.ndarray]:  # (c_in, c_out, 4) -> (c_in, c_out * 4)
            if (layer.kernel_size, layer.stride, layer.padding) != ((4,), (2,), (1,)):
                raise ValueError("the numpy pass knows transposed convolutions of kernel 4, stride 2, padding 1")
            w, b = _fold_bn(a(layer.weight), a(layer.bias), bn, 1)
            return np.ascontiguousarray(w.reshape(w.shape[0], -1)), b

        self.cond_in = conv(model.condition_in[0])
        self.cond_down = [conv(m[0]) for m in model.condition_down]
        w, b = _fold_bn(a(model.project[0].weight), a(model.project[0].bias), model.project[1], 0)
        self.project = (np.ascontiguousarray(w.T), b)
        self.up = [conv_t(m[0], m[1]) for m in model.up]
        self.out = conv(model.out)
        self.width, self.planes, self.pitches, self.steps = cfg.width, cfg.planes, cfg.pitches, cfg.steps

    def __call__(self, noise: np.ndarray, previous: np.ndarray, chord: np.ndarray,
                 grid: np.ndarray | None = None) -> np.ndarray:
        """Logits (n, planes, steps, pitches); arguments as :meth:`BarGenerator.forward`'s, in numpy."""
        n, steps = len(noise), self.steps
        if bool(self.config.meter_channels) != (grid is not None):
            raise ValueError("a meter-aware GAN needs the bar's grid, and a 16-step one takes none")
        prev = previous.transpose(0, 2, 1, 3).reshape(n, steps, self.planes * self.pitches)
        h = _leaky(_conv(prev, *self.cond_in, 1, 1))
        cond = [h]
        for w, b in self.cond_down:
            h = _leaky(_conv(h, w, b, 2, 1))
            cond.append(h)
        w, b = self.project
        # torch views the projection as (n, channels, 2): channel-major, so reorder to channels-last
        x = np.maximum(np.concatenate([noise, chord], axis=1) @ w + b, 0).reshape(n, -1, steps // 8).transpose(0, 2, 1)
        for (w, b), c in zip(self.up, (cond[3], cond[2], cond[1])):
            x = np.maximum(_conv_t(np.concatenate([x, c, _step_conditions(chord, grid, x.shape[1])], axis=2), w, b), 0)
        y = _conv(np.concatenate([x, cond[0], _step_conditions(chord, grid, steps)], axis=2), *self.out, 1, 1)
        y = y.reshape(n, steps, self.planes, self.pitches)
        if grid is not None:   # nothing sounds after the bar's end
            y = np.where(grid[:, 0, :, None, None] < 0.5, np.float32(MASKED), y)
        return y.transpose(0, 2, 1, 3)


@torch.no_grad()
def check(model: BarGenerator, rows: int = 4, seed: int = 0, meter: tuple[int, int] = (3, 4)) -> float:
    """Largest difference between the numpy and torch logits on random inputs (bars of ``meter`` for a
    meter-aware model)."""
    model.eval()
    rng = np.random.default_rng(seed)
    cfg = model.config
    noise = rng.standard_normal((rows, cfg.noise)).astype(np.float32)
    prev = (rng.random((rows, cfg.planes, cfg.steps, cfg.pitches)) < 0.05).astype(np.float32)
    chord = (rng.random((rows, 13)) < 0.25).astype(np.float32)
    grid = np.repeat(meter_grid(meter, cfg.steps)[None], rows, 0) if cfg.meter_channels == CHANNELS else None
    want = model(torch.from_numpy(noise), torch.from_numpy(prev), torch.from_numpy(chord),
                 None if grid is None else torch.from_numpy(grid)).numpy()
    return float(np.abs(NumpyBarGenerator(model)(noise, prev, chord, grid) - want).max())
