"""Bar pairs from the corpus for the GAN: (the bar before, the bar, the bar's chord), transposed on the fly.

Every pitched track of a piece goes into one piano roll (a chorale's four voices sound together, a tune is
one line), cut into 16-step bars: a 4/4 bar, or two bars of 2/4; for a meter-aware model (``width`` 24),
into bars of the piece's own meter (12 steps of 3/4 or 6/8, 18 of 9/8, 8 of 2/4), each in the first steps of
a 24-step roll with its meter's grid (:mod:`.meters`). Each bar is paired with the bar before it
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
from musicstudio.generators.gan.meters import fits, grids, steps_in_bar
from musicstudio.generators.training.data import DataConfig, split_pieces

STEPS = 16
MARGIN = 12   # semitones kept on each side of the model's range, for transposition


def piece_roll(piece, low: int, high: int, width: int = STEPS, meter: tuple[int, int] | None = None) -> np.ndarray:
    """A piece's pitched notes as one roll (bars, 2, width, high - low + 1), in bars of ``meter`` (None: of
    ``width`` steps); notes outside low..high are left out."""
    notes = [n for t in piece.tracks if not t.is_drum for n in t.notes if low <= n.pitch <= high]
    codec = PianorollCodec(low, high, width)
    if not notes:
        return np.zeros((0, 2, width, high - low + 1), dtype=bool)
    roll = codec.encode(on_grid(notes)) if meter is None else codec.encode_bars(on_grid(notes), steps_in_bar(meter))
    return np.moveaxis(roll, 1, 0)


def piece_meter(piece) -> tuple[int, int]:
    return tuple(getattr(piece.info, "meter", None) or (4, 4))


def _weight(weights: dict[str, float] | None, collection: str, meter: tuple[int, int] | None) -> float:
    weights = weights or {}
    by_meter = weights.get(f"{meter[0]}/{meter[1]}", 1.0) if meter else 1.0
    return weights.get(collection, 1.0) * by_meter


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
    meters: tuple = ()       # a meter-aware model's: the meters of the bars (numerator, denominator) ...
    meter_of: np.ndarray | None = None   # ... and each bar's index into them; None: 16-step bars

    @property
    def width(self) -> int:
        return self.rolls.shape[2]

    @property
    def pitches(self) -> int:
        return self.high - self.low + 1

    def __len__(self) -> int:
        return len(self.rolls)

    @classmethod
    def from_corpus(cls, corpus: Corpus, split: str, low: int, high: int, data: DataConfig,
                    weights: dict[str, float] | None = None, width: int = STEPS) -> BarPairs:
        """The bars of a split's pieces that pass ``data``'s filters; ``weights`` by collection."""
        return cls.from_pieces((corpus.piece(i) for i in split_pieces(corpus, split, data)), low, high, weights,
                               width)

    @classmethod
    def from_pieces(cls, pieces: Iterable, low: int, high: int, weights: dict[str, float] | None = None,
                    width: int = STEPS) -> BarPairs:
        """The bars of ``pieces`` (a fine-tune's folder, or a split); with ``width`` above 16, in each piece's
        meter (a piece whose bar does not fit is left out). ``weights``: by collection, or by meter
        (``"9/8"``), multiplied."""
        wide_low, wide_high = low - MARGIN, high + MARGIN
        rolls, previous, collections, weight, meters = [], [], [], [], []
        start = 0
        for piece in pieces:
            meter = piece_meter(piece) if width != STEPS else None
            if meter is not None and not fits(meter, width):
                continue
            roll = piece_roll(piece, wide_low, wide_high, width, meter)
            if not len(roll) or not roll.any():
                continue
            meters += [meter] * len(roll)
            rolls.append(roll)
            previous.append(np.concatenate([[-1], start + np.arange(len(roll) - 1)]))
            collections += [piece.info.collection] * len(roll)
            weight += [_weight(weights, piece.info.collection, meter)] * len(roll)
            start += len(roll)
        span = wide_high - wide_low + 1
        rolls_ = np.concatenate(rolls) if rolls else np.zeros((0, 2, width, span), dtype=bool)
        previous_ = np.concatenate(previous) if previous else np.zeros(0, dtype=np.int64)
        sounding = rolls_[:, 0].any(axis=1)  # (bars, pitches)
        lowest = np.where(sounding.any(axis=1), sounding.argmax(axis=1), span)
        highest = np.where(sounding.any(axis=1), span - 1 - sounding[:, ::-1].argmax(axis=1), -1)
        has_prev = previous_ >= 0
        prev = np.where(has_prev, previous_, 0)
        pair_low = np.where(has_prev, np.minimum(lowest, lowest[prev]), lowest) if len(rolls_) else lowest
        pair_high = np.where(has_prev, np.maximum(highest, highest[prev]), highest) if len(rolls_) else highest
        chords = estimate_from_chroma(roll_chroma(rolls_[:, 0], wide_low)) if len(rolls_) else np.zeros(0, int)
        kinds = tuple(sorted(set(meters))) if width != STEPS else ()
        meter_of = np.array([kinds.index(m) for m in meters], dtype=np.int64) if width != STEPS else None
        return cls(low, high, rolls_, previous_.astype(np.int64), chords.astype(np.int64),
                   np.asarray(weight, dtype=float), np.asarray(collections), pair_low, pair_high, kinds, meter_of)

    def meter_counts(self) -> dict[tuple[int, int], int]:
        """How many bars each meter has (a 16-step model's bars all count as 4/4)."""
        if self.meter_of is None:
            return {(4, 4): len(self)}
        return {m: int((self.meter_of == i).sum()) for i, m in enumerate(self.meters)}

    def shifts_allowed(self, shifts: np.ndarray) -> np.ndarray:
        """(bars, len(shifts)) bool: which transpositions keep a bar and the one before in the model's range."""
        shifts = np.asarray(shifts)
        lo = self.lowest[:, None] + shifts[None, :]   # wide index; the model's range is MARGIN .. MARGIN + pitches - 1
        hi = self.highest[:, None] + shifts[None, :]
        return (lo >= MARGIN) & (hi <= MARGIN + self.pitches - 1)

    def window(self, index: np.ndarray, shift: np.ndarray) -> tuple:
        """(bar, bar before, chord, grid) for each ``index`` moved up ``shift`` semitones: float32 arrays of
        shape (n, 2, width, pitches) twice, chord indices (n,), and the bars' meter grids (n, channels,
        width), None for a 16-step model."""
        index, shift = np.asarray(index), np.asarray(shift)
        offsets = MARGIN - shift[:, None] + np.arange(self.pitches)[None, :]   # (n, pitches) into the wide axis
        rows = np.arange(len(index))[:, None]
        cur = self.rolls[index][rows, :, :, offsets] if len(index) else np.zeros((0, self.pitches, 2, self.width), bool)
        # advanced indexing put the pitch axis second: (n, pitches, 2, 16) -> (n, 2, 16, pitches)
        cur = np.moveaxis(cur, 1, 3)
        prev_index = self.previous[index]
        prev = self.rolls[np.maximum(prev_index, 0)][rows, :, :, offsets]
        prev = np.moveaxis(prev, 1, 3) & (prev_index >= 0)[:, None, None, None]
        grid = None if self.meter_of is None else grids([self.meters[i] for i in self.meter_of[index]], self.width)
        return cur.astype(np.float32), prev.astype(np.float32), transposed(self.chords[index], shift), grid

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
