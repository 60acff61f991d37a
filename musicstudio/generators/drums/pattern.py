"""Conditioning a take on the seed's own bar pattern: a copy distribution mixed into the LSTM's.

A drummer keeps the groove they were given: the step ``cycle`` steps back (the seed's phrase of up to
four bars, the lengths mma's grooves and most songs repeat at) is the best single guess of what comes
next, and the same step one, two and three cycles further back say how firm that guess is. The copy
distribution at a step is the share of those earlier steps (up to :data:`MAX_CYCLES`, seed and take
alike) that hit each token; the LSTM's distribution is mixed with it,
``p = (1 - w) p_LSTM + w p_copy``, before temperature and top-p, as the continuous cache of Grave,
Joulin and Usunier ("Improving Neural Language Models with a Continuous Cache", 2017) mixes a
distribution over the recent context into a language model's. ``w`` is the request's ``repeat`` option
(:data:`DEFAULT_REPEAT`, 0.5, unless given; 0 leaves the LSTM alone). A take still varies: where the LSTM
is sure of something else, or where the earlier cycles disagree (a hit that mma's random skip left out
of one of them), the sample may leave the pattern.
"""

from __future__ import annotations

import numpy as np

DEFAULT_REPEAT = 0.5
MAX_CYCLES = 4          # earlier cycles that vote at a step
CYCLE_BARS = 4          # the longest cycle copied, in bars
TINY = 1e-300           # the floor under a mixed probability, so that its log is finite


def repeat_weight(options: dict) -> float:
    """The request's ``repeat`` option, checked to lie in [0, 1]."""
    weight = float(options.get("repeat", DEFAULT_REPEAT))
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"repeat must lie between 0 and 1, not {weight}")
    return weight


def cycle_steps(seed_steps: int, bar_steps: int) -> int:
    """The cycle the take copies: the seed's whole bars, up to :data:`CYCLE_BARS` (a seed of 3 bars
    repeats every 2, and of 5 or more every 4); 0 when the seed holds no whole bar."""
    bars = min(seed_steps // bar_steps, CYCLE_BARS)
    if bars < 1:
        return 0
    return (1 << (bars.bit_length() - 1)) * bar_steps


def copy_distribution(history: np.ndarray, position: int, cycle: int, vocab: int) -> np.ndarray:
    """``(rows, vocab)``: for each row of ``history`` (``(rows, steps)`` tokens, seed then take), the
    share of the steps ``position - k * cycle`` (k = 1 .. MAX_CYCLES, those at or after 0) holding each
    token."""
    lags = [position - k * cycle for k in range(1, MAX_CYCLES + 1) if position - k * cycle >= 0]
    rows = history.shape[0]
    out = np.zeros((rows, vocab))
    for lag in lags:
        out[np.arange(rows), history[:, lag]] += 1.0 / len(lags)
    return out


def mixed(log_p: np.ndarray, copy: np.ndarray, weight: float) -> np.ndarray:
    """Log-probabilities of ``(1 - weight) p + weight copy`` (``log_p`` as it is where ``copy`` is
    empty or ``weight`` is 0)."""
    if weight <= 0.0 or not copy.any():
        return log_p
    return np.log(np.maximum((1.0 - weight) * np.exp(log_p) + weight * copy, TINY))
