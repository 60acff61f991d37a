"""The harmonizer's generator: write any of four voices given the others (:meth:`Harmonizer.write`), and
the two uses of it, **Harmonize** (a melody given: alto, tenor and bass written, :meth:`Harmonizer.harmonize`)
and **Add a part** (other parts given: one voice written in a role and register, :meth:`Harmonizer.add_part`).

Notes are the song's, in ticks, over a span from a bar line (``start``) to ``end``; the given parts move by
whole octaves into the model's range (C2..C6) and the written ones move back. Each written voice keeps to
its range in Bach's chorales (the config's ``ranges``) or to the requested register."""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from musicstudio.core.note import Note
from musicstudio.generators.codecs.grid import STEP_TICKS
from musicstudio.generators.codecs.melody import monophonic
from musicstudio.generators.harmonizer.gibbs import Schedule, sample
from musicstudio.generators.harmonizer.octaves import MAX_STEPS, SpanError, moved, octave_shift
from musicstudio.generators.harmonizer.voices import HIGH, LOW, VOICE_NAMES, Voices, meter_planes, pitch_allowed

Range = tuple[int, int]


class Harmonizer:
    backend = "harmonizer"

    def __init__(self, name: str, net, ranges: Sequence[Range], decoding: dict | None = None, device: str = "cpu"):
        self.name = name
        self.net = net.to(device)
        self.ranges = [tuple(int(x) for x in r) for r in ranges]
        self.decoding = dict(decoding or {})
        self.device = device

    def schedule(self, variations: int, steps: int | None = None, temperature: float | None = None) -> Schedule:
        if steps is None and variations > 1:
            steps = self.decoding.get("variation_steps")
        return Schedule.from_config(self.decoding, steps, temperature)

    def write(self, voices: Voices, write: np.ndarray, ranges: Sequence[Range], variations: int = 1,
              random_seed: int = 0, steps: int | None = None, temperature: float | None = None,
              progress: Callable[[float], None] | None = None, cancel=None,
              soprano: np.ndarray | None = None) -> list[Voices]:
        """``variations`` takes of ``voices`` with the steps of ``write`` (4, T) drawn; the others kept.
        ``soprano``: the soprano's allowed tokens, in place of its range's."""
        if voices.steps < 1 or voices.steps > MAX_STEPS:
            raise SpanError(f"the span is {voices.steps} 16ths; the harmonizer writes 1 to {MAX_STEPS}")
        allowed = np.stack([pitch_allowed(*r) for r in ranges])
        if soprano is not None:
            allowed[0] = soprano
        tokens = np.repeat(voices.tokens[None], variations, axis=0)
        mask = np.repeat(np.asarray(write, bool)[None], variations, axis=0)
        out = sample(self.net, tokens, mask, meter_planes(voices.meter, voices.steps), allowed,
                     self.schedule(variations, steps, temperature), np.random.default_rng(random_seed), self.device,
                     progress, cancel)
        return [Voices(t, voices.meter) for t in out]

    def harmonize(self, melody: Sequence[Note], meter: tuple[int, int], start: int, end: int, variations: int = 1,
                  random_seed: int = 0, **sampling) -> list[tuple[tuple[Note, ...], ...]]:
        """Alto, tenor and bass under ``melody`` (its top line over ``start..end``), ``variations`` times."""
        line = monophonic(n for n in melody if start <= n.start < end)
        if not line:
            raise SpanError("the melody has no notes in the span")
        shift = octave_shift(line, np.mean(self.ranges[0]))
        parts = [moved(line, shift), [], [], []]
        voices = Voices.from_parts(parts, meter, _steps(start, end), start)
        write = np.zeros((4, voices.steps), bool)
        write[1:] = True
        takes = self.write(voices, write, self.ranges, variations, random_seed, **sampling)
        return [tuple(_cut(moved(t.notes(v, start), -shift), end) for v in (1, 2, 3)) for t in takes]

    def add_part(self, given: Sequence[Sequence[Note]], role: str, meter: tuple[int, int], start: int, end: int,
                 register: Range | None = None, variations: int = 1, random_seed: int = 0,
                 **sampling) -> list[tuple[Note, ...]]:
        """One new part in ``role`` (soprano, alto, tenor or bass) hearing the ``given`` parts over
        ``start..end``, inside ``register`` (song pitches; default the role's range in Bach)."""
        if role not in VOICE_NAMES:
            raise SpanError(f"unknown role {role!r}: use one of {', '.join(VOICE_NAMES)}")
        slot = VOICE_NAMES.index(role)
        lines = [monophonic(n for n in part if start <= n.start < end) for part in given]
        lines = [line for line in lines if line]
        slots = assign_slots(lines, slot)
        every = [n for line in lines for n in line]
        centre = np.mean([np.mean(self.ranges[s]) for s in slots.values()]) if slots else 60.0
        shift = octave_shift(every, centre)
        parts: list[list[Note]] = [[], [], [], []]
        for i, s in slots.items():
            parts[s] = moved(lines[i], shift)
        voices = Voices.from_parts(parts, meter, _steps(start, end), start)
        write = np.zeros((4, voices.steps), bool)
        for s in range(4):
            write[s] = not parts[s]          # the role, and any slot no part fills (drawn, then dropped)
        ranges = list(self.ranges)
        low, high = register if register is not None else self.ranges[slot]
        if register is not None:
            low, high = low + shift, high + shift
            if high < LOW or low > HIGH:
                raise SpanError(f"the register {register[0]}..{register[1]} is outside what the model can write "
                                f"with these parts ({LOW - shift}..{HIGH - shift})")
        ranges[slot] = (max(LOW, low), min(HIGH, high))
        takes = self.write(voices, write, ranges, variations, random_seed, **sampling)
        return [_cut(moved(t.notes(slot, start), -shift), end) for t in takes]

    def generate(self, request, progress=None, cancel=None) -> list:
        """A melody continued as a chorale's soprano (:mod:`.continuation`)."""
        from musicstudio.generators.harmonizer.continuation import continue_melody

        return continue_melody(self, request, progress, cancel)


def assign_slots(lines: Sequence[Sequence[Note]], role: int) -> dict[int, int]:
    """Which voice slot each given line takes (line index -> slot). With more than three lines, the three
    whose mean pitch is nearest the role's register are heard; three lines fill the slots other than the
    role's from the top down in pitch order; fewer go each to the free slot nearest its register, keeping
    their order (the slots left empty are drawn too, and dropped)."""
    if not lines:
        return {}
    means = [float(np.mean([n.pitch for n in line])) for line in lines]
    free = [s for s in range(4) if s != role]
    chosen = sorted(range(len(lines)), key=lambda i: -means[i])
    if len(chosen) > 3:
        ranked = sorted(chosen, key=lambda i: abs(means[i] - _ROLE_CENTRES[role]))[:3]
        chosen = [i for i in chosen if i in ranked]
    if len(chosen) < 3:
        taken: list[int] = []
        for i in chosen:
            options = [s for s in free if s not in taken and all(s > t for t in taken)]
            best = min(options[:len(options) - (len(chosen) - len(taken) - 1)] or options,
                       key=lambda s: abs(means[i] - _ROLE_CENTRES[s]))
            taken.append(best)
        return dict(zip(chosen, taken))
    return dict(zip(chosen, free))


_ROLE_CENTRES = (70.5, 64.0, 58.5, 50.0)    # the middle of each voice's range in Bach's chorales


def _steps(start: int, end: int) -> int:
    if end <= start:
        raise SpanError("the span is empty")
    return -(-(end - start) // STEP_TICKS)


def _cut(notes: Sequence[Note], end: int) -> tuple[Note, ...]:
    return tuple(n._replace(duration=min(n.duration, end - n.start)) for n in notes if n.start < end)
