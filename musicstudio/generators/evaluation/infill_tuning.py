"""Choosing the infill model's copy cache (:mod:`musicstudio.generators.copy_cache`) on the VALIDATION split:
``python -m musicstudio.generators.evaluation.infill_tuning``.

On held-out gaps of the valid split (drawn as the report draws the test split's, :mod:`.infill_gaps`), the
network's log-probability of each true gap token is computed once (the infill model from its rearranged context;
the left-only ``lstm`` after the bars before), and so are the copy statistics of each token (the longest match
and the copy distribution's probability of the token) over the infill model's context (the bars after and before
the gap) and over the lstm's (the bars before), aligned to the bar's steps or not. Every setting of the grid is
then a few array operations: the cross-entropy per event of the mixture. Printed: the settings best for the
infill model, each beside the same cache given to the lstm with the bars before only. The test split is not read.

With ``--model none`` the infill model is left out and the settings are ranked for the ``--baseline`` model
alone (any left-only token model with ``score``: another lstm-family model, an ensemble), on the valid split of
``--corpus`` (the corpus that model was trained on), its gaps' notes on that model's grid.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

import numpy as np

from musicstudio.generators.copy_cache import CopyCache, CopyStatistics, copy_statistics, mixed_log_probs
from musicstudio.generators.evaluation.infill_gaps import RANDOM_SEED, draw_gaps, held_out_tunes

GRID = {"min_match": [1, 2, 3, 4, 6, 8, 12], "weight": [0.05, 0.1, 0.2, 0.3, 0.5, 0.7],
        "per_token": [0.0, 0.02, 0.05, 0.1], "max_weight": [0.5, 0.7, 0.9, 0.95, 0.98], "aligned": [False, True]}


def statistics(infill, lstm, gaps) -> dict:
    """Per model: the true tokens' log-probabilities and, aligned or not, their copy statistics (pooled)."""
    from musicstudio.generators.codecs.grid import steps_in_bar
    from musicstudio.generators.infill.sequences import part_tokens

    codec, steps_of = lstm.phrases.codec, lstm.phrases.steps_of()
    cache = infill.cache if infill is not None else None
    if infill is not None:
        infill.cache = None
    out = {m: {"log_p": [], True: [], False: []} for m in ("infill", "lstm")[infill is None:]}
    try:
        for gap in gaps:
            before, notes = (part_tokens(codec, list(c.notes), 0, c.length) for c in (gap.before, gap.gap))
            contexts = {"lstm": [before]}
            if infill is not None:
                contexts["infill"] = [infill.after_tokens(gap.after, gap.bar, 0), before]
                out["infill"]["log_p"].append(infill.gap_log_probs(gap.before, gap.after, gap.gap, gap.meter))
            out["lstm"]["log_p"].append(lstm.score(np.concatenate([before, notes]), gap.meter)[0][len(before):])
            bar = steps_in_bar(gap.meter, codec.steps_per_quarter)
            for model, parts in contexts.items():
                for aligned in (True, False):
                    out[model][aligned].append(copy_statistics(parts, notes, steps_of, bar, aligned))
    finally:
        if infill is not None:
            infill.cache = cache
    return {m: {"log_p": np.concatenate(v["log_p"]), **{a: _pooled(v[a]) for a in (True, False)}}
            for m, v in out.items()}


def _pooled(stats: list[CopyStatistics]) -> CopyStatistics:
    return CopyStatistics(*(np.concatenate([getattr(s, f) for s in stats]) for f in ("lengths", "p_copy")))


def settings():
    for values in itertools.product(*GRID.values()):
        options = dict(zip(GRID, values))
        if options["max_weight"] >= options["weight"]:
            yield CopyCache(**options)


def cross_entropy(stats: dict, cache: CopyCache | None) -> float:
    if cache is None:
        return float(-stats["log_p"].mean())
    return float(-mixed_log_probs(cache, stats["log_p"], stats[cache.aligned]).mean())


def tune(stats: dict) -> list[dict]:
    """Every setting with its cross-entropies, best for the infill model first (without one: for the lstm)."""
    rows = [{"cache": c.to_config()["copy"], **{m: cross_entropy(stats[m], c) for m in stats}} for c in settings()]
    first = "infill" if "infill" in stats else "lstm"
    return sorted(rows, key=lambda r: r[first])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m musicstudio.generators.evaluation.infill_tuning",
                                     description="Choose the infill model's copy cache on the valid split.")
    parser.add_argument("--corpus", default="cache/corpus-clean")
    parser.add_argument("--model", default="infill", help="the infill model; none: rank for --baseline alone")
    parser.add_argument("--baseline", default="lstm", help="the left-only model given the bars before")
    parser.add_argument("--gaps", type=int, default=500)
    parser.add_argument("--seed", type=int, default=RANDOM_SEED)
    parser.add_argument("--json", metavar="FILE", help="write every setting's figures as JSON")
    args = parser.parse_args(argv)
    from musicstudio.generators.corpus import load_corpus
    from musicstudio.generators.registry import ModelRegistry

    registry = ModelRegistry()
    infill = None if args.model == "none" else registry.load(args.model, "cpu")
    baseline = registry.load(args.baseline, "cpu")
    tunes = held_out_tunes(load_corpus(Path(args.corpus)), "valid", baseline.phrases.codec.step_ticks)
    gaps = draw_gaps(tunes, args.gaps, args.seed)
    stats = statistics(infill, baseline, gaps)
    plain = {m: cross_entropy(stats[m], None) for m in stats}
    rows = tune(stats)
    alone = args.baseline if infill is None else None
    events = len(stats["lstm"]["log_p"])
    if alone:
        print(f"{len(gaps)} valid gaps of {args.corpus}, {events} events; {alone} without a cache: "
              f"{plain['lstm']:.4f} nats/event")
    else:
        print(f"{len(gaps)} valid gaps, {events} events; without a cache: infill {plain['infill']:.4f}, lstm "
              f"{plain['lstm']:.4f} nats/event")
    for r in rows[:15]:
        print(f"{json.dumps(r['cache'])}: {_figures(r, plain, alone)}")
    if args.json:
        named = {"model": alone, "corpus": args.corpus} if alone else {}
        Path(args.json).write_text(json.dumps({**named, "gaps": len(gaps), "plain": plain, "settings": rows},
                                              indent=1) + "\n", encoding="utf-8")
    return 0


def _figures(row: dict, plain: dict, alone: str | None) -> str:
    """A setting's line: the infill model's figure and the lstm's, or (``--model none``) the baseline's alone."""
    lstm = f"with the bars before {row['lstm']:.4f} ({row['lstm'] / plain['lstm'] - 1:+.1%})"
    if alone:
        return f"{alone} {lstm}"
    return f"infill {row['infill']:.4f} ({row['infill'] / plain['lstm'] - 1:+.1%} against lstm), lstm {lstm}"


if __name__ == "__main__":
    sys.exit(main())
