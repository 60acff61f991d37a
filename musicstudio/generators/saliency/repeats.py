"""Held-out seeds whose true continuation repeats a bar of the seed: the cases the saliency is measured on.

A case is a window of a test-split piece (every pitched track, on the 16th grid, from a bar line): ``seed_bars``
bars of seed, then ``take_bars`` bars of true continuation whose first bar has the same notes as one or more
bars of the seed (each note's offset in its bar, pitch and duration within the bar; with ``transposed``, also
the same notes moved by a constant interval). Those seed bars are the *repeated* bars; a case needs at
least two notes in them and notes elsewhere in the seed, and seed bars that are not all alike. One window is
drawn per piece (a fixed random seed), pieces in a fixed random order, until ``count`` cases.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.infill.gaps import PieceNotes
from musicstudio.generators.interface import bar_ticks

Content = tuple[tuple[int, int, int], ...]


@dataclass(frozen=True)
class RepeatCase:
    piece: str
    meter: tuple[int, int]
    seed: Clip
    truth: Clip              # the true continuation, counted from the seed's end
    repeated: tuple[int, ...]  # the seed's bars (0 = its first) that the continuation's first bar repeats
    interval: int            # semitones from the repeated bar to the continuation's (0: exact)

    def in_repeated(self) -> np.ndarray:
        """For each seed note, whether it starts in a repeated bar."""
        bar = bar_ticks(self.meter)
        return np.array([n.start // bar in self.repeated for n in self.seed.notes], bool)


def bar_content(notes: tuple[Note, ...], start: int, bar: int) -> Content:
    """The notes that start in the bar from ``start``: (offset, pitch, duration cut at the bar's end)."""
    return tuple(sorted((n.start - start, n.pitch, min(n.end, start + bar) - n.start)
                        for n in notes if start <= n.start < start + bar))


def _moved(content: Content, interval: int) -> Content:
    return tuple((o, p + interval, d) for o, p, d in content)


def _matches(target: Content, seed_bars: list[Content], transposed: bool) -> tuple[tuple[int, ...], int]:
    """The seed bars equal to ``target`` (exact first; else, with ``transposed``, at one interval)."""
    exact = tuple(i for i, b in enumerate(seed_bars) if b == target)
    if exact or not transposed:
        return exact, 0
    for b in seed_bars:
        if b and len(b) == len(target) and target[0][1] != b[0][1]:
            interval = target[0][1] - b[0][1]
            if _moved(b, interval) == target:
                return tuple(j for j, c in enumerate(seed_bars) if _moved(c, interval) == target), interval
    return (), 0


def window_case(piece: str, notes: PieceNotes, first: int, seed_bars: int, take_bars: int,
                transposed: bool) -> RepeatCase | None:
    """The case of the window from bar ``first``, or None when its continuation repeats no seed bar."""
    bar = notes.bar
    start, end = first * bar, (first + seed_bars) * bar
    contents = [bar_content(notes.notes, start + k * bar, bar) for k in range(seed_bars)]
    target = bar_content(notes.notes, end, bar)
    if len(target) < 2 or len(set(contents)) < 2:
        return None
    repeated, interval = _matches(target, contents, transposed)
    if not repeated:
        return None
    seed_notes = tuple(n._replace(start=n.start - start, duration=min(n.end, end) - n.start)
                       for n in notes.notes if start <= n.start < end)
    if all(n.start // bar in repeated for n in seed_notes):
        return None
    truth = tuple(n._replace(start=n.start - end, duration=min(n.end, end + take_bars * bar) - n.start)
                  for n in notes.notes if end <= n.start < end + take_bars * bar)
    return RepeatCase(piece, notes.meter, Clip(seed_notes, seed_bars * bar), Clip(truth, take_bars * bar),
                      repeated, interval)


def bars_repeated_by(case: RepeatCase, take: Clip) -> np.ndarray | None:
    """For a take written after ``case``'s seed (a sampled one): for each seed note, whether it starts in a seed
    bar that the take's first bar repeats exactly; None when it repeats none, or when those bars hold all the
    seed's notes (nothing to compare them with)."""
    bar = bar_ticks(case.meter)
    first = bar_content(take.notes, 0, bar)
    bars = round(case.seed.length / bar)
    same = {k for k in range(bars) if first and bar_content(case.seed.notes, k * bar, bar) == first}
    mask = np.array([n.start // bar in same for n in case.seed.notes], bool)
    return mask if mask.any() and not mask.all() else None


def swapped(case: RepeatCase, bars: tuple[int, ...]) -> Clip | None:
    """The seed with the notes of ``bars`` replaced by those of the nearest other seed bar whose notes differ
    (moved into place; None when there is none): the same tune with another of its bars where those were."""
    bar = bar_ticks(case.meter)
    count = round(case.seed.length / bar)
    contents = [bar_content(case.seed.notes, k * bar, bar) for k in range(count)]
    others = [k for k in range(count) if k not in bars and all(contents[k] != contents[b] for b in bars)]
    if not others:
        return None
    notes = [n for n in case.seed.notes if n.start // bar not in bars]
    for b in bars:
        k = min(others, key=lambda o: (abs(o - b), o))
        notes += [n.moved_by(ticks=(b - k) * bar) for n in case.seed.notes if n.start // bar == k]
    return Clip(tuple(sorted(notes, key=lambda n: (n.start, n.pitch))), case.seed.length)


def find_cases(corpus, count: int = 50, seed_bars: int = 4, take_bars: int = 2, split: str = "test",
               random_seed: int = 0, transposed: bool = False) -> list[RepeatCase]:
    """Up to ``count`` cases from ``corpus`` (:class:`~musicstudio.generators.corpus_store.Corpus`)'s ``split``."""
    rng = np.random.default_rng(random_seed)
    infos = corpus.select(split=split)
    out = []
    for i in rng.permutation(len(infos)):
        notes = PieceNotes.of(corpus.piece(infos[i].id))
        windows = [w for w in range(0, notes.bars - seed_bars - take_bars + 1)
                   if window_case(infos[i].id, notes, w, seed_bars, take_bars, transposed) is not None]
        if windows:
            w = int(rng.choice(windows))
            out.append(window_case(infos[i].id, notes, w, seed_bars, take_bars, transposed))
        if len(out) == count:
            break
    return out
