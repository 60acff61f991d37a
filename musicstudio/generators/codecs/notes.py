"""Note-row codec: one row ``(pitch, step, duration)`` per note, the "notes" representation of the
TensorFlow "Generate music with an RNN" tutorial.

* ``pitch``: the MIDI pitch,
* ``step``: beats (quarter notes) from the previous note's start to this one's; the first row counts
  from the start of the clip, so where the line begins is kept,
* ``duration``: the note's length in beats.

Rows are float32 (a model predicts them as continuous values) in the order of the notes' starts,
then pitch. On the 16th grid every value is a multiple of 0.25, which float32 holds exactly, so the
round trip is exact. Decoding snaps starts and ends back onto the grid, rounds pitches, clamps them
to 0..127 and gives a note at least one step.

Assumptions: velocity is not carried (decoded notes get one velocity); a clip's trailing silence is
not represented (the rows end with the last note).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicstudio.core.note import Note
from musicstudio.core.ticks import PPQ
from musicstudio.generators.codecs.grid import DEFAULT_VELOCITY, STEP_TICKS, NoteSource, on_grid

COLUMNS = ("pitch", "step", "duration")


@dataclass(frozen=True)
class NotesCodec:
    def vocabulary(self) -> dict:
        return {"codec": "notes", "columns": list(COLUMNS), "time_unit": "quarter notes",
                "step_ticks": STEP_TICKS, "dtype": "float32"}

    @classmethod
    def from_vocabulary(cls, vocab: dict) -> NotesCodec:
        if vocab.get("codec") != "notes":
            raise ValueError(f"not a note-row vocabulary: {vocab.get('codec')!r}")
        return cls()

    def expected(self, source: NoteSource, velocity: int = DEFAULT_VELOCITY) -> tuple[Note, ...]:
        return on_grid(source, velocity=velocity)

    def encode(self, source: NoteSource) -> np.ndarray:
        """An (n, 3) float32 array of (pitch, step, duration) rows."""
        notes = on_grid(source)  # canonical order: start, then pitch
        rows = np.zeros((len(notes), 3), dtype=np.float32)
        previous = 0
        for i, n in enumerate(notes):
            rows[i] = (n.pitch, (n.start - previous) / PPQ, n.duration / PPQ)
            previous = n.start
        return rows

    def decode(self, rows: np.ndarray, velocity: int = DEFAULT_VELOCITY) -> tuple[Note, ...]:
        rows = np.asarray(rows, dtype=np.float64).reshape(-1, 3)
        if not np.isfinite(rows).all():
            raise ValueError("note rows hold NaN or infinite values")
        starts = np.cumsum(np.maximum(rows[:, 1], 0.0))
        notes = []
        for (pitch, _, duration), start in zip(rows, starts):
            begin = round(start * PPQ)
            notes.append(Note(int(min(127, max(0, round(pitch)))), begin, max(1, round(duration * PPQ)), velocity))
        return on_grid(notes)
