"""Training windows: crops of ``window`` steps of the chorales' token lines (bar-aligned or not: the meter
planes say where the bar lines fall), with their piano rolls, masks and meter planes as tensors."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from musicstudio.generators.codecs.melody import HOLD, NOTE_OFF
from musicstudio.generators.harmonizer.masks import training_mask
from musicstudio.generators.harmonizer.voices import ROLL, Voices, meter_planes, rolls

IGNORE = -100


@dataclass
class Batch:
    roll: torch.Tensor      # (B, 4, T, ROLL)
    mask: torch.Tensor      # (B, 4, T) float, 1 where predicted
    planes: torch.Tensor    # (B, 3, T)
    targets: torch.Tensor   # (B, 4, T) tokens, IGNORE where not masked or past the end


def crop(voices: Voices, start: int, window: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(roll (4, window, ROLL), tokens (4, window), real (window,) bool) from ``start``; a line shorter than
    the window is padded with silence (not real). The rolls come from the whole line, so a note sounding
    across the crop's start is heard."""
    full = rolls(voices.tokens)[:, start:start + window]
    tokens = voices.tokens[:, start:start + window]
    real = np.ones(window, bool)
    if tokens.shape[1] < window:
        n = tokens.shape[1]
        pad = np.full((4, window - n), HOLD, np.int64)
        pad[:, 0] = NOTE_OFF
        tokens = np.concatenate([tokens, pad], axis=1)
        silence = np.zeros((4, window - n, ROLL), np.float32)
        silence[..., ROLL - 2] = 1.0
        full = np.concatenate([full, silence], axis=1)
        real[n:] = False
    return full, tokens, real


def batch(lines: list[Voices], rng: np.random.Generator, size: int, window: int,
          masks=training_mask) -> Batch:
    rolls_, tokens_, masks_, planes_ = [], [], [], []
    lengths = np.array([v.steps for v in lines], float)
    for i in rng.choice(len(lines), size=size, p=lengths / lengths.sum()):
        v = lines[i]
        start = int(rng.integers(0, max(1, v.steps - window + 1)))
        roll, tokens, real = crop(v, start, window)
        mask = masks(rng, window) & real[None, :]
        rolls_.append(roll)
        tokens_.append(np.where(mask, tokens, IGNORE))
        masks_.append(mask)
        planes_.append(meter_planes(v.meter, window, start))
    return Batch(torch.from_numpy(np.stack(rolls_)), torch.from_numpy(np.stack(masks_).astype(np.float32)),
                 torch.from_numpy(np.stack(planes_)), torch.from_numpy(np.stack(tokens_)))
