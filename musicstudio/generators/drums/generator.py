"""Continuing a drum groove: the drum LSTM samples one token (the set of drums hit) per 16th step.

The network is the LSTM backend's :class:`~musicstudio.generators.lstm.model.EventLSTM` with its
meter-aware position input (a run of slots per meter, :class:`~musicstudio.generators.lstm.model.LSTMConfig`),
over the drum codec's tokens (:class:`~musicstudio.generators.codecs.drums.DrumCodec`), one a step, so a
step's position is its index. The seed (starting on a bar line of the request's meter) runs through torch
in one call; the takes are sampled together, a row each, by the LSTM's numpy stepper. Every take is the
rest of the seed's unfinished bar and ``request.bars`` bars of its meter, in General MIDI drum numbers: each
group sounds as the number the seed used most for it (its canonical number otherwise). Key locks and pitch
ranges do not apply to drums (a pitch names a drum, not a note) and are left aside.
"""

from __future__ import annotations

import numpy as np
import torch

from musicstudio.generators.codecs.drums import DrumCodec, seed_pitches
from musicstudio.generators.codecs.grid import STEP_TICKS
from musicstudio.generators.interface import CancelToken, GenerationRequest, Progress, Take
from musicstudio.generators.lstm.model import EventLSTM
from musicstudio.generators.lstm.stepper import NumpyStepper, torch_log_probs
from musicstudio.generators.sampling import sample, shaped

BACKEND_NAME = "drums"
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

    def __init__(self, name: str, model: EventLSTM, codec: DrumCodec, device: str = "cpu"):
        self.name = name
        self.codec = codec
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

    def generate(self, request: GenerationRequest, progress: Progress | None = None,
                 cancel: CancelToken | None = None) -> list[Take]:
        seed_notes = request.seed.notes
        seed_steps = -(-request.seed.length // STEP_TICKS)
        target = -(-request.take_length(seed_steps * STEP_TICKS) // STEP_TICKS)
        meter, rows = request.meter, request.variations
        seed = seed_window(self.codec.encode(seed_notes, seed_steps), self._bar_steps(meter))
        rng = np.random.default_rng(request.random_seed)
        log_p, state = self._begin(seed, rows, meter)
        out = np.zeros((rows, target), np.int64)
        for t in range(target):
            if cancel is not None:
                cancel.check()
            tokens = sample(shaped(log_p, request.temperature, request.top_p), rng)
            out[:, t] = tokens
            if t + 1 < target:
                log_p, state = self._push(tokens, len(seed) + t + 1, meter, state)
            if progress is not None and t % 16 == 15:
                progress((t + 1) / target)
        if progress is not None:
            progress(1.0)
        pitches = seed_pitches(seed_notes)
        record = request.record()
        return [Take(notes=self.codec.decode(out[r], pitches), length=target * STEP_TICKS, backend=self.backend,
                     model=self.name, request=record, variation=r) for r in range(rows)]
