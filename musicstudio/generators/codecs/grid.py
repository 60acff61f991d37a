"""The time grid codecs count in, and how notes are put on it.

By default a step is a 16th note: :data:`STEP_TICKS` = 120 ticks at the model's PPQ of 480. A finer grid
is a step size given to the functions here (``step_ticks``): :data:`TRIPLET_STEPS_PER_QUARTER` = 12 steps a
quarter (40 ticks) holds 16ths (every 3rd step), 8th triplets (every 4th) and 16th triplets (every 2nd),
so a codec built on it says triplets that the 16th grid rounds away. Codecs take a
:class:`~musicstudio.core.clip.Clip`, a :class:`~musicstudio.core.track.Track` or any iterable of
:class:`~musicstudio.core.note.Note`; :func:`on_grid` is the one definition of what "quantized" means
for them, so that ``decode(encode(x)) == on_grid(x)`` is the round-trip contract.
"""

from __future__ import annotations

from typing import Iterable, Union

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note, note_order
from musicstudio.core.ticks import PPQ
from musicstudio.core.track import Track

STEPS_PER_QUARTER = 4
STEP_TICKS = PPQ // STEPS_PER_QUARTER  # 120: a 16th note
TRIPLET_STEPS_PER_QUARTER = 12  # 40 ticks: 16ths, 8th triplets and 16th triplets
DEFAULT_VELOCITY = 100

NoteSource = Union[Clip, Track, Iterable[Note]]


def notes_and_length(source: NoteSource) -> tuple[list[Note], int | None]:
    """The notes of a clip, track or note list, and the clip's length in ticks (None otherwise)."""
    if isinstance(source, Clip):
        return list(source.notes), source.length
    if isinstance(source, Track):
        return list(source.notes), None
    return list(source), None


def step_ticks_of(steps_per_quarter: int) -> int:
    """Ticks in one step of a grid of ``steps_per_quarter`` steps a quarter (4: 120, 12: 40)."""
    if steps_per_quarter < 1 or PPQ % steps_per_quarter:
        raise ValueError(f"a grid of {steps_per_quarter} steps a quarter does not divide {PPQ} ticks")
    return PPQ // steps_per_quarter


def is_triplet_onset(tick: int) -> bool:
    """Whether a note starting at ``tick`` is on the 12-a-quarter grid but not on the 16th grid."""
    return tick % (PPQ // TRIPLET_STEPS_PER_QUARTER) == 0 and tick % STEP_TICKS != 0


def to_step(tick: int, step_ticks: int = STEP_TICKS) -> int:
    """The nearest grid step to ``tick`` (halves round up, so a note never moves before its time)."""
    return (tick + step_ticks // 2) // step_ticks


def length_in_steps(length_ticks: int | None, notes: Iterable[Note], step_ticks: int = STEP_TICKS) -> int:
    """Steps that cover a clip of ``length_ticks`` (rounded up), or the notes' end when no length is given."""
    if length_ticks is not None:
        return -(-length_ticks // step_ticks)
    return max((to_step(n.start, step_ticks) + max(1, to_step(n.end, step_ticks) - to_step(n.start, step_ticks))
                for n in notes), default=0)


def on_grid(source: NoteSource, velocity: int | None = None, step_ticks: int = STEP_TICKS) -> tuple[Note, ...]:
    """Notes snapped to the grid (16ths unless ``step_ticks`` says otherwise), in canonical order.

    Start and end move to the nearest step; a note keeps at least one step. Two notes of one pitch
    may not overlap on the grid: the earlier one is cut where the later one starts, and of two that
    start together only the longer stays. ``velocity`` replaces every velocity (for codecs that do not
    carry it); None keeps them.
    """
    notes, _ = notes_and_length(source)
    snapped = []
    for n in notes:
        start = to_step(n.start, step_ticks)
        end = max(start + 1, to_step(n.end, step_ticks))
        snapped.append(Note(n.pitch, start * step_ticks, (end - start) * step_ticks,
                            n.velocity if velocity is None else velocity))
    # Longest first among notes that start together, so that it is the one kept.
    snapped.sort(key=lambda n: (n.pitch, n.start, -n.duration, n.velocity))
    out: list[Note] = []
    for n in snapped:
        if out and out[-1].pitch == n.pitch:
            prev = out[-1]
            if n.start == prev.start:
                continue
            if prev.end > n.start:
                out[-1] = prev._replace(duration=n.start - prev.start)
        out.append(n)
    return tuple(sorted(out, key=note_order))


def is_on_grid(notes: Iterable[Note], step_ticks: int = STEP_TICKS) -> bool:
    """True when every start and duration is a whole number of steps."""
    return all(n.start % step_ticks == 0 and n.duration % step_ticks == 0 and n.duration > 0 for n in notes)


def without_velocity(notes: Iterable[Note]) -> list[tuple[int, int, int]]:
    """(pitch, start, duration) in canonical order: what codecs without velocity keep."""
    return sorted(((n.pitch, n.start, n.duration) for n in notes), key=lambda t: (t[1], t[0], t[2]))


def bar_steps(numerator: int, denominator: int) -> int:
    """Grid steps in one bar of ``numerator/denominator`` (16 for 4/4, 12 for 6/8)."""
    sixteenths = numerator * 16
    if sixteenths % denominator:
        raise ValueError(f"a bar of {numerator}/{denominator} is not a whole number of 16th steps")
    return sixteenths // denominator


def steps_in_bar(meter: tuple[int, int], steps_per_quarter: int = STEPS_PER_QUARTER) -> int:
    """Grid steps in a bar of ``meter`` (numerator, denominator), 16ths by default: 4/4 16, 3/4 12, 6/8 12,
    9/8 18, 3/2 24 (at 12 steps a quarter: 4/4 48, 6/8 36). Unlike :func:`bar_steps`, never refused:
    rounded down and at least 1 (a 1/32 bar still holds one step)."""
    numerator, denominator = meter
    return max(1, numerator * 4 * steps_per_quarter // denominator)
