"""The control tokens a model reads before each bar it writes, as MIDI-GPT's bar attribute tokens.

A model's vocabulary ends with them, after its own tokens (``base`` = the infill model's codec tokens and FILL
markers): for each control of :data:`~.bins.CONTROLS` (density, then polyphony) one token per bin and one for
"any" (no wish: what training shows when it drops a bar's control). Before each bar of the gap the model reads
one token per control, density then polyphony. Where the bar begins in a stream of events: right after the
token that brought time to the bar line (a time shift that runs across it, or the context for the gap's first
bar), before anything that happens at the bar line, so training (:func:`insert_controls`) and sampling (the
token pushed, then the controls of every bar line it reached) read the same sequences.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicstudio.generators.controls.bins import CONTROLS, NAMES

ANY = 3                         # the "any" slot of a control (after its three bins)
PER_CONTROL = ANY + 1
COUNT = PER_CONTROL * len(CONTROLS)


@dataclass(frozen=True)
class ControlTokens:
    base: int           # the first control token's id

    def token(self, control: str, bin_: int | None) -> int:
        """The token of ``bin_`` (0-2; None: any) of ``control``."""
        slot = ANY if bin_ is None else int(bin_)
        if not 0 <= slot <= ANY:
            raise ValueError(f"{control} has bins 0-2, not {bin_!r}")
        return self.base + PER_CONTROL * CONTROLS.index(control) + slot

    def bar(self, wish: dict) -> np.ndarray:
        """The tokens before one bar: each control's bin in ``wish`` (a missing one or None: any)."""
        return np.array([self.token(c, wish.get(c)) for c in CONTROLS], np.int64)

    def read(self, token: int) -> tuple[str, int | None]:
        """(control, bin or None for any) of a control token; ValueError for another token."""
        k = int(token) - self.base
        if not 0 <= k < COUNT:
            raise ValueError(f"{token} is no control token (they are {self.base} .. {self.base + COUNT - 1})")
        slot = k % PER_CONTROL
        return CONTROLS[k // PER_CONTROL], None if slot == ANY else slot

    def is_control(self, tokens: np.ndarray) -> np.ndarray:
        tokens = np.asarray(tokens)
        return (tokens >= self.base) & (tokens < self.base + COUNT)

    def describe(self, token: int) -> str:
        control, bin_ = self.read(token)
        return f"{control}={'any' if bin_ is None else NAMES[control][bin_]}"


def bar_starts(tokens: np.ndarray, steps_of: np.ndarray, bar_steps: int, bars: int) -> np.ndarray:
    """Where each of ``bars`` bars begins in ``tokens`` (a part starting on a bar line): the index of the first
    token at or after its bar line (``len(tokens)`` when time reaches the bar line with the last token)."""
    before = np.concatenate([[0], np.cumsum(steps_of[np.asarray(tokens, np.int64)])[:-1]]) if len(tokens) \
        else np.zeros(0, np.int64)
    return np.searchsorted(before, np.arange(bars) * bar_steps, side="left")


def insert_controls(tokens: np.ndarray, steps_of: np.ndarray, bar_steps: int, per_bar: list[np.ndarray]) -> np.ndarray:
    """``tokens`` (a part of ``len(per_bar)`` bars from a bar line) with ``per_bar[b]`` before bar ``b``."""
    tokens = np.asarray(tokens, np.int64)
    at = bar_starts(tokens, steps_of, bar_steps, len(per_bar))
    pieces, last = [], 0
    for where, controls in zip(at, per_bar):
        pieces += [tokens[last:where], np.asarray(controls, np.int64)]
        last = where
    pieces.append(tokens[last:])
    return np.concatenate(pieces).astype(np.int64)


def bar_lines_reached(before: np.ndarray, after: np.ndarray, bar_steps: int, bars: int) -> list[list[int]]:
    """For each row, the bars (1 .. bars-1) whose bar line its time reached moving from ``before`` to ``after``
    steps (counted from the gap's start): the bars whose controls follow the token just pushed."""
    first = np.asarray(before, np.int64) // bar_steps + 1
    last = np.minimum(np.asarray(after, np.int64) // bar_steps, bars - 1)
    return [list(range(int(f), int(la) + 1)) for f, la in zip(first, last)]
