"""Letting go of a big song's objects on a thread of their own, a slice at a time.

When the last reference to a tuple of a million notes goes, CPython frees the million notes in that one
call, holding the interpreter for 40-80 ms: on the GUI thread, when a song replaces a big one, the window
stops for as long. :func:`let_go` takes the objects over instead: a thread of its own holds each of their
big sequences' elements in a list, lets go of the objects (their tuples then only count down), and frees
the elements a slice at a time, each slice a short call followed by a pause, so that the window runs in
between. It starts a moment later, once the song that replaced them has landed and been painted: a second
thread busy with Python code would take every other turn on the interpreter and slow that work twofold.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, Iterable, Sequence

SLICE = 10_000   # elements freed per call
START_AFTER_S = 0.5   # the thread waits this long first
PAUSE_S = 0.001       # and this long after each slice


def let_go(objects: list, sequences_of: Callable[[object], Iterable[Sequence]]) -> threading.Thread | None:
    """Free ``objects`` (the list is emptied: the caller keeps no other reference) and the elements of the
    sequences ``sequences_of(obj)`` names, on a thread of its own. Returns the thread (None: nothing to free)."""
    if not objects:
        return None
    taken = list(objects)
    objects.clear()

    def run() -> None:
        time.sleep(START_AFTER_S)
        held = []              # the sequences' elements, a slice to a list
        for sequence in (sequence for obj in taken for sequence in sequences_of(obj)):
            for i in range(0, len(sequence), SLICE):
                held.append(list(sequence[i:i + SLICE]))
        taken.clear()          # the objects go; their sequences' elements stay in ``held``
        while held:
            held.pop()         # frees a slice of elements
            time.sleep(PAUSE_S)

    thread = threading.Thread(target=run, name="letting go of a song", daemon=True)
    thread.start()
    return thread
