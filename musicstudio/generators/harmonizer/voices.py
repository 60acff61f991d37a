"""Four voices on the 16th grid: the harmonizer's view of a chorale (:class:`Voices`) and of a meter
(:func:`meter_planes`).

Each voice is a :class:`~musicstudio.generators.codecs.melody.MelodyCodec` token line (NOTE_OFF, HOLD or a
note-on, one a 16th step) over the shared range :data:`LOW`..:data:`HIGH`; voice 0 is the soprano, 3 the
bass. The network hears each voice as a piano roll (the sounding pitch, or silence, at each step) and an
onset plane, both derived from the tokens (:func:`rolls`), and the meter as three planes (bar lines, beats,
8ths), so any meter the codecs can say has its beats where it places them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from musicstudio.core.note import Note
from musicstudio.generators.codecs.grid import STEP_TICKS
from musicstudio.generators.codecs.melody import FIRST_NOTE, HOLD, MelodyCodec

LOW, HIGH = 36, 84                     # C2..C6: every chorale voice, transposed
CODEC = MelodyCodec(LOW, HIGH)
TOKENS = CODEC.size                    # 51: NOTE_OFF, HOLD, 49 pitches
PITCHES = HIGH - LOW + 1
ROLL = PITCHES + 2                     # sounding pitch or silence, and the onset plane
VOICE_NAMES = ("soprano", "alto", "tenor", "bass")
METER_PLANES = 3


def beat_steps(meter: tuple[int, int]) -> int:
    """16th steps per beat: the denominator's note, or a dotted one in a compound meter (6/8, 9/8, 12/8)."""
    numerator, denominator = meter
    unit = max(1, 16 // denominator)
    return unit * 3 if denominator >= 8 and numerator % 3 == 0 and numerator > 3 else unit


def bar_steps(meter: tuple[int, int]) -> int:
    numerator, denominator = meter
    return max(1, numerator * 16 // denominator)


def meter_planes(meter: tuple[int, int], steps: int, offset: int = 0) -> np.ndarray:
    """(3, steps) float32: 1 on bar lines, on beats, on 8ths, for a stretch starting ``offset`` steps after a
    bar line."""
    at = np.arange(offset, offset + steps)
    return np.stack([at % bar_steps(meter) == 0, (at % bar_steps(meter)) % beat_steps(meter) == 0,
                     at % 2 == 0]).astype(np.float32)


def sounding(tokens: np.ndarray) -> np.ndarray:
    """(..., steps) tokens -> (..., steps) int64: the pitch index (pitch - LOW) sounding at each step, or
    PITCHES for silence (a HOLD before any note-on is silence)."""
    tokens = np.asarray(tokens)
    steps = tokens.shape[-1]
    changed = tokens != HOLD
    last = np.where(changed, np.arange(steps), -1)
    last = np.maximum.accumulate(last, axis=-1)
    held = np.take_along_axis(tokens, np.maximum(last, 0), axis=-1)
    return np.where((last >= 0) & (held >= FIRST_NOTE), held - FIRST_NOTE, PITCHES).astype(np.int64)


def rolls(tokens: np.ndarray) -> np.ndarray:
    """(..., steps) tokens -> (..., steps, ROLL) float32: one-hot sounding pitch (index PITCHES: silence)
    and the onset plane (last)."""
    tokens = np.asarray(tokens)
    out = np.zeros(tokens.shape + (ROLL,), np.float32)
    np.put_along_axis(out, sounding(tokens)[..., None], 1.0, axis=-1)
    out[..., -1] = tokens >= FIRST_NOTE
    return out


@dataclass(frozen=True)
class Voices:
    """Four token lines of equal length (soprano first) and the meter they are in, from a bar line."""

    tokens: np.ndarray            # (4, steps) int64
    meter: tuple[int, int] = (4, 4)

    @property
    def steps(self) -> int:
        return int(self.tokens.shape[1])

    @classmethod
    def from_parts(cls, parts: Sequence[Sequence[Note]], meter: tuple[int, int], steps: int | None = None,
                   start: int = 0) -> Voices:
        """Four parts' notes (ticks; ``start``: the tick of the first step, a bar line) as token lines; a
        part may be empty (all silence). ValueError for a pitch outside LOW..HIGH."""
        if len(parts) != 4:
            raise ValueError(f"four voices are needed, not {len(parts)}")
        moved = [[n._replace(start=n.start - start) for n in part if n.start >= start] for part in parts]
        if steps is None:
            steps = max((-(-n.end // STEP_TICKS) for part in moved for n in part), default=0)
        return cls(np.stack([CODEC.encode(part, steps) if part else np.full(steps, HOLD, np.int64)
                             for part in moved]), tuple(meter))

    def notes(self, voice: int, start: int = 0, velocity: int = 90) -> tuple[Note, ...]:
        return tuple(n._replace(start=n.start + start) for n in CODEC.decode(self.tokens[voice], velocity))


def pitch_allowed(low: int, high: int) -> np.ndarray:
    """(TOKENS,) bool: the tokens a voice kept to ``low..high`` may take (NOTE_OFF and HOLD always)."""
    allowed = np.zeros(TOKENS, bool)
    allowed[:FIRST_NOTE] = True
    allowed[FIRST_NOTE + max(LOW, low) - LOW:FIRST_NOTE + min(HIGH, high) - LOW + 1] = True
    return allowed
