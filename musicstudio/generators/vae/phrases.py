"""Two-bar melody phrases for the VAE: 32 melody-codec tokens (one per 16th), cut from corpus lines.

Windows start on bar lines (every 16 steps from the start of the line: 4/4 and 2/4 pieces, so a
window is two 4/4 bars or four 2/4 bars) and are kept when they have at least ``min_notes`` note starts
and sound for at least ``min_sounding`` of their steps: mostly-silent windows teach the model nothing.
A window that starts inside a note begins with HOLD tokens, which decode as silence (MusicVAE does the
same).

A meter-aware model (:class:`~musicstudio.generators.vae.model.VAEConfig` with ``meters``) takes phrases of
2 bars of each piece's own meter instead, one bar apart (:func:`meter_groups`), grouped by meter so that a
batch holds phrases of one length; pieces whose meter changes, or that state none, are left out (their
bar lines are not the grid's).
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


def meter_groups(corpus, split: str, codec, data, config, augment: bool | None = None,
                 min_notes: int = 2, min_sounding: float = 0.5, **_) -> dict[tuple[int, int], np.ndarray]:
    """Phrase windows of a corpus split by the meter the model reads them in (:func:`group_windows`); a
    model without meters takes every line's 32-step windows as it always did (``data``'s meter classes
    choose the pieces)."""
    from musicstudio.generators.corpus_piece import METER_CHANGE, NO_METER
    from musicstudio.generators.training.data import piece_sequences, split_pieces

    augment = split == "train" if augment is None else augment
    shifts = data.transpose if augment else (0,)
    lines = []
    for piece_id in split_pieces(corpus, split, data):
        piece = corpus.piece(piece_id)
        if config.meters and (METER_CHANGE in piece.info.flags or NO_METER in piece.info.flags):
            continue
        lines.extend((s, piece.info.meter) for s in piece_sequences(piece, codec, shifts) if len(s))
    return group_windows(lines, config, min_notes, min_sounding)


def group_windows(lines, config, min_notes: int = 2, min_sounding: float = 0.5) -> dict[tuple[int, int], np.ndarray]:
    """``{(4, 4): (n, 32), (3, 4): (n, 24) ...}``: the windows of (token line, meter) pairs, 2 bars of the
    meter the model reads each line in, one bar apart, grouped by that meter so that a batch holds phrases of
    one length; lines in meters the model does not write are left out. A model without meters: every line's
    32-step windows, 16 steps apart, as one 4/4 group."""
    from musicstudio.generators.vae.model import MeterRefused

    parts: dict[tuple[int, int], list[np.ndarray]] = {}
    for line, meter in lines:
        try:
            own = config.phrase_meter(meter) if config.meters else (4, 4)
        except MeterRefused:
            continue
        steps = config.phrase_steps(own)
        w = cut_windows(line, steps, steps // 2, min_notes, min_sounding)
        if len(w):
            parts.setdefault(own, []).append(w)
    return {m: np.concatenate(p) for m, p in parts.items()}


def is_silent(tokens: np.ndarray) -> bool:
    return not (np.asarray(tokens) >= FIRST_NOTE).any()


__all__ = ["PHRASE_STEPS", "BAR_STEPS", "HOLD", "NOTE_OFF", "FIRST_NOTE", "cut_windows", "phrase_windows",
           "meter_groups", "sounding", "is_silent"]
