"""Two-bar melody phrases for the VAE: 32 melody-codec tokens (one per 16th), cut from corpus lines.

Windows start on bar lines (every 16 steps from the start of the line: 4/4 and 2/4 pieces, so a
window is two 4/4 bars or four 2/4 bars) and are kept when they have at least ``min_notes`` note starts
and sound for at least ``min_sounding`` of their steps: mostly-silent windows teach the model nothing.
A window that starts inside a note begins with HOLD tokens, which decode as silence (MusicVAE does the
same).
"""

from __future__ import annotations

import numpy as np

from musicstudio.generators.codecs.melody import FIRST_NOTE, HOLD, NOTE_OFF

PHRASE_STEPS = 32   # two 4/4 bars of 16ths
BAR_STEPS = 16


def sounding(tokens: np.ndarray) -> np.ndarray:
    """``(..., steps)`` True where a note sounds (after a note start, before a NOTE_OFF)."""
    tokens = np.asarray(tokens)
    out = np.zeros(tokens.shape, dtype=bool)
    on = np.zeros(tokens.shape[:-1], dtype=bool)
    for t in range(tokens.shape[-1]):
        tok = tokens[..., t]
        on = np.where(tok >= FIRST_NOTE, True, np.where(tok == NOTE_OFF, False, on))
        out[..., t] = on
    return out


def cut_windows(sequence: np.ndarray, steps: int = PHRASE_STEPS, hop: int = BAR_STEPS, min_notes: int = 2,
                min_sounding: float = 0.5) -> np.ndarray:
    """``(n, steps)`` windows of a token line that pass the silence filter."""
    sequence = np.asarray(sequence, dtype=np.int64)
    if len(sequence) < steps:
        return np.zeros((0, steps), dtype=np.int64)
    starts = np.arange(0, len(sequence) - steps + 1, hop)
    windows = np.stack([sequence[s:s + steps] for s in starts])
    windows = windows.copy()
    # a window starting inside a note: its leading HOLDs are silence (nothing started them)
    notes = (windows >= FIRST_NOTE).sum(axis=1)
    share = sounding(windows).mean(axis=1)
    keep = (notes >= min_notes) & (share >= min_sounding)
    return windows[keep]


def phrase_windows(sequences: list[np.ndarray], **kwargs) -> np.ndarray:
    parts = [cut_windows(s, **kwargs) for s in sequences]
    parts = [p for p in parts if len(p)]
    return np.concatenate(parts) if parts else np.zeros((0, PHRASE_STEPS), dtype=np.int64)


def is_silent(tokens: np.ndarray) -> bool:
    return not (np.asarray(tokens) >= FIRST_NOTE).any()


__all__ = ["PHRASE_STEPS", "BAR_STEPS", "HOLD", "NOTE_OFF", "FIRST_NOTE", "cut_windows", "phrase_windows",
           "sounding", "is_silent"]
