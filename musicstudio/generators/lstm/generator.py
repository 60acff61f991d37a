"""Generating and scoring with a trained :class:`~musicstudio.generators.lstm.model.EventLSTM`: the
token-model protocol that :func:`musicstudio.generators.continuation.continue_phrase` samples from."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from musicstudio.generators.blas_threads import one_blas_thread
from musicstudio.generators.continuation import continue_phrase
from musicstudio.generators.copy_cache import CopyCache, with_cache
from musicstudio.generators.interface import CancelToken, GenerationRequest, Progress, Take
from musicstudio.generators.lstm.configs import BACKEND
from musicstudio.generators.lstm.model import EventLSTM, step_positions
from musicstudio.generators.lstm.stepper import NumpyStepper, one_torch_thread, torch_log_probs
from musicstudio.generators.phrases import TokenPhrases


class LSTMGenerator:
    """Continues seeds with an :class:`EventLSTM`. On the CPU each sampling step runs in numpy
    (:class:`~musicstudio.generators.lstm.stepper.NumpyStepper`); on other devices, in torch. With a copy
    ``cache`` (config.json's ``decoding.copy``) each step's distribution is mixed with copying from the seed
    and the take so far (:mod:`musicstudio.generators.copy_cache`); :meth:`score` stays the network's."""

    backend = BACKEND

    def __init__(self, name: str, model: EventLSTM, phrases: TokenPhrases, device: str,
                 cache: CopyCache | None = None):
        self.name, self.model, self.phrases, self.device = name, model.to(device).eval(), phrases, device
        self.cache = cache
        self._steps_of = phrases.steps_of()
        self._stepper = NumpyStepper(self.model) if torch.device(device).type == "cpu" else None

    # the TokenModel protocol -----------------------------------------------------------------------------
    @torch.no_grad()
    def begin(self, seed: np.ndarray, rows: int, meter: tuple[int, int] = (4, 4)):
        """The seed (starting on a bar line of ``meter``) runs once through torch (one call for the whole
        sequence); the rows copy its state."""
        seed = np.asarray(seed, np.int64)
        inputs = np.concatenate([[self.model.start_token], seed])
        steps = np.concatenate([[0], step_positions(seed, self._steps_of)])
        # inputs[i] predicts the token at steps[i + 1]; the last input predicts the next token
        next_step = int(steps[-1] + (self._steps_of[seed[-1]] if len(seed) else 0))
        target = self.model.config.position_slots(np.concatenate([steps[1:], [next_step]]), meter)
        x = torch.from_numpy(inputs).to(self.device).unsqueeze(0)
        p = torch.from_numpy(target).to(self.device).unsqueeze(0)
        logits, (h, c) = self.model(x, p)
        log_p = np.repeat(torch_log_probs(logits[:, -1]), rows, axis=0)
        h, c = h.repeat(1, rows, 1), c.repeat(1, rows, 1)
        state = NumpyStepper.from_torch((h, c)) if self._stepper is not None else (h, c)
        # the run of position slots of the meter, found once: a step only takes its steps modulo the bar
        run = self.model.config.meter_slot_of(meter) if self.model.config.meters else None
        return {"log_probs": log_p, "state": state, "position": np.full(rows, next_step, np.int64), "meter": meter,
                "run": run}

    def log_probs(self, state) -> np.ndarray:
        return state["log_probs"]

    def push(self, state, tokens: np.ndarray):
        position = state["position"] + self._steps_of[tokens]
        first, length = state["run"] or (0, 0)
        slots = first + position % length if length else position   # LSTMConfig.position_slots, its run known
        if self._stepper is not None:
            log_p, lstm_state = self._stepper.step(tokens, slots, state["state"])
            return {**state, "log_probs": log_p, "state": lstm_state, "position": position}
        with torch.no_grad():
            x = torch.from_numpy(tokens).to(self.device).unsqueeze(1)
            p = torch.from_numpy(slots).to(self.device).unsqueeze(1)
            logits, lstm_state = self.model(x, p, state["state"])
        return {**state, "log_probs": torch_log_probs(logits[:, -1]), "state": lstm_state, "position": position}

    @torch.no_grad()
    def distributions(self, tokens: np.ndarray, chunk: int = 2048, meter: tuple[int, int] = (4, 4)):
        """For a whole sequence (starting on a bar line of ``meter``), chunk by chunk: ``(log_probs (n, vocab)
        tensor, targets (n,) tensor)``, the log-probabilities of each token given every token before it (the
        state carried over)."""
        tokens = np.asarray(tokens, np.int64)
        inputs = np.concatenate([[self.model.start_token], tokens[:-1]])
        positions = self.model.config.position_slots(step_positions(tokens, self._steps_of), meter)
        state = None
        for i in range(0, len(tokens), chunk):
            x = torch.from_numpy(inputs[i:i + chunk]).to(self.device).unsqueeze(0)
            p = torch.from_numpy(positions[i:i + chunk]).to(self.device).unsqueeze(0)
            logits, state = self.model(x, p, state)
            yield F.log_softmax(logits[0].float(), dim=-1), torch.from_numpy(tokens[i:i + chunk]).to(self.device)

    def score(self, tokens: np.ndarray, meter: tuple[int, int] = (4, 4)) -> tuple[np.ndarray, np.ndarray]:
        """Log-probability of each token (a sequence from a bar line of ``meter``) given the ones before, and
        whether it was the top guess."""
        return score_chunks(self.distributions(tokens, meter=meter))

    def generate(self, request: GenerationRequest, progress: Progress | None = None,
                 cancel: CancelToken | None = None) -> list[Take]:
        torch.manual_seed(request.random_seed)
        model = with_cache(self, self.cache, self.phrases)
        with one_blas_thread(), one_torch_thread():   # the seed's pass too: a second thread only waits here
            return continue_phrase(model, self.phrases, request, BACKEND, self.name, progress, cancel)


def score_chunks(chunks) -> tuple[np.ndarray, np.ndarray]:
    """From ``(log_probs (n, vocab), targets (n,))`` chunks: each target's log-probability, and whether it
    was the most likely token."""
    log_p, top = [], []
    for lp, y in chunks:
        log_p.append(lp.gather(1, y[:, None])[:, 0].cpu().numpy())
        top.append((lp.argmax(dim=1) == y).cpu().numpy())
    return np.concatenate(log_p), np.concatenate(top)
