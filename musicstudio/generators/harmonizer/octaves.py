"""Octaves and spans: the whole-octave moves that bring given parts into the model's range (C2..C6), and
:class:`SpanError`, what the harmonizer says when it cannot write over a span, and the longest span it writes
(:data:`MAX_STEPS`)."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from musicstudio.core.note import Note
from musicstudio.generators.harmonizer.voices import HIGH, LOW

MAX_STEPS = 16 * 64          # 64 bars of 4/4: a longer span is refused (the convolution's memory and time)


class SpanError(ValueError):
    """The span or the parts cannot be written over; ``str(error)`` says why, for the user."""


def octave_shift(notes: Sequence[Note], centre: float, low: int = LOW, high: int = HIGH) -> int:
    """The whole-octave move (semitones) that keeps ``notes`` inside ``low..high`` with their mean nearest
    ``centre``; SpanError when no octave fits them."""
    pitches = [n.pitch for n in notes]
    if not pitches:
        return 0
    fits = [12 * k for k in range(-6, 7) if min(pitches) + 12 * k >= low and max(pitches) + 12 * k <= high]
    if not fits:
        raise SpanError(f"the parts span {min(pitches)}..{max(pitches)}, wider than the model's range "
                        f"{LOW}..{HIGH}")
    mean = float(np.mean(pitches))
    return min(fits, key=lambda k: (abs(mean + k - centre), abs(k)))


def moved(notes: Sequence[Note], semitones: int) -> list[Note]:
    return [n._replace(pitch=n.pitch + semitones) for n in notes]
