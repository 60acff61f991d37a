"""The drum model's report (``python -m musicstudio.generators.drums.evaluation``, written to docs/drums.md):
Continue on held-out grooves, styles the model never trained on (:data:`.data.HELD_OUT`).

For each distinct held-out groove (up to 100) the first 4 bars (``SEED_BARS``) seed the model, which
writes 8 bars (``TAKE_BARS``) in 4 variations at temperature 1; the groove's own next 8 bars are the truth.

* **Onset-position overlap** per instrument (kick, snare, hi-hat = closed and open): the histogram of the
  takes' onsets over the 16th steps of the bar against the truth's (``generators/evaluation/bar_positions.py``),
  overlapping area ``sum(min(p, q))``, for each of the three the truth plays (0 when the takes never play
  it). The figure is the mean over those instruments, then over the grooves whose truth plays one of them
  (a groove of hand percussion alone, say a waltz on tambourine and triangle, has no such figure). Beside
  it, the same figure for a take that repeats the seed's last bar (what a loop pedal would do) and for the
  truth's own first and last halves.
* **Meter kept**: a take's onset signal (hits per step weighted by velocity, mean removed) has its
  autocorrelation at the seed's bar length at least as high as at the bar length of every other common meter
  (8, 12, 16, 18, 24 steps, leaving out multiples and divisors of the seed's bar). The share of takes, and of
  the truths, that pass; many of mma's grooves repeat every beat or half bar, so that their own onsets do not
  show the bar (the truth fails), and the share is also given over the grooves whose truth passes ("where
  evident").
* **GM drums**: the share of take notes whose number is a GM percussion number (35-81).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from musicstudio.core.clip import Clip
from musicstudio.generators.codecs.drums import GROUP_OF
from musicstudio.generators.codecs.grid import STEP_TICKS
from musicstudio.generators.drums.data import Groove, distinct, grooves_of, split_of
from musicstudio.generators.drums.grooves import load
from musicstudio.generators.evaluation.bar_positions import histogram_overlap as overlap
from musicstudio.generators.interface import GenerationRequest

SEED_BARS, TAKE_BARS, VARIATIONS, MAX_GROOVES = 4, 8, 4, 100
INSTRUMENTS = {"kick": (0,), "snare": (1,), "hi-hat": (2, 3)}
COMMON_BARS = (8, 12, 16, 18, 24)


def onset_histogram(notes, groups, bar_steps: int) -> np.ndarray:
    counts = np.zeros(bar_steps)
    for n in notes:
        if GROUP_OF[n.pitch] in groups:
            counts[int(round(n.start / STEP_TICKS)) % bar_steps] += 1
    return counts / counts.sum() if counts.sum() else counts


def instrument_overlap(take_notes, truth_notes, bar_steps: int) -> float:
    """Mean over kick, snare and hi-hat of the onset-position overlap (see the module's note)."""
    scores = []
    for groups in INSTRUMENTS.values():
        p, q = onset_histogram(take_notes, groups, bar_steps), onset_histogram(truth_notes, groups, bar_steps)
        if q.any():
            scores.append(overlap(p, q) if p.any() else 0.0)
    return float(np.mean(scores)) if scores else float("nan")


def keeps_meter(notes, length_steps: int, bar_steps: int) -> bool:
    """Whether the onsets' autocorrelation (each hit weighted by its velocity, so that accents count) at the
    bar length is at least that at other meters' bars."""
    x = np.zeros(length_steps)
    for n in notes:
        step = int(round(n.start / STEP_TICKS))
        if 0 <= step < length_steps:
            x[step] += n.velocity / 127
    x -= x.mean()

    def r(lag: int) -> float:
        return float(np.dot(x[:-lag], x[lag:]) / (length_steps - lag)) if lag < length_steps else -np.inf
    others = [lag for lag in COMMON_BARS if lag % bar_steps and bar_steps % lag]
    return all(r(bar_steps) >= r(lag) - 1e-9 for lag in others)


def _window(groove: Groove, first_bar: int, bars: int) -> tuple:
    start, end = first_bar * groove.bar_steps * STEP_TICKS, (first_bar + bars) * groove.bar_steps * STEP_TICKS
    return tuple(n.moved_by(-start) for n in groove.notes if start <= round(n.start / STEP_TICKS) * STEP_TICKS < end)


def held_out_grooves(records: list[dict]) -> list[Groove]:
    need = SEED_BARS + TAKE_BARS
    held = [g for g in grooves_of(records) if split_of(g) == "test" and g.steps >= need * g.bar_steps]
    return distinct(held)[:MAX_GROOVES]


def evaluate(generator, grooves: list[Groove]) -> dict:
    rows = []
    for k, g in enumerate(grooves):
        seed, truth = _window(g, 0, SEED_BARS), _window(g, SEED_BARS, TAKE_BARS)
        request = GenerationRequest(seed=Clip(seed, SEED_BARS * g.bar_steps * STEP_TICKS), bars=TAKE_BARS,
                                    variations=VARIATIONS, random_seed=k, meter=g.meter)
        takes = generator.generate(request)
        pooled = [n for t in takes for n in t.notes]
        loop = tuple(n.moved_by(b * g.bar_steps * STEP_TICKS) for b in range(TAKE_BARS)
                     for n in _window(g, SEED_BARS - 1, 1))
        steps = TAKE_BARS * g.bar_steps
        rows.append({
            "style": g.style, "groove": g.name, "meter": f"{g.meter[0]}/{g.meter[1]}",
            "oa": instrument_overlap(pooled, truth, g.bar_steps),
            "oa_loop": instrument_overlap(loop, truth, g.bar_steps),
            "oa_truth_halves": instrument_overlap(_window(g, SEED_BARS, TAKE_BARS // 2),
                                                  _window(g, SEED_BARS + TAKE_BARS // 2, TAKE_BARS // 2), g.bar_steps),
            "meter_kept": [keeps_meter(t.notes, steps, g.bar_steps) for t in takes],
            "truth_meter_kept": keeps_meter(truth, steps, g.bar_steps),
            "notes": len(pooled), "gm": sum(35 <= n.pitch <= 81 for n in pooled)})
    return summarise(rows)


def _mean(values) -> float:
    """The mean of the values that are numbers (NaN when none is)."""
    kept = [v for v in values if not np.isnan(v)]
    return float(np.mean(kept)) if kept else float("nan")


def summarise(rows: list[dict]) -> dict:
    def figures(chosen):
        kept = [x for r in chosen for x in r["meter_kept"]]
        return {"grooves": len(chosen), "kit_grooves": int(np.sum(~np.isnan([r["oa"] for r in chosen]))),
                "oa": _mean([r["oa"] for r in chosen]),
                "oa_loop": _mean([r["oa_loop"] for r in chosen]),
                "oa_truth_halves": _mean([r["oa_truth_halves"] for r in chosen]),
                "meter_kept": float(np.mean(kept)),
                "meter_kept_evident": float(np.mean([x for r in chosen if r["truth_meter_kept"]
                                                     for x in r["meter_kept"]] or [np.nan])),
                "truth_meter_kept": float(np.mean([r["truth_meter_kept"]
                                                                                      for r in chosen])),
                "gm": sum(r["gm"] for r in chosen) / max(1, sum(r["notes"] for r in chosen))}
    meters = sorted({r["meter"] for r in rows}, key=lambda m: (m != "4/4", m))
    return {"all": figures(rows), "per_meter": {m: figures([r for r in rows if r["meter"] == m]) for m in meters},
            "per_style": {s: figures([r for r in rows if r["style"] == s]) for s in sorted({r["style"] for r in rows})},
            "rows": rows}


if __name__ == "__main__":
    import torch

    from musicstudio.generators.registry import ModelRegistry

    torch.set_num_threads(1)
    model = sys.argv[1] if len(sys.argv) > 1 else "drums"
    started = time.monotonic()
    result = evaluate(ModelRegistry().load(model, "cpu"), held_out_grooves(load()))
    result["seconds"] = round(time.monotonic() - started, 1)
    out = Path("cache/drums/evaluation.json")
    out.write_text(json.dumps(result, indent=1))
    print(json.dumps({k: v for k, v in result.items() if k != "rows"}, indent=1))
