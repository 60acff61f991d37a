"""Event codec for polyphony: note-on, note-off and time-shift tokens on a time grid.

This is the Performance RNN / Music Transformer event language (Oore, Simon, Dieleman, Eck & Simonyan,
"This time with feeling", 2018) with time measured in grid steps instead of milliseconds. The grid is
16ths by default (``steps_per_quarter=4``); ``steps_per_quarter=12`` (40 ticks a step) also says 8th and
16th triplets, and then ``max_shift`` counts those finer steps (48 for a bar of 4/4).

Token ranges (``n`` = number of pitches in ``low..high``):

* ``[0, n)`` NOTE_ON of ``low + i``,
* ``[n, 2n)`` NOTE_OFF of ``low + i``,
* ``[2n, 2n + max_shift)`` TIME_SHIFT of ``1 .. max_shift`` steps (longer gaps use several),
* ``[2n + max_shift, 2n + max_shift + velocity_bins)`` VELOCITY: the bin for the note-ons that follow.

Within one step, note-offs come before note-ons (so a repeated note ends before it starts again),
note-ons are ordered by velocity bin then pitch, and a VELOCITY token appears only when the bin
changes. The sequence ends with a time shift to the clip's end when the clip is longer than its notes.

Assumptions: times on the codec's grid (:func:`~musicstudio.generators.codecs.grid.on_grid` first);
pitches outside ``low..high`` are refused with ``ValueError``; without velocity bins, decoded notes
get one velocity; with bins, velocity is kept to its bin (Magenta's bins: width ``ceil(127 / bins)``,
decoded to the bottom of the bin). Decoding is forgiving, for model output: a note-off for a silent
pitch is ignored, a note-on for a sounding pitch restarts it, notes still open end with the sequence.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Sequence

import numpy as np

from musicstudio.core.note import Note, note_order
from musicstudio.generators.codecs.grid import (
    DEFAULT_VELOCITY,
    STEPS_PER_QUARTER,
    NoteSource,
    length_in_steps,
    notes_and_length,
    on_grid,
    step_ticks_of,
)


@dataclass(frozen=True)
class EventCodec:
    low: int = 0
    high: int = 127        # inclusive
    max_shift: int = 16    # steps: one bar of 4/4
    velocity_bins: int = 0  # 0: velocity is not carried
    steps_per_quarter: int = STEPS_PER_QUARTER  # the grid: 4 (16ths) or 12 (16ths and triplets)

    def __post_init__(self) -> None:
        if not 0 <= self.low <= self.high <= 127:
            raise ValueError(f"event range {self.low}..{self.high} is not inside 0..127")
        if self.max_shift < 1 or not 0 <= self.velocity_bins <= 127:
            raise ValueError("max_shift must be at least 1 and velocity_bins between 0 and 127")
        step_ticks_of(self.steps_per_quarter)  # refuses a grid that does not divide a quarter

    @property
    def step_ticks(self) -> int:
        """Ticks in one step of the codec's grid (120 for 16ths, 40 at 12 steps a quarter)."""
        return step_ticks_of(self.steps_per_quarter)

    # -- vocabulary ----------------------------------------------------------------------------------
    @property
    def pitches(self) -> int:
        return self.high - self.low + 1

    @property
    def first_off(self) -> int:
        return self.pitches

    @property
    def first_shift(self) -> int:
        return 2 * self.pitches

    @property
    def first_velocity(self) -> int:
        return self.first_shift + self.max_shift

    @property
    def size(self) -> int:
        return self.first_velocity + self.velocity_bins

    def vocabulary(self) -> dict:
        fields = asdict(self)
        if self.steps_per_quarter == STEPS_PER_QUARTER:
            del fields["steps_per_quarter"]  # a 16th codec's record stays what it was before finer grids
        return {"codec": "events", **fields, "size": self.size, "step_ticks": self.step_ticks,
                "ranges": {"note_on": [0, self.first_off], "note_off": [self.first_off, self.first_shift],
                           "time_shift": [self.first_shift, self.first_velocity],
                           "velocity": [self.first_velocity, self.size]}}

    @classmethod
    def from_vocabulary(cls, vocab: dict) -> EventCodec:
        if vocab.get("codec") != "events":
            raise ValueError(f"not an event vocabulary: {vocab.get('codec')!r}")
        return cls(vocab["low"], vocab["high"], vocab["max_shift"], vocab["velocity_bins"],
                   vocab.get("steps_per_quarter", STEPS_PER_QUARTER))

    # -- velocity bins -------------------------------------------------------------------------------
    @property
    def bin_width(self) -> int:
        return -(-127 // self.velocity_bins) if self.velocity_bins else 127

    def velocity_bin(self, velocity: int) -> int:
        return (min(127, max(1, velocity)) - 1) // self.bin_width

    def bin_velocity(self, b: int) -> int:
        return 1 + b * self.bin_width

    def expected(self, source: NoteSource, velocity: int = DEFAULT_VELOCITY) -> tuple[Note, ...]:
        """What a round trip gives back: the notes on the grid, velocities to their bins (or one velocity)."""
        if not self.velocity_bins:
            return on_grid(source, velocity=velocity, step_ticks=self.step_ticks)
        return tuple(n._replace(velocity=self.bin_velocity(self.velocity_bin(n.velocity)))
                     for n in on_grid(source, step_ticks=self.step_ticks))

    # -- encode / decode ------------------------------------------------------------------------------
    def encode(self, source: NoteSource, steps: int | None = None) -> np.ndarray:
        """Tokens (int64) for a clip, track or notes. ``steps`` overrides the length (notes after it are cut)."""
        raw, length = notes_and_length(source)
        step_ticks = self.step_ticks
        notes = on_grid(raw, step_ticks=step_ticks)
        for n in notes:
            if not self.low <= n.pitch <= self.high:
                raise ValueError(f"pitch {n.pitch} is outside the event range {self.low}..{self.high}")
        if steps is None:
            steps = length_in_steps(length, notes, step_ticks)
        events = []  # (step, kind 0 = off / 1 = on, velocity bin, pitch)
        for n in notes:
            start, end = n.start // step_ticks, min(n.end // step_ticks, steps)
            if start >= steps:
                continue
            b = self.velocity_bin(n.velocity) if self.velocity_bins else 0
            events.append((start, 1, b, n.pitch))
            events.append((end, 0, 0, n.pitch))
        events.sort()
        tokens: list[int] = []
        now = 0
        current_bin = None

        def shift_to(step: int) -> None:
            nonlocal now
            while now < step:
                k = min(self.max_shift, step - now)
                tokens.append(self.first_shift + k - 1)
                now += k

        for step, kind, b, pitch in events:
            shift_to(step)
            if kind == 0:
                tokens.append(self.first_off + pitch - self.low)
                continue
            if self.velocity_bins and b != current_bin:
                tokens.append(self.first_velocity + b)
                current_bin = b
            tokens.append(pitch - self.low)
        shift_to(steps)
        return np.asarray(tokens, dtype=np.int64)

    def decode(self, tokens: Sequence[int] | np.ndarray, velocity: int = DEFAULT_VELOCITY) -> tuple[Note, ...]:
        notes = []
        step_ticks = self.step_ticks
        sounding: dict[int, tuple[int, int]] = {}  # pitch -> (start step, velocity)
        now = 0
        current = velocity

        def close(pitch: int) -> None:
            start, v = sounding.pop(pitch)
            if now > start:
                notes.append(Note(pitch, start * step_ticks, (now - start) * step_ticks, v))

        for token in (int(t) for t in tokens):
            if 0 <= token < self.first_off:
                pitch = self.low + token
                if pitch in sounding:
                    if sounding[pitch][0] == now:
                        continue  # the same note twice in one step
                    close(pitch)
                sounding[pitch] = (now, current)
            elif token < self.first_shift:
                pitch = self.low + token - self.first_off
                if pitch in sounding:
                    close(pitch)
            elif token < self.first_velocity:
                now += token - self.first_shift + 1
            elif token < self.size:
                current = self.bin_velocity(token - self.first_velocity)
            else:
                raise ValueError(f"token {token} is outside the event vocabulary (0..{self.size - 1})")
        for pitch in list(sounding):
            if now == sounding[pitch][0]:
                now_end = now + 1  # a note-on at the very end still lasts one step
                start, v = sounding.pop(pitch)
                notes.append(Note(pitch, start * step_ticks, (now_end - start) * step_ticks, v))
            else:
                close(pitch)
        return tuple(sorted(notes, key=note_order))
