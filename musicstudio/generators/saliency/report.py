"""The saliency measure: on held-out seeds whose true continuation repeats a bar of the seed
(:mod:`.repeats`), how often the repeated bar's notes get a higher mean saliency than the seed's other notes.

    python -m musicstudio.generators.saliency.report --docs docs/saliency.md --json /tmp/saliency.json

For each model (lstm, infill, vae by default), each method (integrated gradients, gradient x input; for a
model decoded with a copy cache, each also with the cache's attribution added, :mod:`.pointer`) and two takes
per case (the true continuation, and one take the model samples from the seed), a case is a hit when
the mean score of the notes in the repeated bars is above the mean of the other notes. A recency baseline
(each note scored by its start: the last bar's notes highest) and a chance figure (each note a random score)
are measured on the same cases, so the figure means something. Timing figures are in the benchmark, not here.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
from pathlib import Path

import numpy as np

from musicstudio.core.clip import Clip
from musicstudio.generators.interface import GenerationRequest, bar_ticks
from musicstudio.generators.saliency.attribution import METHODS
from musicstudio.generators.saliency.repeats import RepeatCase, bars_repeated_by, find_cases, swapped
from musicstudio.generators.saliency.report_docs import write_docs
from musicstudio.generators.saliency.saliency import COPY, attribute

TARGET = 0.8
OWN, OWN_LABEL = "#own", ", the seed bar it repeats"   # sampled takes that repeat some seed bar: that bar
NETWORK = " (network alone, the cache off)"           # swap_drops' figures of a copy-cache model's network


def hit(scores, repeated: np.ndarray, read: np.ndarray | None = None) -> bool:
    """Whether the notes in the repeated bars have a higher mean score than the others, among the notes the
    model reads (``read``; a repeated bar it does not read at all is a miss: it cannot have shaped the take)."""
    scores = np.asarray(scores, np.float64)
    read = np.ones(len(scores), bool) if read is None else np.asarray(read, bool)
    mine, others = repeated & read, ~repeated & read
    if not mine.any():
        return False
    return bool(not others.any() or scores[mine].mean() > scores[others].mean())


def sampled_take(generator, case: RepeatCase, random_seed: int) -> Clip:
    """One take the model writes after the case's seed (temperature 1), as many bars as the true continuation."""
    request = GenerationRequest(seed=case.seed, bars=max(1, case.truth.length // bar_ticks(case.meter)),
                                variations=1, random_seed=random_seed, meter=case.meter)
    take = generator.generate(request)[0]
    return Clip(tuple(take.notes), take.length)


def baseline_rows(cases: list[RepeatCase], random_seed: int) -> dict[str, float]:
    """The recency and chance baselines' hit rates."""
    rng = np.random.default_rng(random_seed)
    recency = [hit([n.start for n in c.seed.notes], c.in_repeated()) for c in cases]
    chance = [hit(rng.random(len(c.seed.notes)), c.in_repeated()) for c in cases]
    return {"recency (later notes higher)": float(np.mean(recency)), "chance (random scores)": float(np.mean(chance))}


def measure_model(generator, cases: list[RepeatCase], random_seed: int, steps: int) -> dict:
    """Hit rates per method and take, and the mean of (repeated - other) mean scores. For a model that decodes
    with a copy cache, each method twice: with the cache's attribution added ("+copy", what the app shows) and
    the network's alone."""
    takes = {"true continuation": [c.truth for c in cases],
             "sampled take": [sampled_take(generator, c, random_seed + i) for i, c in enumerate(cases)]}
    out: dict[str, dict] = {}
    for method in METHODS:
        for what, clips in takes.items():
            found: dict[str, list] = {}
            for case, take in zip(cases, clips):
                s = attribute(generator, case.seed, take, case.meter, method + COPY, steps)
                scores = np.asarray(s.scores)
                variants = {method: scores - np.asarray(s.copy_scores), s.method: scores} if s.copy_scores \
                    else {method: scores}
                own = bars_repeated_by(case, take) if what == "sampled take" else None
                for name, values in variants.items():
                    found.setdefault(name, []).append((values, case.in_repeated(), np.asarray(s.read)))
                    if own is not None:
                        found.setdefault(name + OWN, []).append((values, own, np.asarray(s.read)))
            for name in sorted(found, key=lambda n: (n.endswith(OWN), not n.removesuffix(OWN).endswith(COPY))):
                label = f"{name.removesuffix(OWN)} / {what}" + (OWN_LABEL if name.endswith(OWN) else "")
                out[label] = _row(found[name])
    return out


def swap_drops(generator, cases: list[RepeatCase]) -> dict:
    """How much likelier the true continuation is (nats, as the model decodes it) with the seed as it is than
    with its repeated bar, or else its last bar, replaced by another bar of the seed (:func:`.repeats.swapped`):
    what the model's likelihood owes to the bar it would have to copy, beside what it owes to the bar it
    continues from; for a model with a copy cache, also the network's alone. Means over the cases, by how far
    back the repeated bar is."""
    def log_likelihoods(seed, case) -> dict[str, float]:
        s = attribute(generator, seed, case.truth, case.meter, "gradxinput" + COPY)
        return {"": s.log_likelihood, **({NETWORK: s.log_likelihood - s.copy_gain} if s.copy_scores else {})}

    drops: dict[str, dict[str, list]] = {}
    for case in cases:
        bars = round(case.seed.length / bar_ticks(case.meter))
        whole = log_likelihoods(case.seed, case)
        for what, swap in (("repeated bar", case.repeated), ("last bar", (bars - 1,))):
            seed = swapped(case, swap) if what == "repeated bar" or bars - 1 not in case.repeated else None
            if seed is None:
                continue
            for part, value in log_likelihoods(seed, case).items():
                for key in ("all", str(bars - max(case.repeated))):
                    drops.setdefault(what + part, {}).setdefault(key, []).append(whole[part] - value)
    return {what: {k: {"mean_drop_nats": float(np.mean(v)), "cases": len(v)} for k, v in sorted(by.items())}
            for what, by in sorted(drops.items(), key=lambda item: (not item[0].startswith("repeated"), item[0]))}


def _row(found: list) -> dict:
    """One row of the table from (scores, repeated-bar mask, read mask) per case."""
    hits = [hit(scores, mask, read) for scores, mask, read in found]
    margins = [float(np.mean(scores[mask]) - np.mean(scores[~mask])) for scores, mask, _ in found]
    unread = sum(not any(read[mask]) for _, mask, read in found)
    return {"hit_rate": float(np.mean(hits)), "cases": len(hits), "mean_margin_nats": float(np.mean(margins)),
            "repeated_bar_unread": unread}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m musicstudio.generators.saliency.report")
    parser.add_argument("--corpus", default="cache/corpus-clean")
    parser.add_argument("--models", default="lstm,infill,vae")
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--seed-bars", type=int, default=4)
    parser.add_argument("--take-bars", type=int, default=2)
    parser.add_argument("--transposed", action="store_true", help="also count repeats at another pitch")
    parser.add_argument("--steps", type=int, default=8, help="integrated gradients' points a path (as the app)")
    parser.add_argument("--random-seed", type=int, default=0)
    parser.add_argument("--split", default="test", choices=("test", "valid"),
                        help="the corpus split the seeds come from (the figures: test)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--docs", type=Path)
    parser.add_argument("--merge", type=Path, nargs="+", metavar="JSON",
                        help="measure nothing: join the models of earlier runs' --json (same cases) and write those")
    parser.add_argument("--planted", type=int, default=0, metavar="N",
                        help="also the planted-repeat check on N phrases (a tiny LSTM known to copy, .planted)")
    args = parser.parse_args(argv)
    if args.merge:
        return _write(merged(args.merge), args.json, args.docs)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from musicstudio.generators.corpus_store import read_cache
    from musicstudio.generators.registry import ModelRegistry

    cases = find_cases(read_cache(args.corpus, verify=False), args.cases, args.seed_bars, args.take_bars,
                       split=args.split, random_seed=args.random_seed, transposed=args.transposed)
    registry = ModelRegistry()
    result = {"cases": len(cases), "seed_bars": args.seed_bars, "take_bars": args.take_bars,
              "transposed": args.transposed, "random_seed": args.random_seed,
              **({"split": args.split} if args.split != "test" else {}), "target": TARGET,
              "repeat_distance": _distances(cases), "baselines": baseline_rows(cases, args.random_seed),
              "models": {}}
    if args.planted:
        from musicstudio.generators.saliency.planted import planted_hits
        result["planted"] = {"phrases": args.planted, "hit_rate": planted_hits(args.planted)}
    for name in [m for m in args.models.split(",") if m]:
        generator = load_model(registry, name)
        result["models"][name] = measure_model(generator, cases, args.random_seed, args.steps)
        result.setdefault("swaps", {})[name] = swap_drops(generator, cases)
        print(name, json.dumps(result["models"][name], indent=1), file=sys.stderr)
    return _write(result, args.json, args.docs)


def load_model(registry, name: str):
    """A model by name; ``NAME:cache``, the token model NAME decoded with the shipped infill model's copy cache
    over its seed (as the infill report's baseline ``lstm:cache``: what copying would do for NAME's saliency)."""
    model, _, variant = name.partition(":")
    if not variant:
        return registry.load(name, "cpu")
    if variant != "cache":
        raise SystemExit(f"{name}: the only variant is NAME:cache")
    from musicstudio.generators.evaluation.infill_report import CachedBaseline

    inner, cache = registry.load(model, "cpu"), registry.load("infill", "cpu").cache
    generator = copy.copy(inner)
    generator.name, generator.cache = name, cache
    generator.generate = CachedBaseline(inner, cache, name).generate     # takes decoded with the cache, too
    return generator


def merged(paths: list[Path]) -> dict:
    """Runs of the measure on the same cases (one model each, say) as one result; other settings refused."""
    results = [json.loads(Path(p).read_text()) for p in paths]
    out = dict(results[0], models={})
    for r in results:
        if {k: v for k, v in r.items() if k not in ("models", "planted", "swaps")} != \
                {k: v for k, v in out.items() if k not in ("models", "planted", "swaps")}:
            raise SystemExit(f"{paths[results.index(r)]}: measured on other cases or settings")
        out["models"].update(r["models"])
        out.setdefault("swaps", {}).update(r.get("swaps", {}))
        out.update({"planted": r["planted"]} if "planted" in r else {})
    return out


def _write(result: dict, json_path: Path | None, docs: Path | None) -> int:
    if json_path:
        json_path.write_text(json.dumps(result, indent=2) + "\n")
    if docs:
        write_docs(docs, result)
    return 0


def _distances(cases: list[RepeatCase]) -> dict[str, int]:
    """How far back the repeated bar is (bars before the continuation, the nearest one), case counts."""
    out: dict[str, int] = {}
    for c in cases:
        back = round(c.seed.length / bar_ticks(c.meter)) - max(c.repeated)
        out[str(back)] = out.get(str(back), 0) + 1
    return dict(sorted(out.items()))


if __name__ == "__main__":
    raise SystemExit(main())
