"""The attributes of one bar of one track, measured from its notes (ticks), in any meter:

* **note density**: distinct onset times in the bar per quarter note (a chord is one onset), so a bar of 6/8
  and a bar of 4/4 compare on one scale;
* **polyphony**: the mean number of notes sounding at the bar's onsets (notes held from before count; a
  single line is 1, a triad struck together 3); an empty bar has none (0);
* **register**: the mean pitch of the notes that start in the bar (None for an empty bar).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np

from musicstudio.core.note import Note
from musicstudio.core.ticks import PPQ


@dataclass(frozen=True)
class BarAttributes:
    density: float          # onsets per quarter note
    polyphony: float        # mean notes sounding at the onsets (0: no onset)
    register: float | None  # mean pitch of the bar's notes (None: none)


def _arrays(notes: Iterable[Note]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    notes = list(notes)
    pitch = np.array([n.pitch for n in notes], np.int64)
    start = np.array([n.start for n in notes], np.int64)
    end = np.array([n.start + n.duration for n in notes], np.int64)
    return pitch, start, end


def bar_attributes(notes: Iterable[Note], start: int, bar: int) -> BarAttributes:
    """The attributes of the bar ``[start, start + bar)`` ticks of ``notes``."""
    return bars_attributes(notes, start, bar, 1)[0]


def bars_attributes(notes: Iterable[Note], start: int, bar: int, bars: int) -> list[BarAttributes]:
    """The attributes of ``bars`` bars of ``bar`` ticks from ``start``."""
    pitch, on, off = _arrays(notes)
    out = []
    for k in range(bars):
        first, last = start + k * bar, start + (k + 1) * bar
        inside = (on >= first) & (on < last)
        onsets = np.unique(on[inside])
        if not len(onsets):
            out.append(BarAttributes(0.0, 0.0, None))
            continue
        sounding = ((on[None, :] <= onsets[:, None]) & (off[None, :] > onsets[:, None])).sum(axis=1)
        out.append(BarAttributes(len(onsets) * PPQ / bar, float(sounding.mean()), float(pitch[inside].mean())))
    return out
