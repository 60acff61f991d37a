"""Filling held-out gaps (issue 18): ``python -m musicstudio.generators.evaluation.infill_report``.

On :data:`~.infill_gaps.GAPS` gaps of 1-4 bars of the test split's tunes (:mod:`.infill_gaps`: one track,
music on both sides, a fixed random seed; ``--split valid`` for tuning), every model named whose family can fill
(:class:`~musicstudio.generators.capabilities.Infiller`) is asked to fill each gap, given up to 8 bars on
either side; the left-only baseline (``lstm``) continues the same bars before it for as many bars. One take a
gap (random seed = the gap's number), in the tune's meter. ``NAME:plain`` is an infill model without its copy
cache (:mod:`musicstudio.generators.copy_cache`); ``lstm:cache`` the baseline with the shipped infill model's
cache over the bars before the gap only (what copying is worth without the right side). Reported per model:

* the cross-entropy per event of the true gap (the events codec's tokens of the gap, after the bars before
  it; for the infill model after its rearranged context too), for the models that can score it: the infill
  family (:meth:`~musicstudio.generators.infill.generator.InfillGenerator.gap_log_probs`) and token models
  that score sequences (:class:`~musicstudio.generators.capabilities.Scorer`, the baseline);
* the far seam (tonal distance and interval from the take's last bar and note to the first after the gap),
  beside the spread of consecutive bars of the held-out tunes and beside the baseline's;
* the mean Yang & Lerch overlapping area of the takes against the true gaps (:mod:`.overlap`, each phrase's
  features in its own meter), and the longest span copied verbatim from the training split
  (:mod:`.novelty`, an index per meter), with the share of takes copying at most 2 bars.
"""

from __future__ import annotations

import argparse
import copy
import json
import shlex
import sys
import time
from pathlib import Path

import numpy as np

from musicstudio.generators.evaluation.infill_gaps import (
    GAPS,
    RANDOM_SEED,
    HeldGap,
    consecutive_seams,
    draw_gaps,
    far_seam,
    held_out_tunes,
    spread,
)
from musicstudio.generators.interface import GenerationError, GenerationRequest, bar_ticks

BASELINE = "lstm"
TARGETS = {"cross_entropy_drop": 0.15, "seam_drop": 0.20, "overlap": 0.85, "copies_at_most_2": 0.95}


def request_for(gap: HeldGap, number: int, fills: bool) -> GenerationRequest:
    return GenerationRequest(seed=gap.before, bars=gap.bars, variations=1, random_seed=number, meter=gap.meter,
                             after=gap.after if fills else None)


def gap_cross_entropy(generator, gaps: list[HeldGap], can_score: bool) -> dict | None:
    """Nats per event of the true gaps' tokens, pooled over the gaps (for the infill family also with the bars
    after each gap left out, and with another gap's: how much it hears the right side); None for a model that
    cannot say."""
    from musicstudio.core.clip import Clip
    from musicstudio.generators.codecs.grid import steps_in_bar
    from musicstudio.generators.copy_cache import copy_statistics, mixed_log_probs
    from musicstudio.generators.infill.generator import InfillGenerator
    from musicstudio.generators.infill.sequences import part_tokens

    infill = isinstance(generator, InfillGenerator)
    if not (infill or can_score):
        return None
    codec, cache = generator.phrases.codec, getattr(generator, "cache", None)
    log_p: dict[str, list] = {"nats_per_event": [], "without_after": [], "with_another_gaps_after": []}
    for i, gap in enumerate(gaps):
        if infill:
            for key, after in (("nats_per_event", gap.after), ("without_after", Clip((), 0)),
                               ("with_another_gaps_after", gaps[(i + len(gaps) // 2) % len(gaps)].after)):
                log_p[key].append(generator.gap_log_probs(gap.before, after, gap.gap, gap.meter))
            continue
        before, notes = (part_tokens(codec, list(c.notes), 0, c.length) for c in (gap.before, gap.gap))
        scored = generator.score(np.concatenate([before, notes]), gap.meter)[0][len(before):]
        if cache is not None:   # the left-only model given the copy cache over the bars before (CachedBaseline)
            stats = copy_statistics([before], notes, generator.phrases.steps_of(),
                                    steps_in_bar(gap.meter, codec.steps_per_quarter), cache.aligned)
            scored = mixed_log_probs(cache, scored, stats)
        log_p["nats_per_event"].append(scored)
    out = {key: float(-np.concatenate(values).mean()) for key, values in log_p.items() if values}
    return {"events": int(sum(map(len, log_p["nats_per_event"]))), **out, "codec": codec.vocabulary()["codec"]}


def training_indexes(corpus, meters) -> dict:
    """A :class:`~.novelty.TrainingIndex` of the training split's tunes per meter."""
    from musicstudio.generators.evaluate import phrase_of
    from musicstudio.generators.evaluation.novelty import TrainingIndex

    indexes = {m: TrainingIndex(bar_ticks=bar_ticks(m)) for m in meters}
    for info in corpus.select("train"):
        if tuple(info.meter) in indexes:
            notes = phrase_of(corpus.piece(info.id).tracks, None)
            if notes:
                indexes[tuple(info.meter)].add(notes)
    return indexes


def take_figures(takes: list, gaps: list[HeldGap], indexes: dict) -> dict:
    """Seam, overlap and copy figures of one take per gap (None where the model refused the gap)."""
    from musicstudio.generators.evaluation.features import phrase_features
    from musicstudio.generators.evaluation.overlap import compare_features, mean_oa

    made = [(t, g) for t, g in zip(takes, gaps) if t is not None]
    seams = [s for t, g in made if (s := far_seam(t.notes, t.length, g)) is not None]
    generated = [phrase_features(t.notes, g.bar, t.length) for t, g in made]
    reference = [phrase_features(g.gap.notes, g.bar, g.gap.length) for _, g in made]
    copies = [indexes[g.meter].longest_copy(t.notes, t.length).bars if g.meter in indexes else 0 for t, g in made]
    exact = sum(t.length == g.bars * g.bar and all(n.end <= t.length for n in t.notes) for t, g in made)
    return {"takes": len(made), "refused": len(takes) - len(made), "exact_bars": int(exact),
            "silent_seams": len(made) - len(seams),
            "seam_tonal": spread([s[0] for s in seams]), "seam_interval": spread([s[1] for s in seams]),
            "overlap": mean_oa(compare_features(generated, reference)),
            "copies_at_most_2": float(np.mean([c <= 2 for c in copies])) if copies else float("nan"),
            "longest_copy": int(max(copies, default=0))}


def fill_takes(generator, gaps: list[HeldGap], fills: bool) -> list:
    takes = []
    for i, gap in enumerate(gaps):
        try:
            takes.append(generator.generate(request_for(gap, i, fills))[0])
        except GenerationError:
            takes.append(None)
    return takes


def run(corpus, models: list[str], baseline: str = BASELINE, count: int = GAPS, seed: int = RANDOM_SEED,
        log=print, split: str = "test") -> dict:
    from musicstudio.generators.backends import backend_named
    from musicstudio.generators.capabilities import Infiller, Scorer
    from musicstudio.generators.registry import ModelRegistry

    tunes = held_out_tunes(corpus, split)
    gaps = draw_gaps(tunes, count, seed)
    log(f"{len(gaps)} held-out gaps from {len(tunes)} {split} tunes")
    indexes = training_indexes(corpus, {g.meter for g in gaps})
    held = consecutive_seams(tunes)
    figures: dict = {"gaps": len(gaps), "split": split, "random_seed": seed, "baseline": baseline, "targets": TARGETS,
                     "gap_bars": {str(b): sum(g.bars == b for g in gaps) for b in range(1, 5)},
                     "meters": {f"{m[0]}/{m[1]}": sum(g.meter == m for g in gaps)
                                for m in sorted({g.meter for g in gaps})},
                     "held_out_bar_lines": {"seam_tonal": spread(held[:, 0]), "seam_interval": spread(held[:, 1])},
                     "true_gaps": take_figures([_Truth(g) for g in gaps], gaps, indexes), "models": {}}
    registry = ModelRegistry()
    for name in [baseline, *[m for m in models if m != baseline]]:
        generator = load_variant(registry, name, baseline)
        family = backend_named(generator.backend)
        fills = family.can(Infiller)
        if name != baseline and not fills and not isinstance(generator, CachedBaseline):
            log(f"{name}: its backend cannot fill (no Infiller): left out")
            figures["models"][name] = {"left_out": "its backend cannot fill"}
            continue
        started = time.monotonic()
        takes = fill_takes(generator, gaps, fills)
        entry = {"backend": generator.backend, "fills": fills, **take_figures(takes, gaps, indexes),
                 "cross_entropy": gap_cross_entropy(generator, gaps, family.can(Scorer))}
        entry["seconds"] = round(time.monotonic() - started, 1)
        figures["models"][name] = entry
        log(f"{name}: {entry['takes']} takes, overlap {entry['overlap']:.3f}, seam interval "
            f"{entry['seam_interval'].get('mean', float('nan')):.2f} ({entry['seconds']:.0f} s)")
    _compare(figures)
    return figures


class CachedBaseline:
    """The left-only baseline given the infill model's copy cache over the bars before the gap (and its take so
    far): what copying alone is worth, without the bars after the gap."""

    def __init__(self, generator, cache, name: str):
        self.inner, self.cache, self.name = generator, cache, name
        self.backend, self.phrases = generator.backend, generator.phrases

    def score(self, tokens: np.ndarray, meter: tuple[int, int]):
        return self.inner.score(tokens, meter)

    def generate(self, request: GenerationRequest) -> list:
        from musicstudio.generators.blas_threads import one_blas_thread
        from musicstudio.generators.continuation import continue_phrase
        from musicstudio.generators.copy_cache import with_cache
        from musicstudio.generators.lstm.stepper import one_torch_thread

        model = with_cache(self.inner, self.cache, self.phrases)
        with one_blas_thread(), one_torch_thread():
            return continue_phrase(model, self.phrases, request, self.backend, self.name)


def load_variant(registry, name: str, baseline: str):
    """A model by name; ``NAME:plain``, the infill model NAME without its copy cache; ``NAME:drawsK``, keeping
    the best of K draws per take (:mod:`~musicstudio.generators.infill.draws`); ``BASELINE:cache``, the
    baseline with the shipped ``infill`` model's copy cache over the bars before the gap."""
    from musicstudio.generators.infill.generator import InfillGenerator

    model, _, variant = name.partition(":")
    generator = registry.load(model, "cpu")
    if variant == "plain" and isinstance(generator, InfillGenerator):
        generator = copy.copy(generator)     # the registry's instance keeps its cache
        generator.cache = None
    elif variant.startswith("draws") and variant[5:].isdigit() and isinstance(generator, InfillGenerator):
        generator = copy.copy(generator)     # the infill model NAME keeping the best of K draws (tuning)
        generator.draws = int(variant[5:])
    elif variant == "cache" and model == baseline:
        cache = registry.load("infill", "cpu").cache
        if cache is None:
            raise SystemExit("the infill model has no copy cache (config.json's decoding section) to give the baseline")
        generator = CachedBaseline(generator, cache, name)
    elif variant:
        raise SystemExit(f"{name}: ':plain' and ':drawsK' are for an infill model, ':cache' for the baseline "
                         f"({baseline})")
    return generator


class _Truth:
    """The true gap as a take, for the figures of the music itself."""

    def __init__(self, gap: HeldGap):
        self.notes, self.length = gap.gap.notes, gap.gap.length


def _drop(value, base) -> float | None:
    return None if value is None or base in (None, 0) else 1 - value / base


def _compare(figures: dict) -> None:
    """Each filling model's figures against the baseline's and the targets."""
    base = figures["models"].get(figures["baseline"], {})
    held = figures["held_out_bar_lines"]
    for name, entry in figures["models"].items():
        if name == figures["baseline"] or "left_out" in entry:
            continue
        ce, base_ce = entry.get("cross_entropy"), base.get("cross_entropy")
        drop = _drop(ce and ce["nats_per_event"], base_ce and base_ce["nats_per_event"])
        verdict = {"cross_entropy_drop": drop}
        for key in ("seam_tonal", "seam_interval"):
            mean, spread_ = entry[key].get("mean"), held[key]
            verdict[f"{key}_drop"] = _drop(mean, base.get(key, {}).get("mean"))
            verdict[f"{key}_within_spread"] = mean is not None and abs(mean - spread_["mean"]) <= spread_["std"]
        t = figures["targets"]
        verdict["meets"] = {
            "cross_entropy": drop is not None and drop >= t["cross_entropy_drop"],
            "seam": all(verdict[f"{k}_within_spread"] and (verdict[f"{k}_drop"] or 0) >= t["seam_drop"]
                        for k in ("seam_tonal", "seam_interval")),
            "overlap": entry["overlap"] >= t["overlap"], "copies": entry["copies_at_most_2"] >= t["copies_at_most_2"]}
        entry["against_baseline"] = verdict


def _num(value, digits: int = 3) -> str:
    return "-" if value is None or (isinstance(value, float) and np.isnan(value)) else f"{value:.{digits}f}"


def _pct(value) -> str:
    return "-" if value is None else f"{100 * value:+.0f}%"


def _row(name: str, entry: dict, base: dict | None) -> str:
    ce = entry.get("cross_entropy")
    verdict = entry.get("against_baseline", {})
    cells = [name, _num(ce and ce["nats_per_event"]) + (f" ({_pct(-verdict['cross_entropy_drop'])})"
                                                         if verdict.get("cross_entropy_drop") is not None else ""),
             _num(entry["seam_tonal"].get("mean")) + (f" ({_pct(-verdict['seam_tonal_drop'])})"
                                                      if verdict.get("seam_tonal_drop") is not None else ""),
             _num(entry["seam_interval"].get("mean"), 2) + (f" ({_pct(-verdict['seam_interval_drop'])})"
                                                            if verdict.get("seam_interval_drop") is not None else ""),
             _num(entry["overlap"]), _num(entry["copies_at_most_2"]), f"{entry['exact_bars']}/{entry['takes']}",
             str(entry["refused"])]
    return "| " + " | ".join(cells) + " |"


def _ablation(models: dict) -> list[str]:
    """What the bars after the gap are worth to the models that can score a gap without them."""
    out = []
    for name, entry in models.items():
        ce = entry.get("cross_entropy") or {}
        if "without_after" in ce:
            out += ["", f"`{name}` scored without the bars after each gap: {ce['without_after']:.3f} nats/event, and "
                        f"with another gap's bars after it: {ce['with_another_gaps_after']:.3f} (with its own: "
                        f"{ce['nats_per_event']:.3f})."]
    return out


def _truth_line(truth: dict, base: dict | None, name: str) -> list[str]:
    """How the true gaps' own far seam compares with the baseline's takes (what a 20% target asks)."""
    if not base:
        return []
    drops = [_drop(truth[k].get("mean"), base[k].get("mean")) for k in ("seam_tonal", "seam_interval")]
    if None in drops:
        return []
    return ["", f"The true gaps themselves join the bars after them with a tonal distance {_pct(-drops[0])} and an "
                f"interval {_pct(-drops[1])} against the `{name}`'s takes: where that is under 20%, a target of 20% "
                "lower asks more than the music does."]


def _label(name: str) -> str:
    model, _, variant = name.partition(":")
    if variant.startswith("draws"):
        return f"{model}, one draw a take" if variant == "draws1" else f"{model}, the best of {variant[5:]} draws"
    return {"plain": f"{model} without its copy cache", "cache": f"{model} + the copy cache (bars before only)"}.get(
        variant, name)


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _verdict_line(name: str, entry: dict, verdict: dict, t: dict) -> str:
    met, ce = verdict["meets"], verdict["cross_entropy_drop"]
    within = verdict["seam_tonal_within_spread"] and verdict["seam_interval_within_spread"]
    return (f"- `{name}`: cross-entropy {_pct(-ce) if ce is not None else 'not scored'} (target at least "
            f"{t['cross_entropy_drop']:.0%} lower: {_met(met['cross_entropy'])}); far seam tonal distance "
            f"{_pct(-verdict['seam_tonal_drop'])}, interval {_pct(-verdict['seam_interval_drop'])}, within the spread: "
            f"{'yes' if within else 'no'} (target within it and at least {t['seam_drop']:.0%} lower: "
            f"{_met(met['seam'])}); overlap {_num(entry['overlap'])} (at least {t['overlap']}: "
            f"{_met(met['overlap'])}); at most 2 bars copied in {entry['copies_at_most_2']:.1%} of takes (at least "
            f"{t['copies_at_most_2']:.0%}: {_met(met['copies'])}).")


def markdown(figures: dict, command: str) -> str:
    held, models = figures["held_out_bar_lines"], figures["models"]
    base = models.get(figures["baseline"])
    lines = ["# Filling bars: the infill model against the left-only lstm", "",
             f"Generated by `{command}`. {figures['gaps']} held-out gaps ({figures.get('split', 'test')} split of the "
             "licence-clean corpus: "
             f"one track, music on both sides; random seed {figures['random_seed']}) of 1-4 bars "
             f"({', '.join(f'{b} bar(s): {n}' for b, n in figures['gap_bars'].items())}); meters "
             f"{', '.join(f'{m}: {n}' for m, n in figures['meters'].items())}. Each filling model gets up to 8 bars "
             f"on either side of the gap, the left-only `{figures['baseline']}` the same bars before it; one take a "
             "gap. In brackets: the change against the baseline (negative is lower).", "",
             "| model | cross-entropy of the true gap (nats/event) | far seam: tonal distance (mean) | far seam: "
             "interval (semitones, mean) | Yang & Lerch overlap | takes copying <= 2 bars | exactly the gap's bars | "
             "refused |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [_row(_label(name), entry, base) for name, entry in models.items() if "left_out" not in entry]
    lines.append(_row("the true gaps", figures["true_gaps"], None))
    lines += ["", f"Consecutive bars of the held-out tunes ({held['seam_tonal']['n']:,} bar lines): tonal distance "
              f"mean {_num(held['seam_tonal']['mean'])} (sd {_num(held['seam_tonal']['std'])}, quartiles "
              f"{_num(held['seam_tonal']['q25'])}-{_num(held['seam_tonal']['q75'])}); interval mean "
              f"{_num(held['seam_interval']['mean'], 2)} semitones (sd {_num(held['seam_interval']['std'], 2)}, "
              f"quartiles {_num(held['seam_interval']['q25'], 0)}-{_num(held['seam_interval']['q75'], 0)}). "
              "A mean within one standard deviation of these is *within the spread*."]
    lines += _truth_line(figures["true_gaps"], models.get(figures["baseline"]), figures["baseline"])
    lines += _ablation(models)
    lines += ["", "## Targets (issue 18)", ""]
    for name, entry in models.items():
        if "left_out" in entry:
            lines.append(f"- `{name}`: left out ({entry['left_out']}).")
            continue
        verdict = entry.get("against_baseline")
        if verdict is None:
            continue
        lines.append(_verdict_line(name, entry, verdict, figures["targets"]))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m musicstudio.generators.evaluation.infill_report",
                                     description="Fill held-out gaps with each filling model and the left-only lstm.")
    parser.add_argument("--corpus", default="cache/corpus-clean", help="corpus cache (default cache/corpus-clean)")
    parser.add_argument("--models", default="infill", help="models to measure, by name, separated by commas")
    parser.add_argument("--baseline", default=BASELINE, help=f"the left-only model (default {BASELINE})")
    parser.add_argument("--gaps", type=int, default=GAPS, help=f"held-out gaps (default {GAPS})")
    parser.add_argument("--seed", type=int, default=RANDOM_SEED, help=f"random seed (default {RANDOM_SEED})")
    parser.add_argument("--split", default="test", choices=("test", "valid"),
                        help="the corpus split the gaps come from (default test; valid for tuning)")
    parser.add_argument("--json", metavar="FILE", help="write the figures as JSON")
    parser.add_argument("--docs", metavar="FILE", help="write the report as Markdown (docs/infill.md)")
    args = parser.parse_args(argv)
    from musicstudio.generators.corpus import load_corpus

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    figures = run(load_corpus(Path(args.corpus)), [m.strip() for m in args.models.split(",") if m.strip()],
                  args.baseline, args.gaps, args.seed, log, args.split)
    command = "python -m musicstudio.generators.evaluation.infill_report " + shlex.join(argv or sys.argv[1:])
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1, default=float) + "\n", encoding="utf-8")
    if args.docs:
        Path(args.docs).write_text(markdown(figures, command), encoding="utf-8")
    print(markdown(figures, command))
    return 0


if __name__ == "__main__":
    sys.exit(main())
