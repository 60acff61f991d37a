"""How well a sequence model predicts held-out music: cross-entropy, perplexity and accuracy.

Input: ``log_probs``, the model's log-probability (natural log) of the true next token at each step, and
``onsets``, True where the true token starts a note and False where it is a hold / no-event token
(continue the note, continue the rest). Padding can be left out with ``valid``. Any array shape works.

- cross-entropy per step: ``-mean(log_probs)`` in nats, and in bits (divided by ln 2);
- perplexity: ``exp(cross-entropy in nats)``;
- per note: the whole sequence's negative log-likelihood divided by the number of notes, i.e. what the model
  pays for everything (holds included) per note played; and the mean over onset steps alone;
- next-step accuracy (``correct``: the top token was the true one) over all steps, over onsets (note-onset
  pitch accuracy: when a note starts, did the model name its pitch) and over hold steps.

Hold tokens inflate per-step figures. On a 16th grid most steps of a melody continue a note or a rest, and
they are easy to predict: a model that always says "hold" scores a high per-step accuracy (often 70-80%)
and a low per-step cross-entropy while it never plays a right note. Report onset accuracy and the per-note
figures next to the per-step ones, and compare per-step numbers only between models that share a codec.
"""

from __future__ import annotations

import math

import numpy as np

LN2 = math.log(2)


def _select(values: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    values = np.asarray(values, dtype=float).ravel()
    if mask is None:
        return values
    mask = np.asarray(mask, dtype=bool).ravel()
    if mask.shape != values.shape:
        raise ValueError(f"mask of {mask.size} steps for {values.size} values")
    return values[mask]


def cross_entropy(log_probs: np.ndarray, mask: np.ndarray | None = None) -> float:
    """Mean negative log-probability (nats) over the steps in ``mask`` (all by default); NaN for none."""
    chosen = _select(log_probs, mask)
    return float(-chosen.mean()) if chosen.size else float("nan")


def nats_to_bits(nats: float) -> float:
    return nats / LN2


def perplexity(log_probs: np.ndarray, mask: np.ndarray | None = None) -> float:
    """exp of :func:`cross_entropy` (inf past the float range)."""
    try:
        return math.exp(cross_entropy(log_probs, mask))
    except OverflowError:
        return math.inf


def accuracy(correct: np.ndarray, mask: np.ndarray | None = None) -> float:
    """Share of True in ``correct`` over the steps in ``mask``; NaN for none. For a classifier,
    ``correct = logits.argmax(-1) == targets``."""
    chosen = _select(correct, mask)
    return float(chosen.mean()) if chosen.size else float("nan")


def mse(predicted: np.ndarray, target: np.ndarray, mask: np.ndarray | None = None) -> float:
    """Mean squared error of a continuous head (velocity, timing offset...), over the steps in ``mask``.
    With a trailing feature axis, the mask selects steps and the error is averaged over features too."""
    predicted, target = np.asarray(predicted, dtype=float), np.asarray(target, dtype=float)
    if predicted.shape != target.shape:
        raise ValueError(f"predicted {predicted.shape} and target {target.shape} differ in shape")
    error = (predicted - target) ** 2
    if mask is not None:
        error = error[np.asarray(mask, dtype=bool)]
    return float(error.mean()) if error.size else float("nan")


def likelihood_report(log_probs: np.ndarray, onsets: np.ndarray, correct: np.ndarray | None = None,
                      valid: np.ndarray | None = None) -> dict[str, float]:
    """Every figure of the module docstring in one dict (accuracies only when ``correct`` is given)."""
    log_probs = np.asarray(log_probs, dtype=float).ravel()
    onsets = np.asarray(onsets, dtype=bool).ravel()
    valid = np.ones_like(onsets) if valid is None else np.asarray(valid, dtype=bool).ravel()
    if not (log_probs.shape == onsets.shape == valid.shape):
        raise ValueError("log_probs, onsets and valid must have one value per step")
    note_steps, hold_steps = onsets & valid, ~onsets & valid
    notes = int(note_steps.sum())
    ce = cross_entropy(log_probs, valid)
    total_nll = float(-log_probs[valid].sum())
    report = {
        "steps": int(valid.sum()),
        "notes": notes,
        "ce_nats_per_step": ce,
        "ce_bits_per_step": nats_to_bits(ce),
        "perplexity": perplexity(log_probs, valid),
        "nll_nats_per_note": total_nll / notes if notes else float("nan"),
        "nll_bits_per_note": nats_to_bits(total_nll / notes) if notes else float("nan"),
        "ce_nats_onset_steps": cross_entropy(log_probs, note_steps),
        "ce_nats_hold_steps": cross_entropy(log_probs, hold_steps),
        "hold_share": float(hold_steps.sum() / valid.sum()) if valid.any() else float("nan"),
    }
    if correct is not None:
        correct = np.asarray(correct, dtype=bool).ravel()
        report.update(accuracy=accuracy(correct, valid), onset_accuracy=accuracy(correct, note_steps),
                      hold_accuracy=accuracy(correct, hold_steps))
    return report
