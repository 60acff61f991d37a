"""Note rows for the ``lstm-notes`` network: each note of a piece as (pitch, step, duration), the window
of the notes before it (training batches, and held-out likelihood), and, for a meter-aware model, the
position slot of each row's note in the bar of its piece's meter."""

from __future__ import annotations

from collections import Counter

import numpy as np
import torch

from musicstudio.core.note import Note
from musicstudio.generators.codecs import NotesCodec
from musicstudio.generators.codecs.grid import STEPS_PER_QUARTER, on_grid
from musicstudio.generators.lstm.training import TRAINED_SHARE
from musicstudio.generators.lstm_notes.model import PITCHES, NotesLSTMConfig
from musicstudio.generators.training.data import split_pieces

Meter = tuple[int, int]


def piece_notes(tracks) -> tuple[Note, ...]:
    """Every pitched note of a piece on the grid (what ``eval`` holds out for a model without tokens)."""
    return on_grid(tuple(n for t in tracks if not t.is_drum and t.notes for n in t.notes))


def row_steps(rows: np.ndarray) -> np.ndarray:
    """The 16th step at which each row's note starts, counted from where the rows start (a bar line)."""
    return np.rint(np.cumsum(rows[:, 1].astype(np.float64)) * STEPS_PER_QUARTER).astype(np.int64)


def trained_meters(meters, config: NotesLSTMConfig) -> tuple[Meter, ...] | None:
    """Of ``config``'s meters, those of at least 1% of the training ``meters`` (one per piece), as the
    ``lstm`` family decides which slots it uses."""
    counts = Counter(tuple(m) for m in meters)
    trained = tuple(m for m in config.meters if counts[m] >= TRAINED_SHARE * max(1, len(meters)))
    return trained or None


def chord_notes(rows: NoteRows) -> np.ndarray:
    """Which rows are notes that start with the note before them (step 0, not a piece's first note)."""
    after_a_note = np.concatenate([[False], rows.real[:-1]])
    return rows.real & after_a_note & (rows.rows[:, 1] == 0)


def onset_prior(rows: NoteRows, config: NotesLSTMConfig) -> tuple[tuple[float, ...], float]:
    """Where a meter's tunes put their onsets: per position slot, the share of the rows' onsets (notes that
    do not start with the note before them) that start there among those of its meter's bar, add-one
    smoothed so that no slot is impossible; and the share of all notes that do start with the one before
    (chord notes)."""
    chords = chord_notes(rows)
    onsets = rows.real & ~chords
    counts = np.bincount(rows.slots[onsets], minlength=config.positions - 1).astype(np.float64) + 1.0
    prior = np.zeros_like(counts)
    for first, length in config.meter_runs():
        prior[first:first + length] = counts[first:first + length] / counts[first:first + length].sum()
    share = float(chords.sum() + 1) / float(rows.real.sum() + 2)
    return tuple(round(float(p), 6) for p in prior), round(share, 6)


def training_register(rows: NoteRows, transpose) -> tuple[int, int] | None:
    """The pitches the training notes kept to (5th to 95th percentile of every note, each transposition
    counted): a seed far outside it is moved there by octaves when the model continues it."""
    pitches = rows.rows[rows.real, 0]
    if not len(pitches):
        return None
    low, high = np.percentile(np.concatenate([pitches + s for s in transpose]), [5, 95])
    return int(low), int(high)


class NoteRows:
    """The rows of many pieces in one array, each piece after ``window`` zero rows, so that the window of
    the note at row ``i`` is ``rows[i - window:i]``. ``phrases`` holds note tuples, or (notes, meter) pairs
    for a meter-aware ``config`` (notes alone count as 4/4); each piece starts on a bar line."""

    def __init__(self, phrases, window: int, config: NotesLSTMConfig | None = None):
        codec = NotesCodec()
        aware = config is not None and config.positions > 0
        parts, real, slots = [], [], []
        for phrase in phrases:
            notes, meter = phrase if len(phrase) == 2 and not isinstance(phrase[1], Note) else (phrase, (4, 4))
            if not notes:
                continue
            rows = codec.encode(notes)
            parts += [np.zeros((window, 3), np.float32), rows]
            real += [np.zeros(window, bool), np.ones(len(rows), bool)]
            if aware:
                slots += [np.full(window, config.positions - 1, np.int64),
                          config.position_slots(row_steps(rows), meter)]
        self.window = window
        self.rows = np.concatenate(parts) if parts else np.zeros((0, 3), np.float32)
        self.real = np.concatenate(real) if real else np.zeros(0, bool)
        self.slots = np.concatenate(slots) if slots else None
        self.notes = np.flatnonzero(self.real)

    def __len__(self) -> int:
        return len(self.notes)

    def batch(self, at: np.ndarray, shifts: np.ndarray | None = None) -> tuple[torch.Tensor, ...]:
        """Windows ``(n, window, 3)`` and targets ``(n, 3)`` for the notes at rows ``at``, each moved by its
        semitones in ``shifts`` (zero rows stay zero); then the windows' position slots ``(n, window)`` where
        the rows have them."""
        index = at[:, None] + np.arange(-self.window, 0)
        windows, targets = self.rows[index].copy(), self.rows[at].copy()
        if shifts is not None:
            windows[..., 0] += shifts[:, None] * self.real[index]
            targets[:, 0] += shifts
        out = (torch.from_numpy(windows), torch.from_numpy(targets))
        return out if self.slots is None else out + (torch.from_numpy(self.slots[index]),)

    def random_batch(self, size: int, rng: np.random.Generator, transpose) -> tuple[torch.Tensor, ...]:
        at = self.notes[rng.integers(0, len(self.notes), size)]
        shifts = rng.choice(np.asarray(transpose, np.float32), size)
        index = at[:, None] + np.arange(-self.window, 1)
        pitches = np.where(self.real[index], self.rows[index, 0], np.nan)
        low, high = np.nanmin(pitches, axis=1), np.nanmax(pitches, axis=1)
        shifts = np.where((low + shifts >= 0) & (high + shifts < PITCHES), shifts, 0.0).astype(np.float32)
        return self.batch(at, shifts)


def split_phrases(corpus, split: str, data) -> list[tuple[tuple[Note, ...], Meter]]:
    """(notes, meter) of each piece of a split (each starts on a bar line: a pickup was moved)."""
    out = []
    for piece_id in split_pieces(corpus, split, data):
        piece = corpus.piece(piece_id)
        out.append((piece_notes(piece.tracks), tuple(piece.info.meter)))
    return out
