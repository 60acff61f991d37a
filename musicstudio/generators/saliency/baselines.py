"""The baseline the attribution starts from: the seed with *no particular* pitch, duration or place.

Each attributed row (a token's embedding joined with its position slot's) is replaced by the mean embedding of
the tokens of its *kind* (events codec: note-ons, note-offs, time shifts, velocities; melody codec: note
onsets; a HOLD or NOTE_OFF of the melody codec is its own kind) joined with the mean of the position slots of
the meter's bar. The baseline seed keeps its sequence of event kinds (so the network still reads "a note
starts, time passes, a note ends" in the same order, and its state is not thrown off by input it never saw,
as the zero vector throws it), and loses which pitch, how long and where in the bar: the attribution then
measures what the seed's *content* did for the take. Measured against the zero vector and the mean row, this
baseline made the repeated-bar test fairer (docs/saliency.md).
"""

from __future__ import annotations

import numpy as np
import torch

from musicstudio.generators.codecs import EventCodec, MelodyCodec
from musicstudio.generators.codecs.melody import FIRST_NOTE


def kind_ranges(codec) -> list[tuple[int, int]]:
    """The token ranges whose members are interchangeable in the baseline."""
    if isinstance(codec, MelodyCodec):
        return [(FIRST_NOTE, codec.size)]
    if isinstance(codec, EventCodec):
        return [(0, codec.first_off), (codec.first_off, codec.first_shift),
                (codec.first_shift, codec.first_velocity), (codec.first_velocity, codec.size)]
    raise ValueError(f"no baseline for the codec {type(codec).__name__}")


def token_baseline(embed: torch.nn.Embedding, codec, tokens: np.ndarray) -> torch.Tensor:
    """``(len(tokens), width)``: each token's kind's mean embedding (a token of no kind keeps its own)."""
    weight = embed.weight.detach()
    rows = weight[torch.from_numpy(np.asarray(tokens, np.int64))].clone()
    for low, high in kind_ranges(codec):
        if high > low:
            inside = torch.from_numpy((tokens >= low) & (tokens < high))
            rows[inside] = weight[low:high].mean(dim=0)
    return rows


def slot_baseline(position: torch.nn.Embedding | None, first: int, count: int, rows: int) -> torch.Tensor | None:
    """``(rows, width)``: the mean of the slots ``first .. first + count`` (None without a position input)."""
    if position is None:
        return None
    mean = position.weight.detach()[first:first + count].mean(dim=0)
    return mean[None].expand(rows, -1)
