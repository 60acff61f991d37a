"""The 16th-note grid that every codec counts in, and how notes are put on it.

A step is a 16th note: :data:`STEP_TICKS` = 120 ticks at the model's PPQ of 480. Codecs take a
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
DEFAULT_VELOCITY = 100

NoteSource = Union[Clip, Track, Iterable[Note]]


def notes_and_length(source: NoteSource) -> tuple[list[Note], int | None]:
    """The notes of a clip, track or note list, and the clip's length in ticks (None otherwise)."""
    if isinstance(source, Clip):
        return list(source.notes), source.length
    if isinstance(source, Track):
        return list(source.notes), None
    return list(source), None


def to_step(tick: int) -> int:
    """The nearest grid step to ``tick`` (halves round up, so a note never moves before its time)."""
    return (tick + STEP_TICKS // 2) // STEP_TICKS


def length_in_steps(length_ticks: int | None, notes: Iterable[Note]) -> int:
    """Steps that cover a clip of ``length_ticks`` (rounded up), or the notes' end when no length is given."""
    if length_ticks is not None:
        return -(-length_ticks // STEP_TICKS)
    return max((to_step(n.start) + max(1, to_step(n.end) - to_step(n.start)) for n in notes), default=0)


def on_grid(source: NoteSource, velocity: int | None = None) -> tuple[Note, ...]:
    """Notes snapped to the 16th grid, in canonical order.

    Start and end move to the nearest step; a note keeps at least one step. Two notes of one pitch
    may not overlap on the grid: the earlier one is cut where the later one starts, and of two that
    start together only the longer stays. ``velocity`` replaces every velocity (for codecs that do not
    carry it); None keeps them.
    """
    notes, _ = notes_and_length(source)
    snapped = []
    for n in notes:
        start = to_step(n.start)
        end = max(start + 1, to_step(n.end))
        snapped.append(Note(n.pitch, start * STEP_TICKS, (end - start) * STEP_TICKS,
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


def is_on_grid(notes: Iterable[Note]) -> bool:
    """True when every start and duration is a whole number of steps."""
    return all(n.start % STEP_TICKS == 0 and n.duration % STEP_TICKS == 0 and n.duration > 0 for n in notes)


def without_velocity(notes: Iterable[Note]) -> list[tuple[int, int, int]]:
    """(pitch, start, duration) in canonical order: what codecs without velocity keep."""
    return sorted(((n.pitch, n.start, n.duration) for n in notes), key=lambda t: (t[1], t[0], t[2]))


def bar_steps(numerator: int, denominator: int) -> int:
    """Grid steps in one bar of ``numerator/denominator`` (16 for 4/4, 12 for 6/8)."""
    sixteenths = numerator * 16
    if sixteenths % denominator:
        raise ValueError(f"a bar of {numerator}/{denominator} is not a whole number of 16th steps")
    return sixteenths // denominator


def steps_in_bar(meter: tuple[int, int]) -> int:
    """16th steps in a bar of ``meter`` (numerator, denominator): 4/4 16, 3/4 12, 6/8 12, 9/8 18, 3/2 24.
    Unlike :func:`bar_steps`, never refused: rounded down and at least 1 (a 1/32 bar still holds one step)."""
    numerator, denominator = meter
    return max(1, numerator * 16 // denominator)
