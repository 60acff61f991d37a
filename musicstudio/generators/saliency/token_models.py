"""The objective of the token models (lstm, lstm-triplets, lstm-nc, infill): the log-likelihood of the take's
tokens, teacher-forced after the seed, as a function of the embedding rows the network reads.

The network's input row for a token is its embedding joined with the embedding of the position slot the
model gives it (:class:`~musicstudio.generators.lstm.model.LSTMConfig`: the meter's run of slots, the step in
the bar), exactly as :meth:`~musicstudio.generators.lstm.generator.LSTMGenerator.begin` feeds a seed; the
rows are then run through the model's own LSTM and head. The infill model reads what a continuation request
gives it: the empty after part, the FILL marker of the take's bars, the seed's last bars
(:func:`~musicstudio.generators.infill.generator.last_bars`), then the take; its likelihood is over the
codec's tokens (the markers left out, as sampling leaves them out). Its copy cache (a mixture over repeated
token runs) is not part of the network: :mod:`.pointer` attributes what it adds from the places it points at.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from musicstudio.core.clip import Clip
from musicstudio.generators.codecs.grid import on_grid
from musicstudio.generators.infill.generator import InfillGenerator, last_bars
from musicstudio.generators.infill.sequences import fill_token
from musicstudio.generators.interface import bar_ticks
from musicstudio.generators.lstm.generator import LSTMGenerator
from musicstudio.generators.lstm.model import step_positions
from musicstudio.generators.saliency.baselines import slot_baseline, token_baseline
from musicstudio.generators.saliency.ownership import fold


@dataclass(frozen=True)
class Inputs:
    """What the network reads for one (seed, take): its embedding rows, which of them are the seed's tokens
    (``seed_rows``: the row of each seed token, in order), the seed's tokens, and the objective."""

    x: torch.Tensor
    seed_rows: np.ndarray
    seed_tokens: np.ndarray
    objective: object
    kept: np.ndarray          # indices of the user's seed notes the model reads (the others cannot count)
    seed: Clip                # the seed as the model reads it (its notes: those of ``kept``)
    shift: int
    first: int = 0            # the index in ``seed_tokens`` of the token the first seed row reads
    baseline: torch.Tensor | None = None   # rows x width: where the attribution starts (.baselines)
    tail: object = None       # objective(points from row ``start`` on, start), for a left-to-right network
    take_tokens: np.ndarray | None = None   # the take's tokens (the token models'; the copy cache reads them)
    take_log_probs: object = None           # () -> each take token's log-probability under the network


def take_tokens(generator: LSTMGenerator, take: Clip, shift: int) -> np.ndarray:
    """The take's tokens in the codec, moved by the seed's transposition (``shift``) as the take was made."""
    codec = generator.phrases.codec
    step = generator.phrases.step_ticks
    notes = [n._replace(pitch=fold(n.pitch + shift, codec.low, codec.high))
             for n in on_grid(take.notes, step_ticks=step)]
    steps = -(-max(take.length, max((n.end for n in take.notes), default=0)) // step)
    return codec.encode(notes, steps=steps) if steps else np.zeros(0, np.int64)


def token_inputs(generator: LSTMGenerator, seed: Clip, take: Clip, meter: tuple[int, int]) -> Inputs:
    """The network's rows for the seed then the take, and the take's log-likelihood as a function of them."""
    kept = np.arange(len(seed.notes))
    context = np.zeros(0, np.int64)
    if isinstance(generator, InfillGenerator):
        cut = last_bars(seed, bar_ticks(meter))
        kept = np.array([i for i, n in enumerate(seed.notes) if n.start >= seed.length - cut.length], np.int64)
        seed = cut
    seed_tokens, _, shift = generator.phrases.seed_tokens(seed)
    take_part = take_tokens(generator, take, shift)
    if not len(take_part):
        raise ValueError("the take has no length: there is nothing for the seed to have shaped")
    model = generator.model
    steps_of = generator.phrases.steps_of()
    if isinstance(generator, InfillGenerator):
        context = np.array([fill_token(generator.phrases.codec, -(-take.length // bar_ticks(meter)))])
    tail = np.concatenate([seed_tokens, take_part])
    sequence = np.concatenate([context, tail]).astype(np.int64)
    positions = np.concatenate([np.zeros(len(context), np.int64), step_positions(tail, steps_of)])
    slots = model.config.position_slots(positions, meter)
    inputs = np.concatenate([[model.start_token], sequence[:-1]])
    with torch.no_grad():
        x = model.embed(torch.from_numpy(inputs).to(generator.device))
        baseline = token_baseline(model.embed, generator.phrases.codec, inputs)
        if model.config.positions:
            slot_rows = torch.from_numpy(np.asarray(slots, np.int64) % model.config.positions).to(generator.device)
            x = torch.cat([x, model.position(slot_rows)], dim=-1)
            first, count = model.config.meter_slot_of(meter) if model.config.meters else (0, 16)
            baseline = torch.cat([baseline, slot_baseline(model.position, first, count, len(inputs))], dim=-1)
    first_target = len(context) + len(seed_tokens)
    targets = torch.from_numpy(sequence[first_target:]).to(generator.device)
    vocab = generator.phrases.vocab_size

    read: dict[int, tuple[torch.Tensor, torch.Tensor] | None] = {0: None}   # the state after rows :start

    def per_token(batch: torch.Tensor, start: int) -> torch.Tensor:
        """Each take token's log-probability ``(batch, take tokens)``, the rows before ``start`` read once."""
        if start not in read:
            with torch.no_grad():
                read[start] = model.lstm(x[None, :start])[1]
        state = read[start]
        if state is not None:
            state = tuple(s.expand(-1, len(batch), -1).contiguous() for s in state)
        out, _ = model.lstm(batch, state)
        logits = model.head(out[:, first_target - start:])[..., :vocab]
        log_p = torch.log_softmax(logits.float(), dim=-1)
        return log_p.gather(2, targets[None, :, None].expand(len(batch), -1, 1))[..., 0]

    def tail(batch: torch.Tensor, start: int) -> torch.Tensor:
        return per_token(batch, start).sum(dim=1)

    def objective(batch: torch.Tensor) -> torch.Tensor:
        return tail(batch, 0)

    seed_rows = len(context) + 1 + np.arange(len(seed_tokens))
    return Inputs(x, seed_rows, seed_tokens, objective, kept, seed, shift, baseline=baseline, tail=tail,
                  take_tokens=take_part, take_log_probs=lambda: per_token(x[None], 0)[0].detach().cpu().numpy())
