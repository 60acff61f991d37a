"""Ticks <-> seconds through a song's tempo map."""

from __future__ import annotations

import bisect
from typing import Sequence

from musicstudio.core.tempo import Tempo
from musicstudio.core.ticks import PPQ


class Timeline:
    """Converts between ticks (at PPQ) and seconds for one tempo map."""

    def __init__(self, tempos: Sequence[Tempo]):
        self.tempos = tuple(tempos)
        self._ticks = [t.tick for t in self.tempos]
        self._seconds = []
        elapsed = 0.0
        for i, t in enumerate(self.tempos):
            if i:
                prev = self.tempos[i - 1]
                elapsed += (t.tick - prev.tick) * prev.us_per_beat / (PPQ * 1e6)
            self._seconds.append(elapsed)

    def seconds_at(self, tick: int) -> float:
        i = max(0, bisect.bisect_right(self._ticks, tick) - 1)
        t = self.tempos[i]
        return self._seconds[i] + (tick - t.tick) * t.us_per_beat / (PPQ * 1e6)

    def tick_at(self, seconds: float) -> int:
        i = max(0, bisect.bisect_right(self._seconds, seconds) - 1)
        t = self.tempos[i]
        return t.tick + round((seconds - self._seconds[i]) * PPQ * 1e6 / t.us_per_beat)

    def frame_at(self, tick: int, sample_rate: int) -> int:
        """The audio frame (sample index) at which ``tick`` sounds."""
        return round(self.seconds_at(tick) * sample_rate)
