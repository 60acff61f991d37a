"""Swing: how late a phrase plays its off-beat 8ths (or 16ths), measured from its notes, and applied to or
taken out of notes. Pure (no Qt, no numpy).

A swing is the off-beat note's delay as a fraction of a straight 8th (:class:`Swing`, ``amount``: 0 is
straight, 1/3 the triplet shuffle), the same number :func:`musicstudio.core.edits.quantize` takes; said
as a *ratio* it is where the off-beat falls in its pair of 8ths: 50% straight, 66.7% triplet swing. Swinging
notes moves time itself, piecewise linearly within each pair (the first half is stretched, the second
squeezed), so a note that ends where the next starts still does, and a 16th between two swung 8ths stays
between them. Bar lines and beats stay where they are.

:func:`measure_swing` reads a phrase's swing from its onset pairs: a beat that holds a note on it and one
more note near its middle (and nothing else) is one pair; the ratio is their median position, and a
reading is confident with enough pairs, most of them near it (straight 8ths mixed with dotted ones are a
rhythm, not a swing).
"""

from __future__ import annotations

from statistics import median
from typing import Iterable, NamedTuple

from musicstudio.core.note import Note
from musicstudio.core.ticks import PPQ

EIGHTH, SIXTEENTH = PPQ // 2, PPQ // 4
TRIPLET = 2 / 3                  # the triplet swing's ratio (a quarter and an 8th of a triplet)
LOWEST, HIGHEST = 0.5, 0.75      # ratios a feel may be set to: straight, up to a dotted 8th and a 16th
MIN_PAIRS = 4                    # onset pairs a confident reading needs
AGREE = 0.06                     # a pair agrees with the reading when its ratio is this near the median
MIN_AGREEMENT = 0.75             # and a confident reading needs this share of its pairs to agree
STRAIGHT_BAND = 0.03             # a reading this close to 50% is straight: nothing to straighten
SWUNG_AT_MOST = 0.72             # above it the pairs are written dotted rhythms (a hornpipe's), not swing
ON_BEAT = 0.1                    # of the pair: how near its start a note counts as on it
OFF_BEAT = (0.4, 0.8)            # of the pair: where its second note may fall
CHORD = 10                       # ticks: onsets closer than this are one onset (a chord, a strum)
AUTO, OFF = "auto", "off"


class Swing(NamedTuple):
    amount: float                # the off-beat's delay as a fraction of ``unit``: 0 straight, 1/3 triplet
    unit: int = EIGHTH           # ticks of the notes swung in pairs: 240 (8ths) or 120 (16ths)

    @classmethod
    def of_ratio(cls, ratio: float, unit: int = EIGHTH) -> Swing:
        """The swing whose off-beat falls at ``ratio`` of its pair (0.5 straight, 2/3 triplet)."""
        return cls(2 * ratio - 1, unit)

    @property
    def ratio(self) -> float:
        return (1 + self.amount) / 2

    def tick(self, tick: int) -> int:
        """Where straight time ``tick`` (counted from a bar line) falls when swung."""
        unit, off = self.unit, self._off_beat()
        k, x = divmod(tick, 2 * unit)
        if x < unit:
            return k * 2 * unit + round(x * off / unit)
        return k * 2 * unit + off + round((x - unit) * (2 * unit - off) / unit)

    def straight(self, tick: int) -> int:
        """Where swung time ``tick`` falls when straightened (the inverse of :meth:`tick`, to a tick)."""
        unit, off = self.unit, self._off_beat()
        k, y = divmod(tick, 2 * unit)
        if y < off:
            return k * 2 * unit + round(y * unit / off)
        return k * 2 * unit + unit + round((y - off) * unit / max(1, 2 * unit - off))

    def _off_beat(self) -> int:
        """Where the off-beat note falls in its pair, to a tick (both ways of the warp pass through it)."""
        return self.unit + round(self.amount * self.unit)

    def swung(self, notes: Iterable[Note]) -> list[Note]:
        """Straight notes swung: starts and ends move with time, so joined notes stay joined."""
        return [_moved(n, self.tick) for n in notes]

    def straightened(self, notes: Iterable[Note]) -> list[Note]:
        """Swung notes made straight (what a straight grid hears)."""
        return [_moved(n, self.straight) for n in notes]

    def describe(self) -> str:
        kind = "8ths" if self.unit == EIGHTH else "16ths" if self.unit == SIXTEENTH else f"{self.unit}-tick notes"
        return f"swung {kind} {self.ratio:.0%}"


def _moved(note: Note, time) -> Note:
    start = time(note.start)
    return note._replace(start=start, duration=max(1, time(note.end) - start))


class SwingReading(NamedTuple):
    ratio: float                 # the median off-beat position in its pair (0.5 straight)
    unit: int                    # the notes it swings: EIGHTH or SIXTEENTH
    pairs: int                   # onset pairs it was read from
    agreement: float             # the share of them within AGREE of ``ratio`` (swing, not a mix of rhythms)

    @property
    def confident(self) -> bool:
        return self.pairs >= MIN_PAIRS and self.agreement >= MIN_AGREEMENT

    @property
    def swing(self) -> Swing | None:
        """The swing to keep: a confident reading clearly off straight and short of dotted rhythm; else None."""
        if self.confident and STRAIGHT_BAND <= self.ratio - 0.5 and self.ratio <= SWUNG_AT_MOST:
            return Swing.of_ratio(self.ratio, self.unit)
        return None

    def describe(self) -> str:
        kind = "8ths" if self.unit == EIGHTH else "16ths"
        sure = "" if self.confident else ", too few or too scattered to be sure"
        return f"{kind} at {self.ratio:.1%} ({self.pairs} pairs{sure})"


def _onsets(notes: Iterable[Note]) -> list[int]:
    onsets: list[int] = []
    for start in sorted(n.start for n in notes):
        if not onsets or start - onsets[-1] >= CHORD:
            onsets.append(start)
    return onsets


def _pair_ratios(onsets: list[int], unit: int) -> list[float]:
    """For each pair of ``unit`` notes holding an onset on its start and exactly one more near its middle
    (and no other), where that one falls (0.5 straight)."""
    pair, slack = 2 * unit, ON_BEAT * 2 * unit
    by_pair: dict[int, list[float]] = {}
    for t in onsets:
        k = int((t + slack) // pair)          # an onset a little early belongs to the pair it leads into
        by_pair.setdefault(k, []).append((t - k * pair) / pair)
    ratios = []
    for where in by_pair.values():
        on = [x for x in where if abs(x) <= ON_BEAT]
        off = [x for x in where if OFF_BEAT[0] <= x <= OFF_BEAT[1]]
        if len(on) == 1 and len(off) == 1 and len(where) == 2:
            ratios.append(off[0] - on[0])
    return ratios


def measure_swing(notes: Iterable[Note]) -> SwingReading | None:
    """The swing of ``notes`` (counted from a bar line): of 8ths, or of 16ths where those pair more often;
    None when no beat holds an onset pair to read."""
    onsets = _onsets(notes)
    best = max(((_pair_ratios(onsets, unit), unit) for unit in (EIGHTH, SIXTEENTH)), key=lambda r: len(r[0]))
    ratios, unit = best
    if not ratios:
        return None
    middle = median(ratios)
    return SwingReading(middle, unit, len(ratios), sum(abs(r - middle) <= AGREE for r in ratios) / len(ratios))


def feel_fits(meter: tuple[int, int]) -> bool:
    """Whether a swing of 8ths makes sense in ``meter``: a simple meter counted in quarters or halves
    (2/4, 3/4, 4/4, 2/2, 3/2), not a compound one (6/8, 9/8, 12/8), whose 8ths are its beat's thirds."""
    return meter[1] <= 4


def parse_feel(text: str) -> str | float:
    """A feel as the user says it: "auto" (the seed's swing), "off" (or "straight": the seed as it is, takes
    on the straight grid), "triplet" (66.7%), or a ratio: 60, 60%, 0.6 (of the pair of 8ths, 50 to 75)."""
    word = text.strip().lower()
    if word in (AUTO, OFF):
        return word
    if word == "straight":
        return OFF
    if word == "triplet":
        return TRIPLET
    try:
        value = float(word.rstrip("%").strip())
    except ValueError:
        value = None
    if value is not None and value > 1:
        value /= 100
    if value is None or not LOWEST <= value <= HIGHEST:
        raise ValueError(f"a swing is auto, off, triplet or where the off-beat 8th falls in its pair, from 50 "
                         f"(straight) to 75 (a dotted 8th and a 16th), e.g. 60 or 0.6; not {text!r}")
    return value
