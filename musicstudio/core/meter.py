"""Time signatures and the bar grid they define."""

from __future__ import annotations

import bisect
from typing import NamedTuple

from musicstudio.core.ticks import PPQ

VALID_DENOMINATORS = (1, 2, 4, 8, 16, 32, 64)


class TimeSignature(NamedTuple):
    tick: int
    numerator: int = 4
    denominator: int = 4

    @property
    def bar_ticks(self) -> int:
        return self.numerator * PPQ * 4 // self.denominator

    @property
    def beat_ticks(self) -> int:
        return PPQ * 4 // self.denominator

    def __str__(self) -> str:
        return f"{self.numerator}/{self.denominator}"


def is_valid_time_signature(numerator: int, denominator: int) -> bool:
    return 1 <= numerator <= 255 and denominator in VALID_DENOMINATORS


class Meter:
    """The bar grid of a song: where each bar starts, for a list of time-signature changes.

    A change that falls inside a bar starts a new bar there (as sequencers do when importing MIDI).
    """

    def __init__(self, signatures: tuple[TimeSignature, ...]):
        by_tick = {s.tick: s for s in sorted(signatures, key=lambda s: s.tick)}  # the last at a tick wins
        sigs = list(by_tick.values()) or [TimeSignature(0)]
        if sigs[0].tick != 0:
            sigs.insert(0, TimeSignature(0, sigs[0].numerator, sigs[0].denominator))
        self.signatures = tuple(sigs)
        # For each signature: (first bar index, start tick)
        self._bar_index: list[int] = []
        bar = 0
        for i, sig in enumerate(self.signatures):
            self._bar_index.append(bar)
            if i + 1 < len(self.signatures):
                span = self.signatures[i + 1].tick - sig.tick
                bar += -(-span // sig.bar_ticks)  # a partial bar still counts as a bar
        self._ticks = [s.tick for s in self.signatures]

    def signature_at(self, tick: int) -> TimeSignature:
        return self.signatures[max(0, bisect.bisect_right(self._ticks, tick) - 1)]

    def bar_start(self, bar: int) -> int:
        """Tick at which bar number ``bar`` (0-based) starts."""
        if bar < 0:
            raise ValueError(f"bar {bar} is before the song")
        i = max(0, bisect.bisect_right(self._bar_index, bar) - 1)
        sig = self.signatures[i]
        return sig.tick + (bar - self._bar_index[i]) * sig.bar_ticks

    def bar_at(self, tick: int) -> int:
        """0-based number of the bar that contains ``tick``."""
        i = max(0, bisect.bisect_right(self._ticks, tick) - 1)
        sig = self.signatures[i]
        return self._bar_index[i] + (tick - sig.tick) // sig.bar_ticks

    def bars_to_ticks(self, first_bar: int, last_bar: int) -> tuple[int, int]:
        """Tick range [start, end) covering bars ``first_bar`` .. ``last_bar`` inclusive."""
        if last_bar < first_bar:
            raise ValueError(f"bar range {first_bar}-{last_bar} is backwards")
        return self.bar_start(first_bar), self.bar_start(last_bar + 1)
