"""Guided sampling: keep each bar of a take inside the bins wished for it while the model writes it, by
penalising the events that would take the bar out of them (a large finite penalty, so that a row whose every
other choice is masked can still move on). A note-off of a note that is not sounding (it does nothing), or at
the step its note began (a note of no length, which the codec drops), is penalised too, so the onsets the guide
counts are the take's and a row that must release a note releases one.

For a row of the events codec (note-ons, note-offs, time shifts) the guide follows what the take has written
so far: the time within the bar, the notes it has sounding, the bar's distinct onsets, whether the current step
has an onset. Then, for the bar's wishes (:mod:`.wishes`; a control not wished is left alone):

* **density** (onsets per quarter note in ``[low, high)`` of the wished bin, so a count of onsets in the bar
  between ``cmin`` and ``cmax``): a note-on that would start one onset too many is penalised, and so is a time
  shift that would leave too few steps in the bar for the onsets still missing;
* **polyphony** (1: at most one note sounding at an onset; 2: exactly two; 3+: at least three): a note-on that
  would sound more notes than the bin allows is penalised, and so is a time shift away from an onset that
  sounds fewer than it needs (and for 2 and 3+, one that would leave the bar without an onset).

This is constrained decoding over the model's own distribution (the model, reading the control tokens, mostly
agrees; the guide corrects the rest): it is reported beside the control tokens alone in docs/controls.md.
"""

from __future__ import annotations

import math

import numpy as np

from musicstudio.generators.controls.bins import ControlBins

PENALTY = 40.0        # nats taken off an event that leaves the wished bin
POLYPHONY_LIMITS = ((0, 1), (2, 2), (3, 10**6))    # notes sounding at an onset (floor, cap) per bin


def onset_bounds(bin_: int, edges: tuple[float, float], quarters: float) -> tuple[int, int]:
    """The counts of distinct onsets a bar of ``quarters`` quarter notes may have in density bin ``bin_``."""
    lows = (0, math.ceil(edges[0] * quarters - 1e-9), math.ceil(edges[1] * quarters - 1e-9))
    highs = (lows[1] - 1, lows[2] - 1, 10**6)
    return lows[bin_], highs[bin_]


class Guide:
    """The penalties (:meth:`bias`) for ``rows`` rows of a take of ``len(wishes)`` bars of ``bar_steps`` grid
    steps; :meth:`push` follows each row's events. ``first_off``, ``first_shift``, ``vocab``: the codec's
    note-off and time-shift tokens start there and its tokens end there (time shift ``k`` moves ``k + 1``
    steps)."""

    def __init__(self, wishes: list[dict], bins: ControlBins, bar_steps: int, steps_per_quarter: int, rows: int,
                 first_off: int, first_shift: int, vocab: int):
        self.wishes, self.bar = wishes, bar_steps
        self.first_off, self.first_shift, self.vocab = first_off, first_shift, vocab
        quarters = bar_steps / steps_per_quarter
        self.bounds = [onset_bounds(w["density"], bins.density, quarters) if "density" in w else None
                       for w in wishes]
        self.limits = [POLYPHONY_LIMITS[w["polyphony"]] if "polyphony" in w else None for w in wishes]
        self.time = np.zeros(rows, np.int64)               # grid steps from the take's start
        self.sounding = np.zeros((rows, first_off), bool)  # the take's notes sounding now
        self.onsets = np.zeros(rows, np.int64)             # distinct onsets in the current bar
        self.onset_now = np.zeros(rows, bool)              # the current step has a note-on
        self.started_now = np.zeros((rows, first_off), bool)   # the notes begun at the current step
        self.shifts = np.arange(first_shift, vocab) - first_shift + 1   # steps each time shift moves

    @property
    def active(self) -> bool:
        return any(b is not None for b in self.bounds) or any(limit is not None for limit in self.limits)

    def bias(self) -> np.ndarray:
        """(rows, vocab) penalties (0 or -PENALTY) for the rows' next event."""
        rows = len(self.time)
        out = np.zeros((rows, self.vocab))
        bars = np.minimum(self.time // self.bar, len(self.wishes) - 1)
        left = self.bar - self.time % self.bar       # steps to the bar line
        sounding = self.sounding.sum(axis=1)
        # a note-off of a note not sounding does nothing (and a run of them stalls a row that must release one);
        # one at the step its note began makes a note of no length, which is lost
        out[:, self.first_off:self.first_shift] -= PENALTY * (~self.sounding | self.started_now)
        for r in range(rows):
            bounds, limit = self.bounds[bars[r]], self.limits[bars[r]]
            cmin, cmax = bounds if bounds is not None else (0, 10**6)
            if limit is not None and limit[0]:
                cmin = max(cmin, 1)          # polyphony 2 or 3+ needs an onset in the bar
            if not self.onset_now[r] and self.onsets[r] >= cmax:
                out[r, :self.first_off] -= PENALTY      # no onset more
            missing = cmin - self.onsets[r]
            if missing > 0:     # a shift must leave a step for each missing onset (this one if not taken)
                out[r, self.first_shift:] -= PENALTY * (left[r] - self.shifts < missing)
            if limit is not None:
                floor, cap = limit
                if sounding[r] >= cap:
                    out[r, :self.first_off] -= PENALTY
                if self.onset_now[r] and sounding[r] < floor:
                    out[r, self.first_shift:] -= PENALTY
        return out

    def push(self, tokens: np.ndarray) -> None:
        tokens = np.asarray(tokens, np.int64)
        rows = np.arange(len(tokens))
        on = tokens < self.first_off
        off = (tokens >= self.first_off) & (tokens < self.first_shift)
        shift = tokens >= self.first_shift
        new_onset = on & ~self.onset_now
        self.onsets += new_onset
        self.onset_now |= on
        self.sounding[rows[on], tokens[on]] = True
        self.started_now[rows[on], tokens[on]] = True
        self.started_now[shift] = False
        self.sounding[rows[off], tokens[off] - self.first_off] = False
        moved = np.where(shift, tokens - self.first_shift + 1, 0)
        crossed = (self.time + moved) // self.bar > self.time // self.bar
        self.time += moved
        self.onset_now &= ~shift
        self.onsets[crossed] = 0
