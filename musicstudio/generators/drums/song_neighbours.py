"""How many steps of the bar kick and snare hit, read from the training songs whose band sounds most alike.

A measurement tool (``python -m musicstudio.generators.drums.song_neighbours``), not part of Add drums: it
asks whether a song-level, non-parametric reading of the band says what the listener's step-by-step chances
do not, how many steps a bar kick and snare hit (with that number known, the mixture's ranking of the steps
would score 0.791 on the training styles against its 0.621).

Each song (:mod:`.songs`' records) is heard as a :class:`BandSong`: for five kinds of onset (any track, the
bass, the other tracks, notes of a beat or longer, the high register; :func:`.listener._rhythm`'s counts)
the onset-position histogram over the 16th steps of the bar and the onsets a bar; and its drums' kick and
snare onset-position histograms. Two songs are compared by :func:`band_distance`: the summed L1 distance
of the five histograms plus :data:`DENSITY_WEIGHT` times that of the log onsets a bar (``"band"``), or the
library's :func:`.library.distance` of :func:`.library.rhythm_features` (``"rhythm"``). A song's
neighbours (:func:`nearest`) are the ``k`` nearest songs of its meter (of its bar's length when none
plays the meter), among the training songs of other styles.

The rules (:func:`rule_pattern`), each giving the steps each drum hits from Add drums' mixture ``q`` (the
listener's chances mixed with the library's nearest grooves, :func:`.add.mixed_kit`) and the neighbours:

* ``current``: Add drums' rule when this was measured (until 2026-12-04), :func:`.listener.kit_pattern` of ``q``
  sharpened by :data:`.add.GAMMA`;
* ``median-distinct`` and ``median-best``: ``q``'s likeliest steps, as many as the median over the
  neighbours that play the drum of the distinct steps they hit, or of the number of steps whose hitting
  alike overlaps their own histogram most;
* ``expected-A``: ``q``'s likeliest ``c`` steps, ``c`` maximising ``A`` times the overlap of hitting them
  alike with ``q`` sharpened (``current``'s objective) plus ``1 - A`` times its mean overlap with the
  neighbours' histograms (A 0: the neighbours alone say how many);
* ``groove``: of the songs of the meter, the one whose kick and snare overlap ``q`` sharpened most, its
  likeliest steps as many as its own best number (a library groove chosen by the predicted histogram).

:func:`validate` scores every (rule, distance, k) on the training styles, each song predicted by a
listener and neighbours of the other folds' styles (:func:`.kit_validation.fold_predictions`), and a
nested figure: for each fold the configuration best on the other seven, scored on it (how much the
choice itself is worth). :func:`held_out` scores the given configurations' patterns, looped, on Add drums'
held-out songs (:func:`.add_evaluation.held_out_songs`), with the listener and neighbours of all the
training songs: it reports, it does not choose. ``--whole RULE/DISTANCE/K -- [--validate]`` runs Add drums as a
whole (:mod:`.add_evaluation`) with that rule in place of Add drums' own (:func:`ruled_seed_pattern`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from musicstudio.generators.codecs.grid import STEP_TICKS, steps_in_bar
from musicstudio.generators.drums.add import GAMMA, NEIGHBOURS, mixed_kit
from musicstudio.generators.drums.library import distance, rhythm_features
from musicstudio.generators.drums.listener import (
    FOLDS,
    _notes,
    _rhythm,
    kit_pattern,
    kit_profile,
    pattern_overlap,
    style_folds,
)

DENSITY_WEIGHT = 0.5     # the log onsets a bar against the histograms in band_distance
MAIN_METERS = ("3/4", "4/4", "6/8")
RULES = ("current", "median-distinct", "median-best", "expected-0", "expected-0.25", "expected-0.5",
         "expected-0.75", "groove")
DISTANCES = ("band", "rhythm")
KS = (5, 10, 15, 20, 30)


@dataclass(frozen=True)
class BandSong:
    style: str
    meter: tuple[int, int]
    shape: np.ndarray        # (5, bar): each kind of onset's position histogram (zeros when none)
    density: np.ndarray      # (5,): onsets a bar of each kind
    rhythm: np.ndarray       # (3, bar): :func:`.library.rhythm_features`
    kit: np.ndarray          # (2, bar): kick's and snare's onset-position histograms (zeros when none)


def best_count(histogram: np.ndarray) -> int:
    """The number of steps whose hitting alike overlaps ``histogram`` most (its likeliest first); 0 for none."""
    if not histogram.any():
        return 0
    ordered = np.sort(histogram / histogram.sum())[::-1]
    return 1 + int(np.argmax([np.minimum(ordered[:c], 1.0 / c).sum() for c in range(1, len(ordered) + 1)]))


def band_song(record: dict) -> BandSong:
    meter = (int(record["meter"][0]), int(record["meter"][1]))
    bar = steps_in_bar(meter)
    bars = max(1, int(record["length"]) // (bar * STEP_TICKS))
    tracks = [_notes(t) for t in record["others"]]
    counts = _rhythm(tracks, bar, bars)[:5]
    profile = kit_profile(_notes(record["drums"]), meter, bars)
    return BandSong(record["style"], meter, counts / np.maximum(1e-12, counts.sum(axis=1, keepdims=True)),
                    counts.sum(axis=1), rhythm_features(tracks, meter),
                    profile / np.maximum(1e-12, profile.sum(axis=1, keepdims=True)))


def band_distance(a: BandSong, b: BandSong, kind: str = "band") -> float:
    if kind == "rhythm":
        return distance(a.rhythm, b.rhythm)
    return float(np.abs(a.shape - b.shape).sum()
                 + DENSITY_WEIGHT * np.abs(np.log1p(a.density) - np.log1p(b.density)).sum())


def nearest(pool: Sequence[BandSong], song: BandSong, k: int, kind: str = "band") -> list[BandSong]:
    """The ``k`` songs of ``pool`` nearest ``song`` in its meter (its bar's length when none plays it)."""
    bar = song.kit.shape[1]
    same = [p for p in pool if p.meter == song.meter] or [p for p in pool if p.kit.shape[1] == bar]
    return sorted(same, key=lambda p: band_distance(p, song, kind))[:k]


def _sharpened(q: np.ndarray, gamma: float) -> np.ndarray:
    s = np.maximum(q, 1e-9) ** gamma
    return s / s.sum(axis=1, keepdims=True)


def _first(order: np.ndarray, c: int) -> np.ndarray:
    u = np.zeros(len(order))
    u[order[:c]] = 1.0 / c
    return u


def _count_score(row: np.ndarray, order: np.ndarray, played: Sequence[np.ndarray], alpha: float, c: int) -> float:
    u = _first(order, c)
    seen = float(np.mean([np.minimum(u, h).sum() for h in played])) if played else 0.0
    return alpha * float(np.minimum(u, row).sum()) + (1.0 - alpha) * seen


def _expected(q: np.ndarray, neighbours: Sequence[BandSong], alpha: float, gamma: float) -> np.ndarray:
    out, sharp = np.zeros(q.shape, bool), _sharpened(q, gamma)
    for i, row in enumerate(sharp):
        played = [n.kit[i] for n in neighbours if n.kit[i].any()]
        order = np.argsort(-row, kind="stable")
        best = max(range(1, len(row) + 1), key=lambda c, r=row, o=order, p=played: _count_score(r, o, p, alpha, c))
        out[i, order[:best]] = True
    return out


def _counted(q: np.ndarray, counts: Sequence[int]) -> np.ndarray:
    out = np.zeros(q.shape, bool)
    for i, row in enumerate(q):
        out[i, np.argsort(-row, kind="stable")[:int(min(len(row), max(1, counts[i])))]] = True
    return out


def rule_pattern(rule: str, q: np.ndarray, neighbours: Sequence[BandSong], meter_songs: Sequence[BandSong],
                 gamma: float = GAMMA) -> np.ndarray:
    """``(2, bar)`` booleans: the steps kick and snare hit by ``rule`` (see the module's note)."""
    if rule == "current" or not neighbours:
        return kit_pattern(q, gamma)
    if rule.startswith("median-"):
        def count(kit: np.ndarray) -> int:
            return int((kit > 0).sum()) if rule == "median-distinct" else best_count(kit)
        return _counted(q, [int(round(np.median([count(n.kit[i]) for n in neighbours if n.kit[i].any()] or [1])))
                            for i in range(q.shape[0])])
    if rule.startswith("expected-"):
        return _expected(q, neighbours, float(rule.split("-", 1)[1]), gamma)
    if rule == "groove":
        sharp = _sharpened(q, gamma)
        chosen = max(meter_songs or neighbours, key=lambda s: float(np.minimum(s.kit, sharp).sum()))
        return _counted(chosen.kit, [best_count(row) for row in chosen.kit])
    raise ValueError(f"no rule {rule!r}")


def _meter(record: dict) -> str:
    return f"{record['meter'][0]}/{record['meter'][1]}"


def summary(rows: Sequence[tuple[dict, float]]) -> dict:
    """Mean overlap over songs, the mean of the main meters', per meter and per style."""
    def mean(key) -> dict:
        groups: dict[str, list[float]] = {}
        for record, score in rows:
            groups.setdefault(key(record), []).append(score)
        return {g: float(np.nanmean(v)) for g, v in sorted(groups.items())}
    per_meter = mean(_meter)
    return {"songs": len(rows), "overlap": float(np.nanmean([s for _, s in rows])),
            "meters_mean": float(np.mean([per_meter[m] for m in MAIN_METERS if m in per_meter])),
            "per_meter": per_meter, "per_style": mean(lambda r: r["style"])}


def score_rows(predictions, pools: Sequence[Sequence[BandSong]], config: tuple[str, str, int]) -> list:
    """(record, overlap) for each prediction (record, profile, chances, nearest grooves), its
    neighbours drawn from its pool by ``config`` (rule, distance, k)."""
    rule, kind, k = config
    rows = []
    for (record, profile, chances, grooves), pool in zip(predictions, pools):
        song = band_song(record)
        q = mixed_kit(chances, None if grooves is None else grooves.mean, NEIGHBOURS)
        meter_songs = [p for p in pool if p.meter == song.meter]
        pattern = rule_pattern(rule, q, nearest(pool, song, k, kind), meter_songs)
        rows.append((record, pattern_overlap(pattern, profile)))
    return rows


def configurations(rules=RULES, distances=DISTANCES, ks=KS) -> list[tuple[str, str, int]]:
    return [("current", "band", 0)] + [c for c in itertools.product(rules, distances, ks) if c[0] != "current"]


def validate(records: Sequence[dict], configs: Sequence[tuple[str, str, int]], folds: int = FOLDS) -> dict:
    """Each configuration's figures on the training styles (see the module's note), and the nested one."""
    from musicstudio.generators.drums.kit_validation import fold_predictions

    predictions = fold_predictions(records, folds)
    fold_of = {s: i for i, fold in enumerate(style_folds((r["style"] for r, *_ in predictions), folds))
               for s in fold}
    everyone = [(r["style"], band_song(r)) for r in records]
    pools = [[b for s, b in everyone if fold_of.get(s, -1) != fold_of[r["style"]]] for r, *_ in predictions]
    scored = {c: score_rows(predictions, pools, c) for c in configs}
    nested, picks = [], []
    def inside(c, fold: int, held: bool) -> list:
        return [row for row in scored[c] if (fold_of[row[0]["style"]] == fold) == held]
    for fold in range(folds):
        pick = max(configs, key=lambda c, f=fold: float(np.nanmean([s for _, s in inside(c, f, False)])))
        picks.append(pick)
        nested += inside(pick, fold, True)
    return {"configs": {"/".join(map(str, c)): summary(rows) for c, rows in scored.items()},
            "nested": summary(nested), "nested_picks": ["/".join(map(str, p)) for p in picks],
            "style_gain": style_gain(scored, configs)}


def style_gain(scored: dict, configs, draws: int = 2000, seed: int = 0) -> dict:
    """The best configuration over songs against ``current``: its gain, a 95% interval resampling styles,
    and the styles it scores better, worse and level on."""
    best = max(configs, key=lambda c: float(np.nanmean([s for _, s in scored[c]])))
    styles = np.array([r["style"] for r, _ in scored[best]])
    diff = np.array([s for _, s in scored[best]]) - np.array([s for _, s in scored[configs[0]]])
    names = np.unique(styles)
    by_style = [np.where(styles == s)[0] for s in names]
    rng = np.random.default_rng(seed)
    gains = [float(np.nanmean(diff[np.concatenate([by_style[i] for i in rng.integers(len(names), size=len(names))])]))
             for _ in range(draws)]
    per = np.array([np.nanmean(diff[i]) for i in by_style])
    return {"config": "/".join(map(str, best)), "gain": float(np.nanmean(diff)),
            "interval": [float(x) for x in np.percentile(gains, [2.5, 97.5])],
            "better": int((per > 1e-9).sum()), "worse": int((per < -1e-9).sum()),
            "level": int((np.abs(per) <= 1e-9).sum())}


def same_style(records: Sequence[dict], rules: Sequence[str], folds: int = FOLDS) -> dict:
    """A ceiling, not a rule: each rule with the song's neighbours its own style's other songs of its meter
    (which a song of a style the library lacks never has), the mixture still predicted without its fold."""
    from musicstudio.generators.drums.kit_validation import fold_predictions

    predictions = fold_predictions(records, folds)
    heard = [(r["style"], r["groove"], band_song(r)) for r in records]
    pools = [[b for s, g, b in heard if s == r["style"] and g != r["groove"] and b.meter == band_song(r).meter]
             for r, *_ in predictions]
    return {rule: summary(score_rows(predictions, pools, (rule, "band", len(records)))) for rule in rules}


def held_out(records: Sequence[dict], configs: Sequence[tuple[str, str, int]]) -> dict:
    """The configurations' patterns, looped, on Add drums' held-out songs: listener and neighbours of all
    the training songs (:data:`.data.HELD_OUT` left out)."""
    from musicstudio.generators.drums.add_evaluation import held_out_songs
    from musicstudio.generators.drums.data import HELD_OUT
    from musicstudio.generators.drums.kit_validation import _neighbours, heard
    from musicstudio.generators.drums.listener import example, fit_listener, with_kit

    training = [r for r in records if r["style"] not in HELD_OUT]
    listener = fit_listener([example(r) for r in with_kit(training)])
    library = [heard(r) for r in training]
    pool = [band_song(r) for r in training]
    predictions = []
    for record in held_out_songs(list(records)):
        features, profile = example(record)
        chances = listener.chances(features)
        predictions.append((record, profile, chances, _neighbours(library, heard(record))))
    return {"/".join(map(str, c)): summary(score_rows(predictions, [pool] * len(predictions), c)) for c in configs}


def _segment_song(others, meter: tuple[int, int], bars: int) -> BandSong:
    return band_song({"style": "", "meter": list(meter), "drums": [], "length": bars * steps_in_bar(meter) * STEP_TICKS,
                      "others": [[[n.pitch, n.start, n.duration, n.velocity] for n in t] for t in others]})


def ruled_seed_pattern(config: tuple[str, str, int], by_style: dict):
    """Add drums' :func:`.add.seed_pattern` with ``config``'s rule in place of :func:`.listener.kit_pattern`,
    the neighbours drawn from ``by_style``'s songs (style -> BandSongs) of the styles the library holds."""
    from musicstudio.generators.drums import add

    rule, kind, k = config

    def seed_pattern(generator, song, request, segment, groove):
        library = generator.library
        seed = groove.tokens if groove is not None else np.zeros(0, np.int64)
        if library.listener is None or (request.style is not None and groove is not None):
            return seed
        others = add._others(song, segment)
        pool = add.meter_pool(library, segment.meter)
        library_kit = add.expected_kit(pool, rhythm_features(others, segment.meter)) if pool else None
        q = mixed_kit(library.listener.predict(others, segment.meter, segment.bars), library_kit, NEIGHBOURS)
        me = _segment_song(others, segment.meter, segment.bars)
        heard = [b for s in library.styles for b in by_style.get(s, [])]
        kit = rule_pattern(rule, q, nearest(heard, me, k, kind), [b for b in heard if b.meter == me.meter])
        return add.steered(generator.codec, seed if len(seed) else np.zeros(kit.shape[1], np.int64), kit)
    return seed_pattern


def whole(records: Sequence[dict], config: tuple[str, str, int], argv: list[str]) -> dict:
    """Add drums as a whole (:func:`.add_evaluation.main` with ``argv``, e.g. ``--validate``) with
    ``config``'s rule; Add drums' own pattern is put back afterwards."""
    from musicstudio.generators.drums import add, add_evaluation
    from musicstudio.generators.drums.data import HELD_OUT

    by_style: dict[str, list[BandSong]] = {}
    for r in records:
        if r["style"] not in HELD_OUT:
            by_style.setdefault(r["style"], []).append(band_song(r))
    own = add.seed_pattern
    add.seed_pattern = add_evaluation.seed_pattern = ruled_seed_pattern(config, by_style)
    try:
        return add_evaluation.main(argv)
    finally:
        add.seed_pattern = add_evaluation.seed_pattern = own


def _line(name: str, f: dict) -> str:
    meters = " ".join(f"{m} {v:.3f}" for m, v in f["per_meter"].items())
    return f"{name}: {f['overlap']:.3f} over {f['songs']} songs, meters' mean {f['meters_mean']:.3f} ({meters})"


if __name__ == "__main__":
    import argparse
    import json
    from pathlib import Path

    from musicstudio.generators.drums import songs
    from musicstudio.generators.drums.data import HELD_OUT

    parser = argparse.ArgumentParser(description="Kick and snare steps from the songs whose band sounds alike.")
    parser.add_argument("--rules", nargs="+", default=list(RULES))
    parser.add_argument("--distances", nargs="+", default=list(DISTANCES))
    parser.add_argument("--k", type=int, nargs="+", default=list(KS))
    parser.add_argument("--held-out", nargs="*", metavar="RULE/DISTANCE/K", default=None,
                        help="also score these configurations (and current) on the held-out songs")
    parser.add_argument("--out", type=Path, default=Path("cache/drums/song-neighbours.json"))
    parser.add_argument("--whole", metavar="RULE/DISTANCE/K", help="Add drums as a whole with this rule instead "
                        "(the arguments after -- go to add_evaluation, e.g. -- --validate --out FILE)")
    parser.add_argument("--same-style", action="store_true", help="the ceiling: neighbours of the song's own style")
    args, rest = parser.parse_known_args()
    records = songs.load()
    if args.same_style:
        for name, figures in same_style([r for r in records if r["style"] not in HELD_OUT], args.rules).items():
            print("own style's songs as neighbours:", _line(name, figures))
        raise SystemExit(0)
    if args.whole:
        rule_name, distance_kind, k_text = args.whole.split("/")
        figures = whole(records, (rule_name, distance_kind, int(k_text)), [a for a in rest if a != "--"])
        print(json.dumps({k: v for k, v in figures.items() if k != "rows"}, indent=1))
        raise SystemExit(0)
    result = validate([r for r in records if r["style"] not in HELD_OUT],
                      configurations(args.rules, args.distances, args.k))
    for name, figures in result["configs"].items():
        print(_line(name, figures))
    print(_line("nested", result["nested"]), "picks", ", ".join(result["nested_picks"]))
    print("best against current:", json.dumps(result["style_gain"]))
    if args.held_out is not None:
        chosen = [("current", "band", 0)] + [(r, d, int(k)) for r, d, k in (c.split("/") for c in args.held_out)]
        result["held_out"] = held_out(records, chosen)
        for name, figures in result["held_out"].items():
            print("held out", _line(name, figures), json.dumps(figures["per_style"]))
    args.out.write_text(json.dumps(result, indent=1))
