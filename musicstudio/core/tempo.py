"""Tempo changes, stored exactly as MIDI does: microseconds per quarter note."""

from __future__ import annotations

from typing import NamedTuple

DEFAULT_TEMPO_US = 500_000  # 120 BPM
MIN_TEMPO_US = 1            # MIDI's range is 1 .. 2**24 - 1
MAX_TEMPO_US = 0xFFFFFF


class Tempo(NamedTuple):
    tick: int
    us_per_beat: int

    @property
    def bpm(self) -> float:
        return us_to_bpm(self.us_per_beat)


def bpm_to_us(bpm: float) -> int:
    if bpm <= 0:
        raise ValueError(f"tempo must be above 0 BPM, not {bpm}")
    return max(MIN_TEMPO_US, min(MAX_TEMPO_US, round(60_000_000 / bpm)))


def us_to_bpm(us_per_beat: int) -> float:
    return 60_000_000 / us_per_beat
