"""How Add drums' kick/snare pattern was chosen: the listener mixed with the library neighbours, held out by style.

``python -m musicstudio.generators.drums.kit_validation [--neighbours W ...] [--gamma G ...]``: on the
training styles' songs with a kick or a snare (:mod:`.songs`; the held-out styles of :data:`.data.HELD_OUT`
are not read), the styles dealt into :data:`.listener.FOLDS` folds, each song's pattern is made by a
listener fitted without its fold and a library of the other folds' songs: the listener's chances and the
nearest library grooves' kick and snare (:func:`.add.nearest_kits`) mixed at weight W
(:func:`.add.mixed_kit`) and turned into steps by Add drums' rule (:func:`.kit_choice.expected_pattern`, the
neighbours weighed W there too), or, for each G given, by the rule used until 2026-12-04 (the mixture
sharpened by G, :func:`.listener.kit_pattern`); then set against the song's own kick and snare
(:func:`.listener.pattern_overlap`). Printed for each (W, rule): the mean over songs, the mean of the 3/4,
4/4 and 6/8 means, and each meter's. Add drums' ``NEIGHBOURS`` (and the earlier rule's ``GAMMA``) were chosen
here.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from musicstudio.generators.codecs.drums import GROUP_OF
from musicstudio.generators.codecs.grid import STEP_TICKS, steps_in_bar
from musicstudio.generators.drums.add import kit_steps, mixed_kit, nearest_kits
from musicstudio.generators.drums.kit_choice import Nearest
from musicstudio.generators.drums.library import _histogram, _notes, rhythm_features
from musicstudio.generators.drums.listener import (
    FOLDS,
    KIT,
    example,
    fit_listener,
    kit_pattern,
    pattern_overlap,
    style_folds,
    with_kit,
)

MAIN_METERS = ("3/4", "4/4", "6/8")


@dataclass(frozen=True)
class Heard:
    """A song as the library holds it: its band's rhythm and its kick's and snare's histograms."""
    style: str
    meter: tuple[int, int]
    rhythm: np.ndarray
    kit: np.ndarray


def heard(record: dict) -> Heard:
    meter = (int(record["meter"][0]), int(record["meter"][1]))
    bar, drums = steps_in_bar(meter), _notes(record["drums"])
    kit = np.stack([_histogram((int(round(n.start / STEP_TICKS)) for n in drums if GROUP_OF[n.pitch] == g), bar)
                    for g in KIT])
    return Heard(record["style"], meter, rhythm_features([_notes(t) for t in record["others"]], meter), kit)


def _neighbours(pool: Sequence[Heard], song: Heard) -> Nearest | None:
    bar = song.kit.shape[1]
    same = [h for h in pool if h.meter == song.meter] or [h for h in pool if h.kit.shape[1] == bar]
    return nearest_kits(same, song.rhythm) if same else None


def fold_predictions(records: Sequence[dict], folds: int = FOLDS) -> list[tuple]:
    """For each training song with a kick or a snare: (record, its kick/snare profile, the listener's chances,
    the nearest grooves (:class:`.kit_choice.Nearest`, None where none has the bar's length)), both predicted
    without the song's fold of styles."""
    kept = with_kit(records)
    data = [example(r) for r in kept]
    library = [heard(r) for r in records]
    out = []
    for held in style_folds((r["style"] for r in kept), folds):
        listener = fit_listener([d for r, d in zip(kept, data) if r["style"] not in held])
        pool = [h for h in library if h.style not in held]
        for r, (features, profile) in zip(kept, data):
            if r["style"] in held:
                chances = listener.chances(features)
                out.append((r, profile, chances, _neighbours(pool, heard(r))))
    return out


def pattern(chances: np.ndarray, nearest: Nearest | None, weight: float, gamma: float | None = None) -> np.ndarray:
    """A song's kick/snare steps at ``weight``: by Add drums' rule (:func:`.add.kit_steps`), or (``gamma`` given)
    the earlier one."""
    if gamma is None:
        return kit_steps(chances, nearest, weight)
    return kit_pattern(mixed_kit(chances, None if nearest is None else nearest.mean, weight), gamma)


def figures(predictions, weight: float, gamma: float | None = None) -> dict:
    """The pattern's overlap at one weight, by Add drums' rule (``gamma`` None) or the earlier one sharpened by
    ``gamma``: over songs, the mean of the main meters', per meter."""
    scores: dict[str, list[float]] = {}
    for r, profile, chances, nearest in predictions:
        steps = pattern(chances, nearest, weight, gamma)
        scores.setdefault(f"{r['meter'][0]}/{r['meter'][1]}", []).append(pattern_overlap(steps, profile))
    per_meter = {m: float(np.nanmean(v)) for m, v in sorted(scores.items())}
    return {"neighbours": weight, "gamma": gamma, "songs": sum(map(len, scores.values())),
            "overlap": float(np.nanmean([x for v in scores.values() for x in v])),
            "meters_mean": float(np.mean([per_meter[m] for m in MAIN_METERS if m in per_meter])),
            "per_meter": per_meter}


def grid(records: Sequence[dict], weights: Sequence[float], gammas: Sequence[float | None] = (None,)) -> list[dict]:
    """:func:`figures` for each weight and rule (``None`` in ``gammas``: Add drums' own)."""
    predictions = fold_predictions(records)
    return [figures(predictions, w, g) for w, g in itertools.product(weights, gammas)]


if __name__ == "__main__":
    import argparse

    from musicstudio.generators.drums import songs
    from musicstudio.generators.drums.data import HELD_OUT

    parser = argparse.ArgumentParser(description="Add drums' kick/snare pattern, training styles held out by fold.")
    parser.add_argument("--neighbours", type=float, nargs="+", default=[0.0, 0.15, 0.3, 0.45, 0.6])
    parser.add_argument("--gamma", type=float, nargs="*", default=[],
                        help="also the rule used until 2026-12-04, the mixture sharpened by each G")
    args = parser.parse_args()
    training = [r for r in songs.load() if r["style"] not in HELD_OUT]
    for row in grid(training, args.neighbours, [None, *args.gamma]):
        meters = " ".join(f"{m} {v:.3f}" for m, v in row["per_meter"].items())
        rule = "expected overlap" if row["gamma"] is None else f"gamma {row['gamma']:.2f}"
        print(f"neighbours {row['neighbours']:.2f} {rule}: {row['overlap']:.4f} over "
              f"{row['songs']} songs, meters' mean {row['meters_mean']:.3f} ({meters})")
