"""Continuing a seed with a token model: the sampling loop every token backend (Markov, LSTM) shares.

A :class:`TokenModel` answers one question, "given what came before, how likely is each next token",
for a batch of rows at once. :func:`continue_phrase` turns a :class:`GenerationRequest` into takes: the
seed becomes tokens, each variation is a row of the batch, masks apply the key lock and pitch range,
temperature and top-p shape the distribution, and a numpy generator seeded from the request draws the
tokens, so the same request gives the same takes.
"""

from __future__ import annotations

from statistics import median
from typing import Any, Protocol

import numpy as np

from musicstudio.generators.interface import CancelToken, GenerationRequest, Progress, Take
from musicstudio.generators.phrases import MAX_EVENTS_PER_STEP, TokenPhrases
from musicstudio.generators.sampling import sample, shaped
from musicstudio.generators.watchdog import StallGuard


class TokenModel(Protocol):
    def begin(self, seed: np.ndarray, rows: int, meter: tuple[int, int]) -> Any:
        """A state for ``rows`` copies of the seed tokens (possibly none), which start on a bar line of
        ``meter`` (numerator, denominator)."""

    def log_probs(self, state: Any) -> np.ndarray:
        """``(rows, vocab)`` natural-log probabilities of the next token."""

    def push(self, state: Any, tokens: np.ndarray) -> Any:
        """The state after each row's next token."""


def seed_velocity(notes) -> int:
    """The velocity generated notes are played with: the seed's median (100 without a seed)."""
    return int(median(n.velocity for n in notes)) if notes else 100


def continue_phrase(model: TokenModel, phrases: TokenPhrases, request: GenerationRequest, backend: str,
                    name: str, progress: Progress | None = None, cancel: CancelToken | None = None) -> list[Take]:
    """``request.variations`` takes continuing the request's seed: the rest of its unfinished bar, then
    ``request.bars`` bars of ``request.meter``, so that every take ends on a bar line."""
    seed_tokens, seed_steps, shift = phrases.seed_tokens(request.seed)
    step = phrases.step_ticks  # the codec's grid: 16ths, or 12 steps a quarter for a triplet model
    target = -(-request.take_length(seed_steps * step) // step)
    rows = request.variations
    rng = np.random.default_rng(request.random_seed)
    allowed = phrases.allowed(request, shift)
    step_len = phrases.steps_of()
    is_shift = step_len > 0
    no_shift = ~is_shift
    velocity = seed_velocity(request.seed.notes)

    state = model.begin(seed_tokens, rows, request.meter)
    elapsed = np.zeros(rows, dtype=np.int64)
    since_move = np.zeros(rows, dtype=np.int64)
    longest_shift = int(step_len.max(initial=0))
    drawn: list[np.ndarray] = []      # each step's tokens,
    writing: list[np.ndarray] = []    # and the rows whose takes they join (those not at their end yet)
    reported = -1.0
    guard = StallGuard()
    while True:
        if cancel is not None:
            cancel.check()
        guard.step(float(elapsed.sum()))
        active = elapsed < target
        if not active.any():
            break
        masks = allowed
        if not phrases.is_melody:
            remaining = target - elapsed
            stuck = since_move >= MAX_EVENTS_PER_STEP
            if remaining.min() < longest_shift or stuck.any():   # else every row may take any allowed token
                masks = allowed & (no_shift | (step_len <= np.maximum(remaining, 1)[:, None]))  # no shift past the end
                masks[stuck] &= is_shift
        probs = shaped(model.log_probs(state), request.temperature, request.top_p, masks)
        tokens = sample(probs, rng)
        drawn.append(tokens)
        writing.append(active)
        moved = step_len[tokens]
        elapsed += np.where(active, moved, 0)
        since_move = np.where(moved > 0, 0, since_move + 1)
        state = model.push(state, tokens)
        if progress is not None:
            done = float(np.minimum(elapsed, target).sum()) / (target * rows)
            if done - reported >= 0.02:
                reported = done
                progress(done)
    if progress is not None:
        progress(1.0)
    record = request.record()
    takes = []
    drawn_tokens = np.asarray(drawn, dtype=np.int64).reshape(len(drawn), rows)
    written = np.asarray(writing, dtype=bool).reshape(len(writing), rows)
    for r in range(rows):
        notes = phrases.take_notes(seed_tokens, drawn_tokens[written[:, r], r], seed_steps, target, shift, velocity)
        takes.append(Take(notes=notes, length=target * step, backend=backend, model=name, request=record,
                          variation=r))
    return takes
