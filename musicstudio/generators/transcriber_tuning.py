"""The transcriber's decoding thresholds, chosen on validation renders (the corpus's valid split;
never the test split): the silence and onset thresholds that give the best mean note F-measure
with offsets plus without (mir_eval: Raffel et al., "mir_eval: A transparent implementation of
common MIR metrics", 2014; onset within 50 ms, pitch within 50 cents, offset within 20%).
"""

from __future__ import annotations

import itertools

import numpy as np

from musicstudio.audio.model_notes import DEFAULTS, decode
from musicstudio.audio.onset_model import OnsetFrameModel
from musicstudio.audio.pitch_track import NOTE_LOW
from musicstudio.generators.transcriber_data import HOP, SILENCE, Example

SILENCE_GRID = (0.2, 0.275, 0.35, 0.5, 0.65)
ONSET_GRID = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def reference_notes(e: Example) -> np.ndarray:
    """(start frame, end frame, MIDI pitch) rows of the notes an example's labels hold."""
    rows = []
    starts = np.flatnonzero(e.onsets > 0.5)
    for k, a in enumerate(starts):
        pitch = int(e.frames[a])
        if pitch == SILENCE:
            continue
        limit = starts[k + 1] if k + 1 < len(starts) else len(e.frames)
        b = a + 1
        while b < limit and e.frames[b] == pitch:
            b += 1
        rows.append((a, b, pitch + NOTE_LOW))
    return np.array(rows, dtype=np.float64).reshape(-1, 3)


def f_measures(reference: np.ndarray, found: list) -> tuple[float, float]:
    """Note F-measure without and with offsets."""
    import mir_eval

    if not len(found) or not len(reference):
        return 0.0, 0.0
    est = np.array([[s.first, s.last, s.pitch] for s in found], dtype=np.float64)
    hz = lambda m: 440.0 * 2 ** ((m - 69) / 12)      # noqa: E731
    args = (reference[:, :2] * HOP, hz(reference[:, 2]), est[:, :2] * HOP, hz(est[:, 2]))
    plain = mir_eval.transcription.precision_recall_f1_overlap(*args, offset_ratio=None)[2]
    offsets = mir_eval.transcription.precision_recall_f1_overlap(*args, offset_ratio=0.2)[2]
    return plain, offsets


def level_of(spectrum: np.ndarray) -> np.ndarray:
    """A frame's level (dB) from its semitone bands, for the decoder's quiet-note rule."""
    return 10 * np.log10(np.sum(10 ** (spectrum.astype(np.float64) / 10), axis=1))


def choose_decoding(model: OnsetFrameModel, examples: list[Example]) -> tuple[dict, dict]:
    """The best thresholds on ``examples`` and the figures they give there (mean F, F with offsets)."""
    outputs = [(model.predict(e.spectrum.astype(np.float32)), level_of(e.spectrum), reference_notes(e))
               for e in examples]
    best, best_score, figures = dict(DEFAULTS), -1.0, {}
    for silence, onset in itertools.product(SILENCE_GRID, ONSET_GRID):
        d = {**DEFAULTS, "silence": silence, "onset": onset}
        scores = [f_measures(ref, decode(probs, onsets, level, d)) for (probs, onsets), level, ref in outputs]
        plain, offsets = (float(np.mean(col)) for col in zip(*scores))
        if plain + offsets > best_score:
            best, best_score = d, plain + offsets
            figures = {"f_onset": round(plain, 4), "f_offset": round(offsets, 4), "renders": len(examples)}
    return best, figures
