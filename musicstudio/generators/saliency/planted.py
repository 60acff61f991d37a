"""A planted repeat: a tiny events LSTM trained, in a few seconds on the CPU, on phrases of one whole note a bar
whose fourth bar repeats their first, so that it is known to copy the first bar (its take's log-likelihood
ends near 0). The check a saliency method must pass before its figures on real models mean anything: the first
bar's note should score highest (:func:`planted_hits`; the report's ``--planted``, and the tests)."""

from __future__ import annotations

import numpy as np
import torch

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.codecs import EventCodec
from musicstudio.generators.interface import BAR
from musicstudio.generators.lstm.generator import LSTMGenerator
from musicstudio.generators.lstm.model import EventLSTM, LSTMConfig, step_positions
from musicstudio.generators.phrases import TokenPhrases

CODEC = EventCodec(low=60, high=67, max_shift=16)
SEED_BARS = 3


def phrase(rng: np.random.Generator) -> tuple[Clip, Clip]:
    """(seed: three bars of one random whole note each (60-67), take: the first bar again)."""
    pitches = rng.integers(60, 68, SEED_BARS)
    seed = tuple(Note(int(p), k * BAR, BAR, 100) for k, p in enumerate(pitches))
    return Clip(seed, SEED_BARS * BAR), Clip((Note(int(pitches[0]), 0, BAR, 100),), BAR)


def trained_generator(steps: int = 500, seed: int = 0) -> LSTMGenerator:
    """An :class:`LSTMGenerator` over :data:`CODEC` that has learnt to copy the first bar (a few seconds)."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    phrases = TokenPhrases(CODEC)
    model = EventLSTM(LSTMConfig.meter_aware(CODEC.size, meters=((4, 4),), embed=16, hidden=64, layers=1,
                                             dropout=0.0, position_embed=4))
    steps_of = phrases.steps_of()
    rows = [np.concatenate([phrases.seed_tokens(s)[0], CODEC.encode(t.notes, steps=16)])
            for s, t in (phrase(rng) for _ in range(1024))]
    data = torch.from_numpy(np.stack(rows))
    slots = torch.from_numpy(np.stack([model.config.position_slots(step_positions(r, steps_of)) for r in rows]))
    optimiser = torch.optim.Adam(model.parameters(), lr=0.02)
    for _ in range(steps):
        pick = torch.randint(0, len(data), (64,))
        tokens = data[pick]
        inputs = torch.cat([torch.full((64, 1), model.start_token), tokens[:, :-1]], dim=1)
        logits, _ = model(inputs, slots[pick])
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, CODEC.size), tokens.reshape(-1))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return LSTMGenerator("planted", model.eval(), phrases, "cpu")


def planted_hits(count: int = 30, random_seed: int = 5, methods=("ig", "gradxinput")) -> dict[str, float]:
    """For each method, the share of ``count`` planted phrases whose repeated (first) bar's note scores above
    both other notes."""
    from musicstudio.generators.saliency.saliency import attribute

    generator = trained_generator()
    out = {}
    for method in methods:
        rng = np.random.default_rng(random_seed)
        found = [attribute(generator, *phrase(rng), method=method).scores for _ in range(count)]
        out[method] = float(np.mean([s[0] > max(s[1:]) for s in found]))
    return out
