"""Note rows for the ``lstm-notes`` network: each note of a piece as (pitch, step, duration), and the window
of the notes before it (training batches, and held-out likelihood)."""

from __future__ import annotations

import numpy as np
import torch

from musicstudio.core.note import Note
from musicstudio.generators.codecs import NotesCodec
from musicstudio.generators.codecs.grid import on_grid
from musicstudio.generators.lstm_notes.model import PITCHES
from musicstudio.generators.training.data import split_pieces


def piece_notes(tracks) -> tuple[Note, ...]:
    """Every pitched note of a piece on the grid (what ``eval`` holds out for a model without tokens)."""
    return on_grid(tuple(n for t in tracks if not t.is_drum and t.notes for n in t.notes))


class NoteRows:
    """The rows of many pieces in one array, each piece after ``window`` zero rows, so that the window of
    the note at row ``i`` is ``rows[i - window:i]``."""

    def __init__(self, phrases, window: int):
        codec = NotesCodec()
        parts, real = [], []
        for notes in phrases:
            if not notes:
                continue
            parts += [np.zeros((window, 3), np.float32), codec.encode(notes)]
            real += [np.zeros(window, bool), np.ones(len(parts[-1]), bool)]
        self.window = window
        self.rows = np.concatenate(parts) if parts else np.zeros((0, 3), np.float32)
        self.real = np.concatenate(real) if real else np.zeros(0, bool)
        self.notes = np.flatnonzero(self.real)

    def __len__(self) -> int:
        return len(self.notes)

    def batch(self, at: np.ndarray, shifts: np.ndarray | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Windows ``(n, window, 3)`` and targets ``(n, 3)`` for the notes at rows ``at``, each moved by its
        semitones in ``shifts`` (zero rows stay zero)."""
        index = at[:, None] + np.arange(-self.window, 0)
        windows, targets = self.rows[index].copy(), self.rows[at].copy()
        if shifts is not None:
            windows[..., 0] += shifts[:, None] * self.real[index]
            targets[:, 0] += shifts
        return torch.from_numpy(windows), torch.from_numpy(targets)

    def random_batch(self, size: int, rng: np.random.Generator, transpose) -> tuple[torch.Tensor, torch.Tensor]:
        at = self.notes[rng.integers(0, len(self.notes), size)]
        shifts = rng.choice(np.asarray(transpose, np.float32), size)
        index = at[:, None] + np.arange(-self.window, 1)
        pitches = np.where(self.real[index], self.rows[index, 0], np.nan)
        low, high = np.nanmin(pitches, axis=1), np.nanmax(pitches, axis=1)
        shifts = np.where((low + shifts >= 0) & (high + shifts < PITCHES), shifts, 0.0).astype(np.float32)
        return self.batch(at, shifts)


def split_rows(corpus, split: str, data, window: int) -> NoteRows:
    return NoteRows((piece_notes(corpus.piece(i).tracks) for i in split_pieces(corpus, split, data)), window)
