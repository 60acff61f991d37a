"""The controls model's training material: the licence-clean melodies (O'Neill's, Ryan's, from the corpus
cache) and the licence-clean polyphonic pieces (``cache/poly-pieces.npz``, :mod:`~..vae_poly.data`: every part
of a piece merged into one stream, split by piece with its sha256 rule), as :class:`~.gaps.PieceNotes`, and the
training items: a random gap of either with each of its bars' control tokens (:mod:`..controls.tokens`) before
the bar, read from the bar's own attributes and dropped to "any" some of the time.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from musicstudio.core.note import Note
from musicstudio.generators.codecs import EventCodec
from musicstudio.generators.codecs.grid import STEP_TICKS, steps_in_bar
from musicstudio.generators.controls.attributes import BarAttributes, bars_attributes
from musicstudio.generators.controls.bins import CONTROLS, ControlBins
from musicstudio.generators.controls.tokens import ControlTokens, insert_controls
from musicstudio.generators.infill.gaps import Gap, PieceNotes, draw_gap
from musicstudio.generators.infill.model import arranged_slots
from musicstudio.generators.infill.sequences import IGNORE, after_part, arrange, part_tokens, training_item
from musicstudio.generators.vae_poly.data import read_cache

POLY_CONTEXT = 4        # bars of context a polyphonic draw reads on each side at most (its bars are long)
DROP_ALL = 0.15         # a draw's control is "any" in every bar this often,
DROP_BAR = 0.1          # else each bar's this often


def poly_pieces(cache: str, split: str, meters) -> list[PieceNotes]:
    """The cache's pieces of ``split``, one :class:`PieceNotes` per stretch of one meter the model knows."""
    manifest, arrays = read_cache(cache)
    meters = {tuple(m) for m in meters}
    out = []
    for row in manifest["pieces"]:
        if row["split"] != split:
            continue
        notes = arrays[row["key"]]
        for first, last, n, d in row["segments"]:
            if (n, d) not in meters or last - first < 2 * steps_in_bar((n, d)):
                continue
            inside = notes[(notes[:, 1] >= first) & (notes[:, 1] < last)]
            stretch = tuple(Note(int(p), int(s - first) * STEP_TICKS, int(k) * STEP_TICKS) for p, s, k in inside)
            if stretch:
                out.append(PieceNotes(stretch, (n, d)))
    return out


def gap_notes(piece: PieceNotes, gap: Gap) -> list[Note]:
    """The notes that start in the gap (what a take of it holds)."""
    first, last = gap.start * piece.bar, (gap.start + gap.bars) * piece.bar
    return [n for n in piece.notes if first <= n.start < last]


def gap_attributes(piece: PieceNotes, gap: Gap) -> list[BarAttributes]:
    return bars_attributes(gap_notes(piece, gap), gap.start * piece.bar, piece.bar, gap.bars)


def sample_bars(pieces: list[PieceNotes], count: int, rng: np.random.Generator) -> list[BarAttributes]:
    """The attributes of ``count`` random bars of ``pieces`` (pieces drawn by their bars)."""
    weights = np.array([p.bars for p in pieces], np.float64)
    out = []
    for i in rng.choice(len(pieces), size=count, p=weights / weights.sum()):
        piece = pieces[i]
        gap = Gap(int(rng.integers(0, piece.bars)), 1, 0, 0)
        out += gap_attributes(piece, gap)
    return out


def wishes(bins: ControlBins, bars: list[BarAttributes], rng: np.random.Generator | None) -> list[dict]:
    """Each bar's control bins, dropped to any (missing) at random when ``rng`` is given."""
    out = [bins.bins(b) for b in bars]
    if rng is None:
        return out
    for control in CONTROLS:
        drop_all = rng.random() < DROP_ALL
        for wish in out:
            if drop_all or rng.random() < DROP_BAR:
                wish.pop(control, None)
    return out


def controlled_item(codec: EventCodec, steps_of: np.ndarray, tokens: ControlTokens, config, start_token: int,
                    piece: PieceNotes, gap: Gap, bins: ControlBins, rng: np.random.Generator | None,
                    given: list[dict] | None = None):
    """(inputs, slots, targets) of one gap with its controls (never targets themselves): the bars' own bins
    (dropped at random with ``rng``), or the wishes ``given`` for each bar."""
    bar, notes = piece.bar, list(piece.notes)
    first, last = gap.start * bar, (gap.start + gap.bars) * bar
    after = after_part(codec, notes, last, gap.after, bar, config.after_reversed)
    before = part_tokens(codec, notes, first - gap.before * bar, first)
    per_bar = [tokens.bar(w) for w in (given if given is not None else wishes(bins, gap_attributes(piece, gap), rng))]
    gap_tokens = insert_controls(part_tokens(codec, notes, first, last), steps_of,
                                 steps_in_bar(piece.meter, codec.steps_per_quarter), per_bar)
    arranged = arrange(codec, steps_of, after, before, gap_tokens, gap.bars)
    inputs, slots, targets = training_item(arranged, start_token, arranged_slots(config, arranged, piece.meter))
    targets[tokens.is_control(targets)] = IGNORE
    return inputs, slots, targets


def draw(pieces: list[PieceNotes], rng: np.random.Generator, shifts, context: int | None) -> tuple[PieceNotes, Gap]:
    """One random (piece, gap), the piece moved by one of ``shifts`` that keeps it in MIDI's range, the gap's
    context at most ``context`` bars a side (None: the infill model's)."""
    weights = np.array([p.bars for p in pieces], np.float64)
    piece = pieces[int(rng.choice(len(pieces), p=weights / weights.sum()))]
    low, high = min(n.pitch for n in piece.notes), max(n.pitch for n in piece.notes)
    k = int(rng.choice([k for k in shifts if 0 <= low + k and high + k <= 127] or [0]))
    gap = draw_gap(piece.bars, rng)
    if context is not None:
        gap = replace(gap, before=min(gap.before, context), after=min(gap.after, context))
    return (piece.transposed(k) if k else piece), gap
