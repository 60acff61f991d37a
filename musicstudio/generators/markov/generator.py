"""Generating and scoring with an n-gram model: the token-model protocol that
:func:`musicstudio.generators.continuation.continue_phrase` samples from.

Generation mixes the corpus's model with one counted on the seed and ends notes held past the seed's
longest and rests past its longest rest (:mod:`.seed_memory`); scoring, what the reports compare every
backend against, is the corpus's model alone.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from musicstudio.generators.continuation import continue_phrase
from musicstudio.generators.interface import CancelToken, GenerationRequest, Progress, Take
from musicstudio.generators.markov.configs import BACKEND
from musicstudio.generators.markov.ngram import NGramModel
from musicstudio.generators.markov.seed_memory import Distributions, Holds, SeedMemory, mixed, remember
from musicstudio.generators.phrases import TokenPhrases


class _State(NamedTuple):
    contexts: np.ndarray   # (rows, order - 1) last tokens, oldest first
    memory: SeedMemory
    holds: Holds
    short: Distributions | None   # the seed's model, remembered for this request


class MarkovGenerator:
    backend = BACKEND

    def __init__(self, name: str, model: NGramModel, phrases: TokenPhrases):
        self.name, self.model, self.phrases = name, model, phrases
        self.device = "cpu"
        self.long = Distributions(model)

    # the TokenModel protocol of musicstudio.generators.continuation
    def begin(self, seed: np.ndarray, rows: int, meter: tuple[int, int] = (4, 4)) -> _State:
        """The n-gram model keeps no bar position: ``meter`` only sets the take's length (the caller's)."""
        width = self.model.order - 1
        seed = np.asarray(seed, np.int64)
        start = np.concatenate([np.full(width, self.model.vocab, np.int64), seed])
        contexts = np.tile(start[len(start) - width:] if width else start[:0], (rows, 1))
        holds = Holds(self.phrases, rows)
        holds.replay(seed)
        memory = remember(self.phrases, self.model, seed)
        return _State(contexts, memory, holds, Distributions(memory.short) if memory.short is not None else None)

    def log_probs(self, state: _State) -> np.ndarray:
        p = self.long(state.contexts)
        if state.short is not None:
            p = mixed(p, state.short(state.contexts))
        return state.holds.ended_where_overdue(np.log(p), state.memory)

    def push(self, state: _State, tokens: np.ndarray) -> _State:
        state.holds.push(tokens)
        if state.contexts.shape[1] == 0:
            return state
        return state._replace(contexts=np.concatenate([state.contexts[:, 1:], tokens[:, None]], axis=1))

    def score(self, tokens: np.ndarray, meter: tuple[int, int] = (4, 4)) -> tuple[np.ndarray, np.ndarray]:
        """Log-probability of each token given the ones before, and whether it was the top guess (an n-gram
        model keeps no bar position: ``meter`` changes nothing)."""
        return self.model.score(tokens)

    def generate(self, request: GenerationRequest, progress: Progress | None = None,
                 cancel: CancelToken | None = None) -> list[Take]:
        return continue_phrase(self, self.phrases, request, BACKEND, self.name, progress, cancel)
