"""Continuing a drum groove: the drum LSTM samples one token (the set of drums hit) per 16th step.

The network is the LSTM backend's :class:`~musicstudio.generators.lstm.model.EventLSTM` with its
meter-aware position input (a run of slots per meter, :class:`~musicstudio.generators.lstm.model.LSTMConfig`),
over the drum codec's tokens (:class:`~musicstudio.generators.codecs.drums.DrumCodec`), one a step, so a
step's position is its index. The seed (starting on a bar line of the request's meter) runs through torch
in one call; the takes are sampled together, a row each, by the LSTM's numpy stepper. Every take is the
rest of the seed's unfinished bar and ``request.bars`` bars of its meter, in General MIDI drum numbers: each
group sounds as the number the seed used most for it (its canonical number otherwise). Key locks and pitch
ranges do not apply to drums (a pitch names a drum, not a note) and are left aside. Each step's
distribution is mixed with the seed's own bar pattern (:mod:`.pattern`, the ``repeat`` option) before
temperature and top-p.
"""

from __future__ import annotations

import numpy as np
import torch

from musicstudio.generators.codecs.drums import DrumCodec, seed_pitches
from musicstudio.generators.codecs.grid import STEP_TICKS
from musicstudio.generators.drums.pattern import copy_distribution, cycle_steps, mixed, repeat_weight
from musicstudio.generators.interface import CancelToken, GenerationRequest, Progress, Take
from musicstudio.generators.lstm.model import EventLSTM
from musicstudio.generators.lstm.stepper import NumpyStepper, torch_log_probs
from musicstudio.generators.sampling import sample, shaped

BACKEND_NAME = "drums"
VARY_AMOUNT = 0.5           # how far Vary strays from the groove unless the request says (option "amount")
SEED_STEPS = 16 * 32        # the seed's last 32 bars of 4/4 at most (whole bars of its meter) reach the network


def seed_window(tokens: np.ndarray, bar_steps: int, limit: int = SEED_STEPS) -> np.ndarray:
    """The seed's last whole bars that fit in ``limit`` steps, so the window still starts on a bar line."""
    if len(tokens) <= limit:
        return tokens
    keep = max(bar_steps, limit // bar_steps * bar_steps)
    cut = len(tokens) - keep
    cut += -cut % bar_steps
    return tokens[cut:]


class DrumGenerator:
    backend = BACKEND_NAME

    def __init__(self, name: str, model: EventLSTM, codec: DrumCodec, device: str = "cpu", library=None):
        self.name = name
        self.codec = codec
        self.library = library      # Add drums' groove library (:mod:`.library`), None when the model has none
        self.device = device
        self.model = model.to(device).eval()
        self._stepper = NumpyStepper(model) if device == "cpu" else None

    def _bar_steps(self, meter: tuple[int, int]) -> int:
        return self.model.config.meter_slot_of(meter)[1]

    @torch.no_grad()
    def _begin(self, seed: np.ndarray, rows: int, meter: tuple[int, int]):
        """Log-probabilities of the first generated step for ``rows`` copies of the seed, and the state."""
        inputs = np.concatenate([[self.model.start_token], seed]).astype(np.int64)
        slots = self.model.config.position_slots(np.arange(len(inputs)), meter)
        x = torch.from_numpy(inputs).to(self.device).unsqueeze(0)
        p = torch.from_numpy(slots).to(self.device).unsqueeze(0)
        logits, (h, c) = self.model(x, p)
        log_p = np.repeat(torch_log_probs(logits[:, -1]), rows, axis=0)
        h, c = h.repeat(1, rows, 1), c.repeat(1, rows, 1)
        return log_p, (NumpyStepper.from_torch((h, c)) if self._stepper is not None else (h, c))

    @torch.no_grad()
    def _push(self, tokens: np.ndarray, step: int, meter: tuple[int, int], state):
        slots = self.model.config.position_slots(np.full(len(tokens), step), meter)
        if self._stepper is not None:
            return self._stepper.step(tokens, slots, state)
        x = torch.from_numpy(tokens).to(self.device).unsqueeze(1)
        p = torch.from_numpy(slots).to(self.device).unsqueeze(1)
        logits, state = self.model(x, p, state)
        return torch_log_probs(logits[:, -1]), state

    def sample_steps(self, request: GenerationRequest, seed: np.ndarray, target: int, guide, weight: float,
                progress: Progress | None, cancel: CancelToken | None) -> np.ndarray:
        """``(variations, target)`` tokens after ``seed``, each step's distribution mixed with weight
        ``weight`` with ``guide(history, position)`` (a copy distribution, or None for the model alone)."""
        meter, rows = request.meter, request.variations
        rng = np.random.default_rng(request.random_seed)
        log_p, state = self._begin(seed, rows, meter)
        history = np.zeros((rows, len(seed) + target), np.int64)
        history[:, :len(seed)] = seed
        out = history[:, len(seed):]
        for t in range(target):
            if cancel is not None:
                cancel.check()
            copy = guide(history, len(seed) + t) if weight else None
            if copy is not None:
                log_p = mixed(log_p, copy, weight)
            tokens = sample(shaped(log_p, request.temperature, request.top_p), rng)
            out[:, t] = tokens
            if t + 1 < target:
                log_p, state = self._push(tokens, len(seed) + t + 1, meter, state)
            if progress is not None and t % 16 == 15:
                progress((t + 1) / target)
        if progress is not None:
            progress(1.0)
        return out

    def _takes(self, request: GenerationRequest, tokens: np.ndarray) -> list[Take]:
        pitches, record = seed_pitches(request.seed.notes), request.record()
        return [Take(notes=self.codec.decode(row, pitches), length=len(row) * STEP_TICKS, backend=self.backend,
                     model=self.name, request=record, variation=r) for r, row in enumerate(tokens)]

    def generate(self, request: GenerationRequest, progress: Progress | None = None,
                 cancel: CancelToken | None = None) -> list[Take]:
        """Continue the seed groove (see the module's note)."""
        seed_steps = -(-request.seed.length // STEP_TICKS)
        target = -(-request.take_length(seed_steps * STEP_TICKS) // STEP_TICKS)
        seed = seed_window(self.codec.encode(request.seed.notes, seed_steps), self._bar_steps(request.meter))
        cycle, vocab = cycle_steps(len(seed), self._bar_steps(request.meter)), self.codec.vocab_size

        def guide(history: np.ndarray, position: int):
            return copy_distribution(history, position, cycle, vocab) if cycle else None
        return self._takes(request, self.sample_steps(request, seed, target, guide, repeat_weight(request.options),
                                                 progress, cancel))

    def vary(self, request: GenerationRequest, progress: Progress | None = None,
             cancel: CancelToken | None = None) -> list[Take]:
        """Variations of the seed groove, as long as it (its whole bars, the last one completed): the LSTM
        plays it again from its first bar line, each step's distribution mixed with the groove's own step
        (:mod:`.pattern`) with weight ``1 - amount`` (the request's ``amount`` option, 0.5 unless given: 0
        gives the groove back, 1 a new groove in its meter that has only heard its own steps)."""
        amount = float(request.options.get("amount", VARY_AMOUNT))
        if not 0.0 <= amount <= 1.0:
            raise ValueError(f"amount must lie between 0 and 1, not {amount}")
        bar = self._bar_steps(request.meter)
        steps = max(1, -(-request.seed.length // (bar * STEP_TICKS))) * bar
        groove = self.codec.encode(request.seed.notes, steps)
        vocab = self.codec.vocab_size

        def guide(history: np.ndarray, position: int):
            copy = np.zeros((history.shape[0], vocab))
            copy[:, groove[position]] = 1.0
            return copy
        empty = np.zeros(0, np.int64)
        return self._takes(request, self.sample_steps(request, empty, steps, guide, 1.0 - amount, progress, cancel))
