"""Starting a finer-grid LSTM from a trained 16th-grid one (a training config's ``"warm_start"``).

A meter-aware :class:`~musicstudio.generators.lstm.model.EventLSTM` on the 16th grid and one on a grid of
``r`` times as many steps a quarter (12 a quarter: ``r`` = 3) differ only where time is named:

* a time shift of ``k`` fine steps is, on the 16th grid, a shift of ``k / r`` steps: the fine model's
  token for ``k`` starts as the coarse token for ``round(k / r)`` (at least 1, at most the coarse
  ``max_shift``); a shift the coarse grid cannot say (``k`` not a multiple of ``r``: a triplet) starts with
  its output bias lowered by :data:`UNHEARD_BIAS` nats, as the coarse model never saw one, and learns its
  likelihood from the triplets in the data;
* position slot ``j`` of a meter's bar is the coarse slot ``j // r`` of that meter (the 16th at or before it);
* note-ons, note-offs, velocities, the LSTM layers and the output head are the same tensors; the start
  token is the coarse start token.

So the fine model begins knowing what the coarse one learned of the tunes, and its training spends the
time on what the coarse grid could not say. Both models must list the same meters, pitches and hidden sizes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from musicstudio.generators.checkpoint import load_tensors, read_config
from musicstudio.generators.codecs import EventCodec, codec_from_vocabulary
from musicstudio.generators.codecs.grid import steps_in_bar
from musicstudio.generators.lstm.model import EventLSTM, LSTMConfig

UNHEARD_BIAS = 3.0   # nats: a shift the 16th grid could not say starts this much less likely than its neighbour


def token_map(fine: EventCodec, coarse: EventCodec) -> np.ndarray:
    """For each token of ``fine`` (and its start token, last), the ``coarse`` token it starts as."""
    ratio = fine.steps_per_quarter // coarse.steps_per_quarter
    if (fine.low, fine.high, fine.velocity_bins) != (coarse.low, coarse.high, coarse.velocity_bins) or \
            ratio < 1 or fine.steps_per_quarter % coarse.steps_per_quarter:
        raise ValueError("the fine codec must name the coarse codec's pitches and velocities on a grid it divides")
    out = np.empty(fine.size + 1, dtype=np.int64)
    out[:fine.first_shift] = np.arange(fine.first_shift)
    k = np.arange(1, fine.max_shift + 1)
    coarse_steps = np.clip(np.rint(k / ratio), 1, coarse.max_shift).astype(np.int64)
    out[fine.first_shift:fine.first_velocity] = coarse.first_shift + coarse_steps - 1
    out[fine.first_velocity:fine.size] = coarse.first_velocity + np.arange(fine.velocity_bins)
    out[fine.size] = coarse.size   # the start token
    return out


def slot_map(fine: LSTMConfig, coarse: LSTMConfig) -> np.ndarray:
    """For each position slot of ``fine``, the slot of ``coarse`` it starts as."""
    if fine.meters != coarse.meters:
        raise ValueError("the two models must list the same meters")
    ratio = fine.steps_per_quarter // coarse.steps_per_quarter
    out, first = [], 0
    for meter in fine.meters:
        out += [first + j // ratio for j in range(steps_in_bar(meter, fine.steps_per_quarter))]
        first += steps_in_bar(meter, coarse.steps_per_quarter)
    return np.asarray(out, dtype=np.int64)


def warm_start(model: EventLSTM, codec: EventCodec, folder: str | Path) -> None:
    """Set ``model`` (on ``codec``'s grid) to the LSTM in ``folder`` carried onto that grid (see the module)."""
    config = read_config(folder)
    coarse_codec = codec_from_vocabulary(config["codec"])
    coarse = LSTMConfig(**config["model"])
    tokens, slots = token_map(codec, coarse_codec), slot_map(model.config, coarse)
    weights = load_tensors(folder)
    state = {}
    for name, tensor in weights.items():
        if name == "embed.weight":
            tensor = tensor[torch.from_numpy(tokens)]
        elif name == "position.weight":
            tensor = tensor[torch.from_numpy(slots)]
        elif name in ("head.weight", "head.bias"):
            tensor = tensor[torch.from_numpy(tokens[:-1])].clone()
        state[name] = tensor
    unheard = [t for t in range(codec.first_shift, codec.first_velocity)
               if (t - codec.first_shift + 1) % (codec.steps_per_quarter // coarse_codec.steps_per_quarter)]
    state["head.bias"][unheard] -= UNHEARD_BIAS
    model.load_state_dict(state)
