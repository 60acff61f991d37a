"""What a set of binary bars looks like, in the figures the GAN is judged on (computed on rolls, fast
enough to run on validation bars every epoch).

Per bar: whether it is empty, the pitch classes it uses, how many notes start in it, how many pitches
sound at once, and how long its notes are (a note held past the bar line counts up to the line)."""

from __future__ import annotations

import numpy as np

from musicstudio.generators.gan.chords import roll_chroma
from musicstudio.generators.gan.rolls import ONSET, SOUNDING


def note_lengths(rolls: np.ndarray) -> np.ndarray:
    """Lengths in steps of every note in bool rolls (n, 2, steps, pitches), each bar on its own."""
    sounding, onset = rolls[:, SOUNDING], rolls[:, ONSET]
    before = np.concatenate([np.zeros_like(sounding[:, :1]), sounding[:, :-1]], axis=1)
    starts = sounding & (onset | ~before)
    # run length: count sounding steps until the next start or silence
    lengths = []
    n, steps, pitches = sounding.shape
    for b, s, p in zip(*np.nonzero(starts)):
        e = s + 1
        while e < steps and sounding[b, e, p] and not starts[b, e, p]:
            e += 1
        lengths.append(e - s)
    return np.asarray(lengths, dtype=float)


def roll_figures(rolls: np.ndarray, low: int) -> dict:
    """Mean figures of bool rolls (n, 2, steps, pitches) whose first pitch is ``low``."""
    rolls = np.asarray(rolls, dtype=bool)
    sounding = rolls[:, SOUNDING]
    empty = ~sounding.any(axis=(1, 2))
    classes = roll_chroma(sounding, low) > 0                # (n, 12) pitch classes used
    lengths = note_lengths(rolls)
    busy = sounding.sum(axis=2)                            # (n, steps) pitches at once
    full = ~empty
    return {"empty_bar_rate": float(empty.mean()),
            "pitch_classes": float(classes[full].sum(axis=1).mean()) if full.any() else float("nan"),
            "notes_per_bar": float(len(lengths) / max(1, full.sum())),
            "note_steps": float(lengths.mean()) if len(lengths) else float("nan"),
            "one_step_notes": float((lengths == 1).mean()) if len(lengths) else float("nan"),
            "polyphony": float(busy[busy > 0].mean()) if (busy > 0).any() else float("nan")}


def distance(generated: dict, real: dict) -> float:
    """How far generated figures are from real ones: mean absolute log ratio of the counts and lengths,
    plus the difference of empty-bar rates (0 is a perfect match)."""
    terms = [abs(generated["empty_bar_rate"] - real["empty_bar_rate"])]
    for key in ("pitch_classes", "notes_per_bar", "note_steps", "polyphony"):
        g, r = generated[key], real[key]
        terms.append(abs(np.log(g / r)) if g > 0 and r > 0 and np.isfinite(g) else 2.0)
    return float(np.mean(terms))


def onset_positions(rolls: np.ndarray) -> np.ndarray:
    """The share of the onsets of bool rolls (n, 2, steps, pitches) that fall on each step of the bar."""
    counts = np.asarray(rolls, dtype=bool)[:, ONSET].sum(axis=(0, 2)).astype(float)
    return counts / max(1.0, counts.sum())
