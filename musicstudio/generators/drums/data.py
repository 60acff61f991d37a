"""The drum model's data: mma's grooves (:mod:`.grooves`) as token sequences, split by style.

Whole styles (every groove of a library file) are held out for evaluation, so that the evaluation asks
about grooves of styles the model never saw: :data:`HELD_OUT` names them (a bossa, a waltz family,
two 6/8 styles and a swing family, so 3/4 and 6/8 grooves are in it). Every other style trains; within
them, one groove in ten (by a hash of its name) is the validation split.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from musicstudio.generators.codecs.drums import GROUP_OF, DrumCodec
from musicstudio.generators.codecs.grid import STEP_TICKS, steps_in_bar
from musicstudio.generators.drums.grooves import groove_notes
from musicstudio.generators.lstm.model import METERS

DRUM_METERS = METERS + ((5, 4),)     # the position slots the drum model learns (mma has a 5/4 jazz style)

HELD_OUT = ("bossanova", "waltz", "vienesewaltz", "frenchwaltz", "68march", "ballad68", "swing", "fastswing")
# A style of mma's other libraries whose name holds one of :data:`.grooves.HELD_OUT_KINDS` is another hand's
# version of a held-out style, so it is left out of training too (:func:`.grooves.named_grooves`).
VALID_SHARE = 10     # one groove in VALID_SHARE of the training styles validates


@dataclass(frozen=True)
class Groove:
    style: str
    name: str
    meter: tuple[int, int]
    notes: tuple
    steps: int

    @property
    def bar_steps(self) -> int:
        return steps_in_bar(self.meter)


def grooves_of(records: list[dict]) -> list[Groove]:
    """The cached records as grooves, cut to whole bars of their meter."""
    out = []
    for r in records:
        meter = (int(r["meter"][0]), int(r["meter"][1]))
        steps = int(r["length"]) // STEP_TICKS
        steps -= steps % steps_in_bar(meter)
        if steps:
            out.append(Groove(r["style"], r["groove"], meter, groove_notes(r), steps))
    return out


def split_of(groove: Groove, held_out=HELD_OUT) -> str:
    """"test" for a held-out style, else "valid" or "train" by a hash of the groove's name."""
    if groove.style in held_out:
        return "test"
    return "valid" if zlib.crc32(f"{groove.style}/{groove.name}".encode()) % VALID_SHARE == 0 else "train"


def distinct(grooves: list[Groove]) -> list[Groove]:
    """The grooves whose drum parts differ on the 16th grid, instrument by instrument (many of mma's
    variations change only the other instruments)."""
    seen, out = set(), []
    for g in grooves:
        key = (g.meter, tuple(sorted({(int(GROUP_OF[n.pitch]), round(n.start / STEP_TICKS)) for n in g.notes})))
        if key not in seen:
            seen.add(key)
            out.append(g)
    return out


def windows(codec: DrumCodec, grooves: list[Groove], bars: int = 8) -> list[tuple[np.ndarray, tuple[int, int]]]:
    """Token windows of ``bars`` bars (fewer when the groove is shorter) starting on every other bar line,
    each with its meter."""
    out = []
    for g in grooves:
        tokens = codec.encode(g.notes, g.steps)
        length = min(bars * g.bar_steps, g.steps)
        for start in range(0, g.steps - length + 1, 2 * g.bar_steps):
            out.append((tokens[start:start + length], g.meter))
    return out
