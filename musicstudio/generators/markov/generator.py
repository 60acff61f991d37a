"""Generating and scoring with an n-gram model: the token-model protocol that
:func:`musicstudio.generators.continuation.continue_phrase` samples from.

Generation mixes the corpus's model with one counted on the seed and ends notes held past the seed's
longest and rests past its longest rest (:mod:`.seed_memory`); scoring, what the reports compare every
backend against, is the corpus's model alone. A meter-aware model (:mod:`.bar_slots`) follows the step in
the bar of the request's meter from the seed's first bar line, and asks both models for the next token
at that slot.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from musicstudio.generators.continuation import continue_phrase
from musicstudio.generators.interface import CancelToken, GenerationRequest, Progress, Take
from musicstudio.generators.markov.bar_slots import BarSlots
from musicstudio.generators.markov.configs import BACKEND
from musicstudio.generators.markov.ngram import NGramModel
from musicstudio.generators.markov.seed_memory import Distributions, Holds, SeedMemory, mixed, remember, towards_seed
from musicstudio.generators.phrases import TokenPhrases


class _State(NamedTuple):
    contexts: np.ndarray   # (rows, order - 1) last tokens, oldest first
    memory: SeedMemory
    holds: Holds
    short: Distributions | None   # the seed's model, remembered for this request
    steps: np.ndarray      # (rows,) steps from the seed's first bar line to the next token
    meter: tuple[int, int]


class MarkovGenerator:
    backend = BACKEND

    def __init__(self, name: str, model: NGramModel, phrases: TokenPhrases, bar_slots: BarSlots | None = None):
        if (bar_slots is not None) != bool(model.slots) or (bar_slots and bar_slots.count != model.slots):
            raise ValueError("a meter-aware n-gram needs the bar slots it was counted with")
        self.name, self.model, self.phrases, self.bar_slots = name, model, phrases, bar_slots
        self.device = "cpu"
        self.long = Distributions(model)
        self._steps_of = phrases.steps_of()

    def slots_of(self, tokens: np.ndarray, meter: tuple[int, int]) -> np.ndarray | None:
        """The slot of each token of a sequence from a bar line of ``meter`` (None: a model without)."""
        return None if self.bar_slots is None else self.bar_slots.of_tokens(tokens, self._steps_of, meter)

    def _slots(self, state: _State) -> np.ndarray | None:
        return None if self.bar_slots is None else self.bar_slots.of_steps(state.steps, state.meter)

    # the TokenModel protocol of musicstudio.generators.continuation
    def begin(self, seed: np.ndarray, rows: int, meter: tuple[int, int] = (4, 4)) -> _State:
        """The state after the seed, which starts on a bar line of ``meter`` (a model without bar slots
        keeps no bar position: there ``meter`` only sets the take's length, the caller's)."""
        width = self.model.order - 1
        seed = np.asarray(seed, np.int64)
        start = np.concatenate([np.full(width, self.model.vocab, np.int64), seed])
        contexts = np.tile(start[len(start) - width:] if width else start[:0], (rows, 1))
        holds = Holds(self.phrases, rows)
        holds.replay(seed)
        memory = remember(self.phrases, self.model, seed, self.slots_of(seed, meter))
        steps = np.full(rows, int(self._steps_of[seed].sum()), np.int64)
        return _State(contexts, memory, holds, Distributions(memory.short) if memory.short is not None else None,
                      steps, (int(meter[0]), int(meter[1])))

    def log_probs(self, state: _State) -> np.ndarray:
        slots = self._slots(state)
        p = self.long(state.contexts, slots)
        if state.short is not None:
            base = None if self.bar_slots is None else towards_seed(p, state.short.model)
            p = mixed(p, state.short(state.contexts, slots, base))
        return state.holds.ended_where_overdue(np.log(p), state.memory)

    def push(self, state: _State, tokens: np.ndarray) -> _State:
        state.holds.push(tokens)
        state = state._replace(steps=state.steps + self._steps_of[tokens])
        if state.contexts.shape[1] == 0:
            return state
        return state._replace(contexts=np.concatenate([state.contexts[:, 1:], tokens[:, None]], axis=1))

    def score(self, tokens: np.ndarray, meter: tuple[int, int] = (4, 4)) -> tuple[np.ndarray, np.ndarray]:
        """Log-probability of each token (a sequence from a bar line of ``meter``) given the ones before, and
        whether it was the top guess (a model without bar slots: ``meter`` changes nothing)."""
        tokens = np.asarray(tokens, np.int64)
        return self.model.score(tokens, positions=self.slots_of(tokens, meter))

    def generate(self, request: GenerationRequest, progress: Progress | None = None,
                 cancel: CancelToken | None = None) -> list[Take]:
        return continue_phrase(self, self.phrases, request, BACKEND, self.name, progress, cancel)
