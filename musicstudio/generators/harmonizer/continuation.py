"""The harmonizer in the Generate panel and ``generate`` without ``--harmonize``: a melody continued as
the top voice of a chorale. The seed's top line (its last :data:`CONTEXT_BARS` bars) is the soprano, the
alto, tenor and bass under it are unknown, and all four voices of the new bars are drawn together by the
same blocked Gibbs sampling; the take is the soprano of the new bars (the voices under it are dropped:
Harmonize writes them as tracks). The request's range and key lock keep the soprano's pitches."""

from __future__ import annotations

import numpy as np

from musicstudio.core.note import Note
from musicstudio.generators.codecs.grid import STEP_TICKS
from musicstudio.generators.codecs.melody import FIRST_NOTE, monophonic
from musicstudio.generators.harmonizer.octaves import MAX_STEPS, SpanError, octave_shift
from musicstudio.generators.harmonizer.voices import LOW, PITCHES, Voices, pitch_allowed
from musicstudio.generators.interface import GenerationError, Take

CONTEXT_BARS = 8


def _soprano_allowed(request, shift: int, low: int, high: int) -> np.ndarray:
    """The soprano's tokens: its range, narrowed by the request's range and key lock (song pitches)."""
    allowed = pitch_allowed(low, high)
    for i in range(PITCHES):
        if not request.allows(LOW + i - shift):
            allowed[FIRST_NOTE + i] = False
    if not allowed[FIRST_NOTE:].any():
        raise GenerationError("no pitch of the soprano's range is inside the requested range and key")
    return allowed


def continue_melody(harmonizer, request, progress=None, cancel=None) -> list[Take]:
    bar, length = request.bar, request.take_length()
    seed_end = request.seed.length
    first = max(0, (seed_end // bar - CONTEXT_BARS) * bar)       # the context starts on a bar line
    line = monophonic(n for n in request.seed.notes if first <= n.start < seed_end)
    try:
        shift = octave_shift(line, float(np.mean(harmonizer.ranges[0])))
    except SpanError as e:
        raise GenerationError(str(e)) from None
    parts = [[n._replace(pitch=n.pitch + shift, duration=min(n.end, seed_end) - n.start) for n in line], [], [], []]
    steps = (seed_end + length - first) // STEP_TICKS
    if steps > MAX_STEPS:      # said in bars before anything is drawn, not as the network's span in 16ths
        most = (MAX_STEPS * STEP_TICKS - (seed_end - first)) // bar
        raise GenerationError(f"the harmonizer writes at most {MAX_STEPS * STEP_TICKS // bar} bars at a time, "
                              f"the seed's last {(seed_end - first) // bar} bars included: ask for {most} bars "
                              f"or fewer, not {length // bar}")
    voices = Voices.from_parts(parts, request.meter, steps, first)
    write = np.zeros((4, steps), bool)
    write[1:] = True
    write[0, (seed_end - first) // STEP_TICKS:] = True
    ranges = list(harmonizer.ranges)
    allowed_soprano = _soprano_allowed(request, shift, *ranges[0])
    takes = harmonizer.write(voices, write, ranges, request.variations, request.random_seed,
                             temperature=request.temperature, progress=progress, cancel=cancel,
                             soprano=allowed_soprano)
    record, out = request.record(), []
    for v, take in enumerate(takes):
        notes = [Note(n.pitch - shift, n.start - (seed_end - first), n.duration, n.velocity)
                 for n in take.notes(0) if n.start >= seed_end - first]
        out.append(Take(notes=tuple(notes), length=length, backend=harmonizer.backend, model=harmonizer.name,
                        request=record, variation=v))
    return out
