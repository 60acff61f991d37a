"""Bar pairs from the corpus for the GAN: (the bar before, the bar, the bar's chord), transposed on the fly.

Every pitched track of a piece goes into one piano roll (a chorale's four voices sound together, a tune is
one line), cut into 16-step bars: a 4/4 bar, or two bars of 2/4. Each bar is paired with the bar before it
(an empty bar before the first), so the model learns to begin from silence too. Rolls are kept over a wide
pitch window once; a training batch takes the model's window out of it at a random transposition that
keeps both bars inside the model's range.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np

from musicstudio.generators.codecs.grid import on_grid
from musicstudio.generators.codecs.pianoroll import PianorollCodec
from musicstudio.generators.corpus_store import Corpus
from musicstudio.generators.gan.chords import estimate_from_chroma, roll_chroma, transposed
from musicstudio.generators.training.data import DataConfig, split_pieces

STEPS = 16
MARGIN = 12   # semitones kept on each side of the model's range, for transposition


def piece_roll(piece, low: int, high: int) -> np.ndarray:
    """A piece's pitched notes as one roll (bars, 2, 16, high - low + 1); notes outside low..high are left out."""
    notes = [n for t in piece.tracks if not t.is_drum for n in t.notes if low <= n.pitch <= high]
    codec = PianorollCodec(low, high, STEPS)
    if not notes:
        return np.zeros((0, 2, STEPS, high - low + 1), dtype=bool)
    return np.moveaxis(codec.encode(on_grid(notes)), 1, 0)


@dataclass
class BarPairs:
    """Bars of one split over the wide window ``low - MARGIN .. high + MARGIN``."""

    low: int                 # the model's range
    high: int
    rolls: np.ndarray        # (bars, 2, 16, wide pitches) bool
    previous: np.ndarray     # index of the bar before each bar, -1 for a piece's first
    chords: np.ndarray       # chord index of each bar (absolute pitch classes)
    weights: np.ndarray      # sampling weight of each bar
    collections: np.ndarray  # collection name of each bar's piece
    lowest: np.ndarray       # lowest and highest sounding pitch of the bar and the one before (wide index)
    highest: np.ndarray

    @property
    def pitches(self) -> int:
        return self.high - self.low + 1

    def __len__(self) -> int:
        return len(self.rolls)

    @classmethod
    def from_corpus(cls, corpus: Corpus, split: str, low: int, high: int, data: DataConfig,
                    weights: dict[str, float] | None = None) -> BarPairs:
        """The bars of a split's pieces that pass ``data``'s filters; ``weights`` by collection."""
        return cls.from_pieces((corpus.piece(i) for i in split_pieces(corpus, split, data)), low, high, weights)

    @classmethod
    def from_pieces(cls, pieces: Iterable, low: int, high: int, weights: dict[str, float] | None = None) -> BarPairs:
        """The bars of ``pieces`` (a fine-tune's folder, or a split)."""
        wide_low, wide_high = low - MARGIN, high + MARGIN
        rolls, previous, collections, weight = [], [], [], []
        start = 0
        for piece in pieces:
            roll = piece_roll(piece, wide_low, wide_high)
            if not len(roll) or not roll.any():
                continue
            rolls.append(roll)
            previous.append(np.concatenate([[-1], start + np.arange(len(roll) - 1)]))
            collections += [piece.info.collection] * len(roll)
            weight += [(weights or {}).get(piece.info.collection, 1.0)] * len(roll)
            start += len(roll)
        width = wide_high - wide_low + 1
        rolls_ = np.concatenate(rolls) if rolls else np.zeros((0, 2, STEPS, width), dtype=bool)
        previous_ = np.concatenate(previous) if previous else np.zeros(0, dtype=np.int64)
        sounding = rolls_[:, 0].any(axis=1)  # (bars, pitches)
        lowest = np.where(sounding.any(axis=1), sounding.argmax(axis=1), width)
        highest = np.where(sounding.any(axis=1), width - 1 - sounding[:, ::-1].argmax(axis=1), -1)
        has_prev = previous_ >= 0
        prev = np.where(has_prev, previous_, 0)
        pair_low = np.where(has_prev, np.minimum(lowest, lowest[prev]), lowest) if len(rolls_) else lowest
        pair_high = np.where(has_prev, np.maximum(highest, highest[prev]), highest) if len(rolls_) else highest
        chords = estimate_from_chroma(roll_chroma(rolls_[:, 0], wide_low)) if len(rolls_) else np.zeros(0, int)
        return cls(low, high, rolls_, previous_.astype(np.int64), chords.astype(np.int64),
                   np.asarray(weight, dtype=float), np.asarray(collections), pair_low, pair_high)

    def shifts_allowed(self, shifts: np.ndarray) -> np.ndarray:
        """(bars, len(shifts)) bool: which transpositions keep a bar and the one before in the model's range."""
        shifts = np.asarray(shifts)
        lo = self.lowest[:, None] + shifts[None, :]   # wide index; the model's range is MARGIN .. MARGIN + pitches - 1
        hi = self.highest[:, None] + shifts[None, :]
        return (lo >= MARGIN) & (hi <= MARGIN + self.pitches - 1)

    def window(self, index: np.ndarray, shift: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(bar, bar before, chord) for each ``index`` moved up ``shift`` semitones: float32 arrays of
        shape (n, 2, 16, pitches) twice, and chord indices (n,)."""
        index, shift = np.asarray(index), np.asarray(shift)
        offsets = MARGIN - shift[:, None] + np.arange(self.pitches)[None, :]   # (n, pitches) into the wide axis
        rows = np.arange(len(index))[:, None]
        cur = self.rolls[index][rows, :, :, offsets] if len(index) else np.zeros((0, self.pitches, 2, STEPS), bool)
        # advanced indexing put the pitch axis second: (n, pitches, 2, 16) -> (n, 2, 16, pitches)
        cur = np.moveaxis(cur, 1, 3)
        prev_index = self.previous[index]
        prev = self.rolls[np.maximum(prev_index, 0)][rows, :, :, offsets]
        prev = np.moveaxis(prev, 1, 3) & (prev_index >= 0)[:, None, None, None]
        return cur.astype(np.float32), prev.astype(np.float32), transposed(self.chords[index], shift)

    def sampler(self, shifts, seed: int):
        """A function ``draw(n)`` of random training bars at random allowed transpositions."""
        shifts = np.asarray(shifts)
        allowed = self.shifts_allowed(shifts)
        usable = allowed.any(axis=1)
        p = np.where(usable, self.weights, 0.0)
        if p.sum() == 0:
            raise ValueError("no bar fits the model's pitch range at any transposition")
        p = p / p.sum()
        rng = np.random.default_rng(seed)

        def draw(n: int):
            index = rng.choice(len(self), size=n, p=p)
            choice = allowed[index]
            pick = np.array([rng.choice(np.flatnonzero(c)) for c in choice])
            return self.window(index, shifts[pick])
        return draw
