"""Voices: how many notes sound at once, and a chordal part split back into the lines it continues.

A chorale seeded from four tracks comes back from a generator as one chordal part. :func:`continue_voices`
deals its notes out to the four lines again: notes that start together keep their order (a higher note to
a higher line), and the lines move as little as they can from their last pitches, a line still sounding
or a sounding line crossed counting as a large move: the voice leading a part writer would look for first.
"""

from __future__ import annotations

from itertools import groupby
from typing import Iterable, Sequence

from musicstudio.core.note import Note


def most_at_once(notes: Iterable[Note]) -> int:
    """The most notes sounding together (0 for none)."""
    edges = sorted([(n.start, 1) for n in notes] + [(n.end, -1) for n in notes])
    level = most = 0
    for _, step in edges:   # an end sorts before a start at the same tick
        level += step
        most = max(most, level)
    return most


def lines_of(parts: Sequence[Sequence[Note]]) -> list[tuple[int, int]]:
    """The lines :func:`continue_voices` continues from ``parts`` (a chorale's tracks): (index, last pitch)
    of each part that holds notes, the highest part (by mean pitch) first; a part's last pitch is the top
    pitch of its last onset."""
    held = [(i, part) for i, part in enumerate(parts) if part]
    held.sort(key=lambda ip: -sum(n.pitch for n in ip[1]) / len(ip[1]))
    return [(i, max(part, key=lambda n: (n.start, n.pitch)).pitch) for i, part in held]


BUSY = 7     # what adding to a line that is sounding costs, in semitones of movement,
CROSS = 12   # and what crossing a sounding line costs (above a higher line's note, or below a lower one's)


def _move_cost(pitch: int, line: int, last: Sequence[int], sounding: Sequence[bool]) -> float:
    """What putting ``pitch`` on ``line`` costs: its move from the line's last pitch, plus :data:`BUSY` if
    the line is sounding and :data:`CROSS` for each sounding line it crosses."""
    crossed = sum(1 for j, busy in enumerate(sounding)
                  if busy and ((j < line and last[j] < pitch) or (j > line and last[j] > pitch)))
    return abs(pitch - last[line]) + BUSY * sounding[line] + CROSS * crossed


def _ordered_match(cost: Sequence[Sequence[float]]) -> list[int]:
    """Give each row's note (high to low) one line (0 the highest), keeping their order, so that the chosen
    ``cost[note][line]`` add up to the least: a small dynamic programme."""
    n, lines = len(cost), len(cost[0]) if cost else 0
    inf = float("inf")
    best = [[inf] * (lines + 1) for _ in range(n + 1)]   # best[i][j]: the first i pitches on the first j lines
    took = [[False] * (lines + 1) for _ in range(n + 1)]
    best[0] = [0.0] * (lines + 1)
    for i in range(1, n + 1):
        for j in range(i, lines + 1):
            skip, use = best[i][j - 1], best[i - 1][j - 1] + cost[i - 1][j - 1]
            best[i][j], took[i][j] = (use, True) if use <= skip else (skip, False)
    chosen, j = [0] * n, lines
    for i in range(n, 0, -1):
        while not took[i][j]:
            j -= 1
        chosen[i - 1] = j - 1
        j -= 1
    return chosen


def continue_voices(notes: Iterable[Note], last_pitches: Sequence[int]) -> list[list[Note]]:
    """Split ``notes`` into one list per line; ``last_pitches`` are the lines' last pitches, highest line
    first. Notes that start together go, high to low and in order, to the lines that move least, a line
    still sounding costing :data:`BUSY` more and a crossed sounding line :data:`CROSS` more; when more
    notes start together than there are lines, each extra one goes to the line nearest its pitch."""
    lines = len(last_pitches)
    if lines == 0:
        raise ValueError("there is no line to continue")
    last, until = list(last_pitches), [None] * lines
    out: list[list[Note]] = [[] for _ in range(lines)]
    for start, group in groupby(sorted(notes, key=lambda n: (n.start, -n.pitch)), key=lambda n: n.start):
        chord = list(group)
        sounding = [until[i] is not None and until[i] > start for i in range(lines)]
        placed = _ordered_match([[_move_cost(n.pitch, line, last, sounding) for line in range(lines)]
                                 for n in chord[:lines]])
        placed += [min(range(lines), key=lambda i: (abs(n.pitch - last[i]), i)) for n in chord[lines:]]
        for note, line in zip(chord, placed):
            out[line].append(note)
            last[line] = note.pitch
            until[line] = note.end if until[line] is None else max(until[line], note.end)
    return out
