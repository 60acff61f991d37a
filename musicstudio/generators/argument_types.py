"""Values of ``musicstudio generate``'s options, read as a musician writes them: a pitch range in MIDI numbers
or note names, a feel (swing). Each raises ``argparse.ArgumentTypeError`` with a sentence that says what is
wrong, so the command answers in one line."""

from __future__ import annotations

import argparse
import re

from musicstudio.core.feel import parse_feel
from musicstudio.core.note import parse_pitch

_RANGE = re.compile(r"\s*(?P<low>[A-Ga-g][#♯b♭]?-?\d{1,2}|\d{1,3})\s*(?:-|\.\.|to)\s*"
                    r"(?P<high>[A-Ga-g][#♯b♭]?-?\d{1,2}|\d{1,3})\s*")


REGISTERS = {"low": (36, 59), "mid": (52, 76), "high": (67, 91)}   # C2-B3, E3-E5, G4-G6


def pitch_range(text: str) -> tuple[int, int]:
    """``LOW-HIGH`` in MIDI numbers or note names: 48-84, C4-C6, F#3-A5, C-1-G9; or a register's name (low,
    mid, high: :data:`REGISTERS`, two octaves each, overlapping)."""
    if text.strip().lower() in REGISTERS:
        return REGISTERS[text.strip().lower()]
    m = _RANGE.fullmatch(text)
    try:
        low, high = (parse_pitch(m.group("low")), parse_pitch(m.group("high"))) if m else (None, None)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"{e}, in the pitch range {text!r}") from None
    if low is None:
        raise argparse.ArgumentTypeError(f"a pitch range is LOW-HIGH in MIDI numbers or note names, e.g. 48-84 "
                                         f"or C3-C6, or low, mid or high, not {text!r}")
    if low > high:
        raise argparse.ArgumentTypeError(f"the pitch range {text!r} runs downwards: give the lower pitch first")
    return low, high


def feel(text: str) -> str | float:
    """``--swing``: auto, off, or where the off-beat 8th falls in its pair (:func:`.parse_feel`)."""
    try:
        return parse_feel(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
