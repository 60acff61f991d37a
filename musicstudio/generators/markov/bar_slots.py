"""Where in the bar a Markov model is: the position slot that a meter-aware n-gram adds to its context.

An n-gram of six tokens is under half a bar of melody and does not know where the bar line is, so its
takes drift off the meter (issue 17: onsets on the wrong beats of 3/4 and 6/8). A meter-aware model
conditions every context on the *slot* of the step the next token falls on: one run of slots per meter it
trained on, as many as that meter's bar has 16th steps
(:func:`~musicstudio.generators.codecs.grid.steps_in_bar`: 4/4 16, 3/4 12, 6/8 12, 9/8 18), so 3/4 and
6/8, both 12 steps long, keep slots of their own. A meter it did not train on borrows the run of a kin
meter: the same bar length and the same beat (simple or compound) first, then a run its bar is a whole
number of (12/8 as two bars of 6/8), then one that is a whole number of its bars (3/8 as half a 6/8 bar),
and 4/4's (or the first run) as the last resort.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from musicstudio.generators.codecs.grid import steps_in_bar

OWN_SLOTS_SHARE = 0.01   # a meter gets slots of its own with at least this share of the training sequences


def compound(meter: tuple[int, int]) -> bool:
    """Whether a meter's beats divide in three (6/8, 9/8, 12/8, 3/8)."""
    return meter[1] == 8 and meter[0] % 3 == 0


class BarSlots:
    """The runs of position slots of a meter-aware model, one per meter in ``meters`` (in that order)."""

    def __init__(self, meters):
        self.meters = tuple((int(n), int(d)) for n, d in meters)
        if not self.meters or len(set(self.meters)) != len(self.meters):
            raise ValueError(f"a meter-aware n-gram needs distinct meters, not {list(self.meters)}")
        self.runs: dict[tuple[int, int], tuple[int, int]] = {}
        first = 0
        for m in self.meters:
            self.runs[m] = (first, steps_in_bar(m))
            first += steps_in_bar(m)
        self.count = first

    @classmethod
    def from_training(cls, meters_seen: list[tuple[int, int]]) -> BarSlots:
        """Slots for every meter with at least :data:`OWN_SLOTS_SHARE` of the training sequences
        (``meters_seen``: one per sequence), the commonest first; the rarer ones borrow a kin's."""
        counts = Counter((int(n), int(d)) for n, d in meters_seen)
        if not counts:
            raise ValueError("no training sequences to learn bar positions from")
        ranked = sorted(counts, key=lambda m: (-counts[m], m))
        own = [m for m in ranked if counts[m] >= OWN_SLOTS_SHARE * len(meters_seen)]
        return cls(own or ranked[:1])

    def to_list(self) -> list[list[int]]:
        return [list(m) for m in self.meters]

    def run_of(self, meter: tuple[int, int]) -> tuple[int, int]:
        """(first slot, slots in a bar) of the run that ``meter`` uses."""
        meter = (int(meter[0]), int(meter[1]))
        if meter in self.runs:
            return self.runs[meter]
        steps = steps_in_bar(meter)
        kin = [m for m in self.meters if compound(m) == compound(meter)] or list(self.meters)
        for fits in (lambda n: n == steps, lambda n: steps % n == 0, lambda n: n % steps == 0):
            for m in kin:
                if fits(self.runs[m][1]):
                    return self.runs[m]
        return self.runs.get((4, 4), self.runs[self.meters[0]])

    def of_steps(self, steps: np.ndarray, meter: tuple[int, int]) -> np.ndarray:
        """The slots of tokens that happen ``steps`` 16th steps after a bar line of ``meter``."""
        first, length = self.run_of(meter)
        return first + np.asarray(steps, np.int64) % length

    def of_tokens(self, tokens: np.ndarray, steps_of: np.ndarray, meter: tuple[int, int], start: int = 0) -> np.ndarray:
        """For each token of a sequence starting ``start`` steps after a bar line, the slot of the step it
        happens on (``steps_of``: the steps each token moves time by)."""
        tokens = np.asarray(tokens, np.int64)
        moved = np.asarray(steps_of, np.int64)[tokens]
        steps = start + np.concatenate([[0], np.cumsum(moved)[:-1]]) if len(tokens) else np.zeros(0, np.int64)
        return self.of_steps(steps, meter)
