"""Random gaps cut from the corpus's pieces: the training and validation items of the infill model.

A gap of 1-4 bars (one draw in ten 5-8, so the longer markers are heard too) anywhere in a piece, with up to
:data:`~.sequences.BEFORE_BARS` bars before it and up to :data:`~.sequences.AFTER_BARS` after it (each side's
length drawn, so the model hears short and long contexts); one draw in ten has no bars after it (a plain
continuation). A piece's bar lines are the grid's bars of its meter (a pickup was moved onto them when the
corpus was built). Training transposes each draw by one of the data config's shifts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicstudio.core.note import Note
from musicstudio.generators.codecs import EventCodec
from musicstudio.generators.codecs.grid import on_grid
from musicstudio.generators.corpus_piece import Piece
from musicstudio.generators.infill.sequences import (
    AFTER_BARS,
    BEFORE_BARS,
    MAX_GAP,
    Arranged,
    after_part,
    arrange,
    part_tokens,
)
from musicstudio.generators.interface import bar_ticks

CONTINUE_SHARE = 0.1   # draws with nothing after the gap: the model also continues from the left only
LONG_SHARE = 0.1       # draws of a gap of 5 .. MAX_GAP bars


@dataclass(frozen=True)
class PieceNotes:
    """A piece's pitched notes (every pitched track together, as the events codec reads them) and its meter."""

    notes: tuple[Note, ...]
    meter: tuple[int, int]

    @classmethod
    def of(cls, piece: Piece) -> PieceNotes:
        notes = on_grid(tuple(n for t in piece.tracks if not t.is_drum for n in t.notes))
        return cls(tuple(sorted(notes, key=lambda n: (n.start, n.pitch))), tuple(piece.info.meter))

    @property
    def bar(self) -> int:
        return bar_ticks(self.meter)

    @property
    def bars(self) -> int:
        return -(-max((n.end for n in self.notes), default=0) // self.bar)

    def transposed(self, k: int) -> PieceNotes:
        return PieceNotes(tuple(n._replace(pitch=n.pitch + k) for n in self.notes), self.meter)


@dataclass(frozen=True)
class Gap:
    """Where a gap is: its first bar, its bars, and the bars of context read before and after it."""

    start: int
    bars: int
    before: int
    after: int


def draw_gap(bars: int, rng: np.random.Generator) -> Gap | None:
    """A random gap in a piece of ``bars`` bars (None when the piece is under two bars)."""
    if bars < 2:
        return None
    longest = min(MAX_GAP if rng.random() < LONG_SHARE else 4, bars - 1)
    size = int(rng.integers(1, longest + 1))
    start = int(rng.integers(0, bars - size + 1))
    before = min(start, int(rng.integers(1, BEFORE_BARS + 1)))
    after = 0 if rng.random() < CONTINUE_SHARE else min(bars - start - size, int(rng.integers(1, AFTER_BARS + 1)))
    return Gap(start, size, before, after)


def arranged_gap(codec: EventCodec, steps_of: np.ndarray, piece: PieceNotes, gap: Gap,
                 reverse: bool = False) -> Arranged:
    """The rearranged sequence (:func:`~.sequences.arrange`) of ``gap`` in ``piece`` (``reverse``: the after
    part's bars in reverse order, :func:`~.sequences.after_part`)."""
    bar, notes = piece.bar, list(piece.notes)
    first, last = gap.start * bar, (gap.start + gap.bars) * bar
    after = after_part(codec, notes, last, gap.after, bar, reverse)
    before = part_tokens(codec, notes, first - gap.before * bar, first)
    return arrange(codec, steps_of, after, before, part_tokens(codec, notes, first, last), gap.bars)


def draws(pieces: list[PieceNotes], count: int, rng: np.random.Generator, shifts=(0,)) -> list[tuple[PieceNotes, Gap]]:
    """``count`` random (piece, gap) pairs, pieces drawn in proportion to their bars, each piece moved by a
    random one of ``shifts`` semitones."""
    usable = [p for p in pieces if p.bars >= 2]
    weights = np.array([p.bars for p in usable], np.float64)
    out = []
    for i in rng.choice(len(usable), size=count, p=weights / weights.sum()):
        piece = usable[i]
        low, high = min(n.pitch for n in piece.notes), max(n.pitch for n in piece.notes)
        k = int(rng.choice([k for k in shifts if 0 <= low + k and high + k <= 127] or [0]))
        gap = draw_gap(piece.bars, rng)
        out.append((piece.transposed(k) if k else piece, gap))
    return out
