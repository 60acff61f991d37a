"""The infill network's config: the meter-aware :class:`~musicstudio.generators.lstm.model.LSTMConfig` with
*countdown* position slots for the gap.

A gap token's position input says both its step in the bar and how many bar lines remain before the music
after the gap (1 .. ``countdown``; a longer gap says ``countdown`` until it is that near): run ``r`` of the
position table is a copy of the meter slots for tokens ``r`` bars from the gap's end, run 0 the plain slots
of every other token (the bars after the gap, the bars before it, a continuation). So the network knows when
it writes the gap's last bar, the one that must lead into what follows, without counting bars itself. The
:class:`~musicstudio.generators.lstm.model.EventLSTM` and its numpy stepper read the bigger table as is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicstudio.generators.codecs.grid import steps_in_bar
from musicstudio.generators.lstm.model import LSTMConfig


@dataclass(frozen=True)
class InfillConfig(LSTMConfig):
    countdown: int = 0      # runs of countdown slots (0: the gap's tokens have the plain slots)
    after_reversed: bool = False   # the after part's bars in reverse order (sequences.after_part)

    def __post_init__(self) -> None:
        if not 0 <= self.countdown <= 16 or self.positions % (1 + self.countdown):
            raise ValueError(f"{self.positions} position slots do not make {1 + self.countdown} equal runs")
        plain = self.positions // (1 + self.countdown)
        object.__setattr__(self, "positions", plain)      # the meter slots' check, on one run
        super().__post_init__()
        object.__setattr__(self, "positions", plain * (1 + self.countdown))

    @property
    def plain_slots(self) -> int:
        return self.positions // (1 + self.countdown)

    def gap_slots(self, steps: np.ndarray, meter: tuple[int, int], end: int) -> np.ndarray:
        """Slots of gap tokens at grid ``steps`` when the gap ends at step ``end`` (in bars of ``meter``)."""
        plain = self.position_slots(steps, meter)
        if not self.countdown:
            return plain
        bar = steps_in_bar(meter, self.steps_per_quarter)
        remaining = np.clip(-(-(end - np.asarray(steps, np.int64)) // bar), 1, self.countdown)
        return plain + self.plain_slots * remaining


def arranged_slots(config: LSTMConfig, arranged, meter: tuple[int, int]) -> np.ndarray:
    """Each token's position slot in a rearranged sequence (:class:`~.sequences.Arranged`): the plain slot of
    its step, and for the gap's tokens, when the sequence hears the bars after the gap, the countdown slot."""
    slots = np.asarray(config.position_slots(arranged.steps, meter), np.int64)
    if arranged.hears_after and isinstance(config, InfillConfig) and config.countdown:
        gap = arranged.steps[arranged.gap_at:]
        slots[arranged.gap_at:] = config.gap_slots(gap, meter, arranged.end)
    return slots


def infill_config(plain: LSTMConfig, countdown: int, after_reversed: bool = False) -> InfillConfig:
    """The infill config of a plain LSTM config with ``countdown`` runs of countdown slots."""
    return InfillConfig(**{**plain.to_dict(), "positions": plain.positions * (1 + countdown), "countdown": countdown,
                           "after_reversed": after_reversed})
