"""The polyphonic VAE's codec: notes <-> a piano roll of states on the 16th grid.

Each cell (step, pitch) holds one of three states: :data:`OFF` (silent), :data:`ONSET` (a note starts here)
or :data:`HOLD` (a note started earlier sounds on). A roll is ``(steps, pitches)`` uint8 over the pitches
``low .. high - 1``; notes outside them, or past the roll's end, are cut. Two notes of one pitch that overlap
become one (the roll has one voice per pitch); ``decode(encode(notes)) == notes`` for notes on the grid
inside the range with no overlapping same-pitch notes: the round-trip contract.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np

from musicstudio.core.note import Note
from musicstudio.generators.codecs.grid import STEP_TICKS

OFF, ONSET, HOLD = 0, 1, 2
STATES = 3
LOW, HIGH = 24, 108


class RollCodec:
    def __init__(self, low: int = LOW, high: int = HIGH):
        if not 0 <= low < high <= 128:
            raise ValueError(f"a pitch range {low}..{high} is not inside MIDI's 0..127")
        self.low, self.high = int(low), int(high)

    @property
    def pitches(self) -> int:
        return self.high - self.low

    def spec(self) -> dict:
        """The codec entry of a config: the same onset and sounding planes as the piano-roll codec's
        (:class:`~musicstudio.generators.codecs.pianoroll.PianorollCodec`, whose ``high`` is inclusive) over
        this range; its bar width is 4/4's, a phrase here is 2 bars of whatever meter."""
        from musicstudio.generators.codecs.pianoroll import PianorollCodec
        return PianorollCodec(self.low, self.high - 1).vocabulary()

    @classmethod
    def from_spec(cls, spec: dict) -> RollCodec:
        """The roll codec over the pitches of a config's ``pianoroll`` codec entry (ValueError for another)."""
        if spec.get("codec") != "pianoroll" or not spec.get("onsets", True):
            raise ValueError(f"the polyphonic VAE reads piano rolls with onsets, not the {spec.get('codec')!r} codec")
        return cls(int(spec["low"]), int(spec["high"]) + 1)

    def encode_steps(self, rows: Iterable[tuple[int, int, int]], steps: int) -> np.ndarray:
        """A roll of ``steps`` steps from (pitch, start step, length in steps) rows."""
        roll = np.zeros((steps, self.pitches), np.uint8)
        for pitch, start, length in rows:
            p = int(pitch) - self.low
            if not 0 <= p < self.pitches or not 0 <= start < steps:
                continue
            end = min(steps, int(start) + max(1, int(length)))
            roll[start, p] = ONSET
            roll[start + 1:end, p] = np.where(roll[start + 1:end, p] == ONSET, ONSET, HOLD)
        return roll

    def encode(self, notes: Iterable[Note], steps: int) -> np.ndarray:
        """A roll of ``steps`` steps from notes (ticks; rounded to the 16th grid)."""
        rows = []
        for n in notes:
            start = (n.start + STEP_TICKS // 2) // STEP_TICKS
            end = (n.end + STEP_TICKS // 2) // STEP_TICKS
            rows.append((n.pitch, start, max(1, end - start)))
        return self.encode_steps(rows, steps)

    def decode(self, roll: np.ndarray, velocity: int = 100) -> tuple[Note, ...]:
        """Notes of a roll (a HOLD with nothing sounding before it starts a note), ordered by start, pitch.

        A note starts at an ONSET, or at a HOLD after an OFF (or at the roll's first step), and lasts until the
        first step after it that is OFF or starts another note, or the roll's end. Found for all cells at once (a
        4-bar roll in about a tenth of the time of walking it cell by cell, which the studio's operations paid)."""
        roll = np.asarray(roll)
        steps, pitches = roll.shape
        if steps == 0:
            return ()
        before = np.empty_like(roll)
        before[0], before[1:] = OFF, roll[:-1]
        starts = (roll == ONSET) | ((roll == HOLD) & (before == OFF))
        # a note's end: its pitch's next boundary (an OFF, a start, or the roll's end), searched in one sorted list
        # of every pitch's boundaries, each pitch's run of steps + 1 positions after the last one's
        boundary = np.ones((pitches, steps + 1), bool)
        boundary[:, :steps] = (roll == OFF).T | starts.T
        edges = np.flatnonzero(boundary)
        t, p = np.nonzero(starts)                       # ordered by step, then pitch: the notes' order
        here = p * (steps + 1) + t
        ends = edges[np.searchsorted(edges, here, side="right")] - p * (steps + 1)
        return tuple(Note(int(pitch) + self.low, int(step) * STEP_TICKS, int(stop - step) * STEP_TICKS, velocity)
                     for pitch, step, stop in zip(p, t, ends))


def roll_features(roll: np.ndarray) -> np.ndarray:
    """``(..., steps, pitches)`` states -> ``(..., steps, 2 * pitches)`` float32: onset and sounding multi-hots."""
    roll = np.asarray(roll)
    return np.concatenate([roll == ONSET, roll != OFF], axis=-1).astype(np.float32)
