"""Guards that end a generation which cannot finish, with a message instead of a hang.

A sampling loop stops when its takes reach their length; a damaged model (NaN weights, probabilities
that never choose a token that moves time) would keep it going forever at full CPU. :class:`StallGuard`
ends a loop whose music has stopped moving forward for :data:`STALL_STEPS` steps, and
:func:`check_row_sums` refuses a distribution that is not one before anything is drawn from it.
"""

from __future__ import annotations

import numpy as np

from musicstudio.generators.interface import GenerationError

_INF = float("inf")
STALL_STEPS = 2_000     # a healthy loop moves time at least every MAX_EVENTS_PER_STEP + 1 steps


class InvalidProbabilities(GenerationError):
    def __init__(self) -> None:
        super().__init__("the model gave invalid probabilities (NaN or infinite): its weights are damaged, "
                         "or it cannot run on this device; the request was stopped")


class NoProgress(GenerationError):
    def __init__(self, steps: int) -> None:
        super().__init__(f"the model made no progress in {steps:,} sampling steps (its takes stopped moving "
                         "forward), so the request was stopped: the model may be damaged")


def check_row_sums(totals: np.ndarray) -> None:
    """Raise :class:`InvalidProbabilities` unless every row of a distribution sums to a finite number
    above 0 (``totals``: one sum per row; a NaN or an infinity anywhere in a row makes its sum one, and
    the rows come from exponentials, never negative). A few rows are checked in Python: cheaper than
    two NumPy reductions at every sampling step."""
    if not all(0.0 < t < _INF for t in totals.tolist()):  # False for NaN too
        raise InvalidProbabilities()


class StallGuard:
    """Call :meth:`step` once a loop with how far the takes have got (any measure that grows with the
    music, e.g. steps generated summed over the takes); it raises :class:`NoProgress` after ``limit``
    calls in a row without growth."""

    def __init__(self, limit: int = STALL_STEPS):
        self.limit = limit
        self.best = -np.inf
        self.still = 0

    def step(self, reached: float) -> None:
        if reached > self.best:
            self.best, self.still = reached, 0
            return
        self.still += 1
        if self.still >= self.limit:
            raise NoProgress(self.limit)
