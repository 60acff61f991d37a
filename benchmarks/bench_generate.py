"""Generation with the shipped models: 8 bars x 4 variations after a 4-bar seed (target: 150 ms each).

The request the app sends most: continue a 4-bar seed by 8 bars, four variations in one batch, at
temperature 1. Every shipped model that continues a seed gets a melodic seed (a folk tune, the first four
bars of "Muss i denn") and a chordal one (four-voice chords on every beat): each family's default model,
the triplet-grid lstm, the non-commercial (-nc) models beside their twins, and the ensembles' members, which
the registry offers as models of their own. The figures are medians of 7 runs after one warm-up, with the
per-step latency for the token models (one sampling step: the network for four rows, masks, top-p, the
draw) and each ensemble's cost against the lstm of its recipe (lstm-ensemble against lstm, lstm-ensemble-nc
against lstm-nc). Issue 17's target, 150 ms, applies to every model and both seeds (the chordal seed has
roughly three times as many events per bar), so an -nc model is held to its twin's target. Models that are
not installed are skipped; a model that refuses a seed (a melody model given chords) says so. The models
that write something else (drums, the harmonizer, the polyphonic VAE) and the transcriber have benchmarks of
their own.
"""

import statistics
import time

from benchmarks.timing import shipped, skipped
from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.interface import BAR, GenerationError, GenerationRequest

TARGET_S = 0.150
REPEAT = 7
MODELS = ("lstm", "lstm-nc", "lstm-triplets", "lstm-ensemble", "lstm-ensemble-nc", "lstm-notes", "lstm-notes-nc",
          "markov-events", "markov-events-nc", "markov-melody", "markov-melody-nc", "vae", "vae-nc", "vae-hikl-nc",
          "gan", "gan-nc",
          "infill", "infill-controls",   # infill continues from the left when it is given no music after the gap
          "lstm-member-1", "lstm-member-2", "lstm-member-3", "lstm-member-nc-1", "lstm-member-nc-2",
          "lstm-member-nc-3")
ENSEMBLES = (("lstm-ensemble", "lstm"), ("lstm-ensemble-nc", "lstm-nc"))   # each ensemble, the lstm of its recipe

# (pitch, start in 8ths, length in 8ths): four bars in G major
_TUNE = [(67, 0, 2), (72, 2, 2), (72, 4, 1), (71, 5, 1), (72, 6, 2), (74, 8, 2), (76, 10, 2), (76, 12, 2),
         (74, 14, 1), (72, 15, 1), (71, 16, 2), (72, 18, 1), (74, 19, 1), (72, 20, 4), (67, 24, 2),
         (72, 26, 2), (72, 28, 1), (71, 29, 1), (72, 30, 2)]
MELODY = Clip(tuple(Note(p, s * 240, d * 240, 90) for p, s, d in _TUNE), 4 * BAR)
_CHORDS = [(55, 59, 62, 67), (48, 55, 64, 72), (50, 57, 62, 66), (55, 59, 62, 67)]
CHORDS = Clip(tuple(Note(p, bar * BAR + beat * 480, 480, 80) for bar, chord in enumerate(_CHORDS)
                    for beat in range(4) for p in chord), 4 * BAR)


def _counting(generator):
    """Count the sampling steps of ``generator`` (calls of push, or of predict for lstm-notes; none for the
    bar models, which write a bar at a time)."""
    name = "push" if hasattr(generator, "push") else "predict"
    original = getattr(generator, name, None)
    counter = {"steps": 0}
    if original is None:
        return counter, lambda: None

    def counted(*args):
        counter["steps"] += 1
        return original(*args)

    setattr(generator, name, counted)
    return counter, lambda: setattr(generator, name, original)


def _time(generator, seed: Clip) -> tuple[float, float]:
    """Median seconds for the request, and the median seconds per sampling step."""
    counter, restore = _counting(generator)
    totals, per_step = [], []
    try:
        for i in range(REPEAT + 1):
            counter["steps"] = 0
            started = time.perf_counter()
            generator.generate(GenerationRequest(seed=seed, bars=8, variations=4, random_seed=i))
            elapsed = time.perf_counter() - started
            if i:  # the first run warms up
                totals.append(elapsed)
                per_step.append(elapsed / counter["steps"] if counter["steps"] else 0.0)
    finally:
        restore()
    return statistics.median(totals), statistics.median(per_step)


def run():
    figures, times = [], {}
    for name, generator in shipped(MODELS):
        if generator is None:
            figures.append(skipped(name))
            continue
        for label, seed in (("melodic", MELODY), ("chordal", CHORDS)):
            try:
                total, step = _time(generator, seed)
            except GenerationError as refusal:
                figures.append((f"{name}, {label} seed: refused ({refusal})"[:120], 0.0, "", None))
                continue
            times[name, label] = total
            figures.append((f"{name}: 8 bars x 4 variations, {label} seed (median)", total * 1000, "ms",
                            lambda v: v <= TARGET_S * 1000))
            if step:
                figures.append((f"{name}: per sampling step, {label} seed", step * 1000, "ms", None))
    for ensemble, single in ENSEMBLES:
        for label in ("melodic", "chordal"):
            if (single, label) in times and (ensemble, label) in times:
                figures.append((f"ensemble cost: {ensemble} / {single}, {label} seed",
                                times[ensemble, label] / times[single, label], "x", None))
    return figures
