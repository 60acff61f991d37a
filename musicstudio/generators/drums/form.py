"""Where Add drums fills by default: the last bar of each pass through the song's form, found from the band.

A drummer fills into a new section, and the section every song comes back to is the top of its form: a
12-bar blues, a 16-bar bossa, a 32-bar AABA standard go round again, and the bar before they do is where
a drummer plays a fill. The band says how long the form is: its harmony repeats. Each bar's pitch classes
(:func:`bar_chroma`: every pitched note's sounding time in the bar, by pitch class, scaled to length 1)
are set against the bar a lag later; the form is the lag, of the common form lengths
:data:`FORM_LENGTHS`, whose bars agree most (their mean cosine; :func:`form_length`), among those the
song plays at least twice. :func:`form_ends` gives the last bar of each pass, counted from the first
bar, except the song's last bar (nothing follows it). No threshold is tuned: a song whose harmony never
repeats still gets its best lag, as a drummer keeps counting 8- or 16-bar sections; a song shorter than
two passes of the shortest form gets none.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from musicstudio.core.note import Note

FORM_LENGTHS = (8, 12, 16, 24, 32)   # bars: 8-bar sections, the 12-bar blues, 16-, 24- and 32-bar song forms
FILL_GROUPS = (1, 4, 5, 6)           # snare, low, mid and high tom: what a fill breaks into (:mod:`.fill_rate`)


def bar_chroma(tracks: Sequence[Sequence[Note]], bar_ticks: int, bars: int) -> np.ndarray:
    """``(bars, 12)``: each bar's pitch classes weighted by how long they sound in it, each row of length 1
    (zeros for a silent bar). Notes are counted from a bar line."""
    out = np.zeros((bars, 12))
    for track in tracks:
        for n in track:
            start, end = n.start, n.start + n.duration
            while start < end and start // bar_ticks < bars:
                bar = start // bar_ticks
                piece = min(end, (bar + 1) * bar_ticks) - start
                out[bar, n.pitch % 12] += piece
                start += piece
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.divide(out, norms, out=np.zeros_like(out), where=norms > 0)


def agreement(chroma: np.ndarray, lag: int) -> float:
    """The mean cosine of each bar's pitch classes with those ``lag`` bars later."""
    return float(np.mean(np.sum(chroma[:-lag] * chroma[lag:], axis=1)))


def form_length(chroma: np.ndarray) -> int | None:
    """The form (see the module's note): of :data:`FORM_LENGTHS` that fit twice in the bars, the lag whose
    bars agree most (the shorter on a tie); None when none fits."""
    lags = [lag for lag in FORM_LENGTHS if 2 * lag <= len(chroma)]
    if not lags:
        return None
    return max(lags, key=lambda lag: (round(agreement(chroma, lag), 9), -lag))


def form_ends(tracks: Sequence[Sequence[Note]], bar_ticks: int, bars: int) -> list[int]:
    """The bars (0-based, counted from the tracks' first bar line) that end a pass through the form, the
    last bar left out; empty when the bars hold no form."""
    length = form_length(bar_chroma(tracks, bar_ticks, bars))
    return [] if length is None else list(range(length - 1, bars - 1, length))
