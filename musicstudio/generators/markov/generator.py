"""Generating and scoring with an n-gram model: the token-model protocol that
:func:`musicstudio.generators.continuation.continue_phrase` samples from."""

from __future__ import annotations

import numpy as np

from musicstudio.generators.continuation import continue_phrase
from musicstudio.generators.interface import CancelToken, GenerationRequest, Progress, Take
from musicstudio.generators.markov.configs import BACKEND
from musicstudio.generators.markov.ngram import NGramModel
from musicstudio.generators.phrases import TokenPhrases


class MarkovGenerator:
    backend = BACKEND

    def __init__(self, name: str, model: NGramModel, phrases: TokenPhrases):
        self.name, self.model, self.phrases = name, model, phrases
        self.device = "cpu"

    # the TokenModel protocol of musicstudio.generators.continuation
    def begin(self, seed: np.ndarray, rows: int) -> np.ndarray:
        width = self.model.order - 1
        start = np.concatenate([np.full(width, self.model.vocab, np.int64), np.asarray(seed, np.int64)])
        return np.tile(start[len(start) - width:] if width else start[:0], (rows, 1))

    def log_probs(self, state: np.ndarray) -> np.ndarray:
        return np.log(self.model.distribution(state))

    def push(self, state: np.ndarray, tokens: np.ndarray) -> np.ndarray:
        if state.shape[1] == 0:
            return state
        return np.concatenate([state[:, 1:], tokens[:, None]], axis=1)

    def score(self, tokens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Log-probability of each token given the ones before, and whether it was the top guess."""
        return self.model.score(tokens)

    def generate(self, request: GenerationRequest, progress: Progress | None = None,
                 cancel: CancelToken | None = None) -> list[Take]:
        return continue_phrase(self, self.phrases, request, BACKEND, self.name, progress, cancel)
