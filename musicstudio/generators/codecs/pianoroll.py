"""Piano-roll codec: bars x steps x pitches booleans per track, as MuseGAN and MusicVAE's drum rolls.

An encoded track is a bool array of shape ``(planes, bars, steps_per_bar, pitches)``:

* plane 0, *sounding*: the pitch sounds during the step,
* plane 1, *onset* (when ``onsets`` is on, the default): a note starts at the step.

The onset plane is what lets a repeated note (two quarter notes of one pitch, back to back) come back
as two notes; without it, touching notes of one pitch merge into one (:meth:`PianorollCodec.expected`
says so). Several tracks stack on a first axis (:meth:`encode_tracks`).

A bar of another meter can also sit in a roll of fixed width (:meth:`PianorollCodec.encode_bars`): each
bar of ``bar_steps`` steps (12 for 3/4 and 6/8, 18 for 9/8) fills the first steps of a ``steps_per_bar``
wide roll and the rest stays silent, as a meter-aware GAN writes it; :meth:`PianorollCodec.decode_bars`
reads such rolls back.

Assumptions: times on the 16th grid; ``steps_per_bar`` fits the meter (16 for 4/4, 8 for 2/4, 12 for
6/8: :func:`~musicstudio.generators.codecs.grid.bar_steps`); pitches outside ``low..high`` are
refused with ``ValueError``; velocity is not carried. Decoding accepts floats too (a model's
probabilities): a cell is on at ``threshold`` and above; an onset in a silent cell still starts a
one-step note.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Sequence

import numpy as np

from musicstudio.core.note import Note, note_order
from musicstudio.generators.codecs.grid import (
    DEFAULT_VELOCITY,
    STEP_TICKS,
    NoteSource,
    length_in_steps,
    notes_and_length,
    on_grid,
)

SOUNDING, ONSET = 0, 1


@dataclass(frozen=True)
class PianorollCodec:
    low: int = 21    # A0 .. C8: the piano's 88 keys
    high: int = 108  # inclusive
    steps_per_bar: int = 16
    onsets: bool = True

    def __post_init__(self) -> None:
        if not 0 <= self.low <= self.high <= 127:
            raise ValueError(f"piano-roll range {self.low}..{self.high} is not inside 0..127")
        if self.steps_per_bar < 1:
            raise ValueError("a bar needs at least one step")

    @property
    def pitches(self) -> int:
        return self.high - self.low + 1

    @property
    def planes(self) -> int:
        return 2 if self.onsets else 1

    def vocabulary(self) -> dict:
        return {"codec": "pianoroll", **asdict(self), "step_ticks": STEP_TICKS,
                "planes": ["sounding", "onset"][:self.planes],
                "axes": ["track", "plane", "bar", "step", "pitch"]}

    @classmethod
    def from_vocabulary(cls, vocab: dict) -> PianorollCodec:
        if vocab.get("codec") != "pianoroll":
            raise ValueError(f"not a piano-roll vocabulary: {vocab.get('codec')!r}")
        return cls(vocab["low"], vocab["high"], vocab["steps_per_bar"], vocab["onsets"])

    def expected(self, source: NoteSource, velocity: int = DEFAULT_VELOCITY) -> tuple[Note, ...]:
        notes = on_grid(source, velocity=velocity)
        if self.onsets:
            return notes
        merged: list[Note] = []  # without onsets, touching notes of one pitch become one
        for n in sorted(notes, key=lambda n: (n.pitch, n.start)):
            if merged and merged[-1].pitch == n.pitch and merged[-1].end == n.start:
                merged[-1] = merged[-1]._replace(duration=n.end - merged[-1].start)
            else:
                merged.append(n)
        return tuple(sorted(merged, key=note_order))

    def bars_for(self, source: NoteSource) -> int:
        notes, length = notes_and_length(source)
        return -(-length_in_steps(length, on_grid(notes)) // self.steps_per_bar)

    def encode(self, source: NoteSource, bars: int | None = None) -> np.ndarray:
        """A bool array (planes, bars, steps_per_bar, pitches). Notes after ``bars`` are cut off."""
        if bars is None:
            bars = self.bars_for(source)
        total = bars * self.steps_per_bar
        roll = np.zeros((self.planes, total, self.pitches), dtype=bool)
        for n in on_grid(notes_and_length(source)[0]):
            if not self.low <= n.pitch <= self.high:
                raise ValueError(f"pitch {n.pitch} is outside the piano-roll range {self.low}..{self.high}")
            start, end = n.start // STEP_TICKS, min(n.end // STEP_TICKS, total)
            if start >= total:
                continue
            roll[SOUNDING, start:end, n.pitch - self.low] = True
            if self.onsets:
                roll[ONSET, start, n.pitch - self.low] = True
        return roll.reshape(self.planes, bars, self.steps_per_bar, self.pitches)

    def encode_tracks(self, sources: Sequence[NoteSource], bars: int | None = None) -> np.ndarray:
        """Several tracks over the same bars: (tracks, planes, bars, steps_per_bar, pitches)."""
        if bars is None:
            bars = max((self.bars_for(s) for s in sources), default=0)
        return np.stack([self.encode(s, bars) for s in sources]) if sources else \
            np.zeros((0, self.planes, bars, self.steps_per_bar, self.pitches), dtype=bool)

    def encode_bars(self, source: NoteSource, bar_steps: int, bars: int | None = None) -> np.ndarray:
        """Bars of ``bar_steps`` steps (at most ``steps_per_bar``), each in the first steps of a bar of the
        roll: a bool array (planes, bars, steps_per_bar, pitches), silent after each bar's end. A note held
        over a bar line is cut there and goes on, without an onset, in the next bar."""
        self._check_bar_steps(bar_steps)
        inner = PianorollCodec(self.low, self.high, bar_steps, self.onsets)
        roll = inner.encode(source, bars)
        out = np.zeros((self.planes, roll.shape[1], self.steps_per_bar, self.pitches), dtype=bool)
        out[:, :, :bar_steps] = roll
        return out

    def decode_bars(self, roll: np.ndarray, bar_steps: int, velocity: int = DEFAULT_VELOCITY,
                    threshold: float = 0.5) -> tuple[Note, ...]:
        """The notes of :meth:`encode_bars`' rolls: each bar's first ``bar_steps`` steps, one after the other
        (whatever the roll holds after a bar's end is not read)."""
        self._check_bar_steps(bar_steps)
        inner = PianorollCodec(self.low, self.high, bar_steps, self.onsets)
        return inner.decode(np.asarray(roll)[:, :, :bar_steps], velocity, threshold)

    def _check_bar_steps(self, bar_steps: int) -> None:
        if not 1 <= bar_steps <= self.steps_per_bar:
            raise ValueError(f"a bar of {bar_steps} steps does not fit a roll of {self.steps_per_bar}")

    def decode(self, roll: np.ndarray, velocity: int = DEFAULT_VELOCITY, threshold: float = 0.5) -> tuple[Note, ...]:
        roll = np.asarray(roll)
        if roll.ndim != 4 or roll.shape[0] != self.planes or roll.shape[2:] != (self.steps_per_bar, self.pitches):
            raise ValueError(f"a piano roll of shape {roll.shape} does not fit "
                             f"({self.planes}, bars, {self.steps_per_bar}, {self.pitches})")
        on = roll >= threshold if roll.dtype != bool else roll
        flat = on.reshape(self.planes, -1, self.pitches)
        total = flat.shape[1]
        onset = flat[ONSET] if self.onsets else np.zeros_like(flat[SOUNDING])
        active = flat[SOUNDING] | onset
        before = np.vstack([np.zeros((1, self.pitches), dtype=bool), active[:-1]])
        starts = active & (onset | ~before)
        stops = ~active | onset  # a note ends at the first silent step or the next onset after its start
        notes = []
        for p in np.flatnonzero(starts.any(axis=0)):
            stop_at = np.append(np.flatnonzero(stops[:, p]), total)
            for s in np.flatnonzero(starts[:, p]):
                e = stop_at[np.searchsorted(stop_at, s, side="right")]
                notes.append(Note(int(self.low + p), int(s) * STEP_TICKS, int(e - s) * STEP_TICKS, velocity))
        return tuple(sorted(notes, key=note_order))

    def decode_tracks(self, rolls: np.ndarray, velocity: int = DEFAULT_VELOCITY,
                      threshold: float = 0.5) -> list[tuple[Note, ...]]:
        return [self.decode(r, velocity, threshold) for r in rolls]
