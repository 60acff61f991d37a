"""Triplets in the takes (issue 17, item 2): ``python -m musicstudio.generators.evaluation.triplet_report``.

An onset is a *triplet onset* when it lies on the grid of 12 steps a quarter (40 ticks) but not on the 16th
grid (:func:`~musicstudio.generators.codecs.grid.is_triplet_onset`): the 2nd and 3rd notes of an 8th-note
triplet, the 2nd, 3rd, 5th and 6th of a 16th-note sextuplet.

The held-out pieces: the test split of a corpus built on that grid (``musicstudio corpus build --grid 12``)
whose pieces keep one meter throughout, have at least 8 bars, and put at least 10% of their onsets on
triplets. Their first 4 bars (the piece's own notes, not moved to 16ths: each model puts the seed on its
own grid) seed 4 takes of 4 bars in the piece's meter, kept to the seed's register as the app does. Per
model: the share of the takes' onsets that are triplet onsets, against that share in the pieces' true bars
5-8 (every onset of every piece pooled); the target is a difference of at most 50% of the true share. A model
on the 16th grid cannot write a triplet, so it scores 0. The row :data:`AUTO` is what the musician gets from
the lstm family by default: each seed goes through :func:`~musicstudio.generators.model_choice.for_seed` (a
triplet seed to ``lstm-triplets``), and the report counts how many of the meter report's held-out pieces
would switch, per meter.

Markdown with ``--docs`` (docs/triplets.md), the figures as JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from musicstudio.core.clip import Clip
from musicstudio.core.note import note_order
from musicstudio.generators.codecs.grid import is_triplet_onset
from musicstudio.generators.corpus_piece import METER_CHANGE, NO_METER
from musicstudio.generators.evaluation.meter_report import SEED_BARS, TAKE_BARS, VARIATIONS, bars_of
from musicstudio.generators.interface import GenerationRequest, bar_ticks, meter_name

AUTO = "lstm (default: auto-picked)"   # what `generate --backend lstm` and the panel's first choice give
DEFAULT = "lstm"
MODELS = ("lstm-triplets", "lstm", AUTO, "lstm-nc", "lstm-ensemble", "markov-events", "markov-melody", "lstm-notes")
LEAST_SHARE = 0.10     # a held-out piece has at least this share of triplet onsets
TARGET = 0.5           # the takes' share within this relative difference of the true continuations'


def triplet_count(notes) -> tuple[int, int]:
    """(triplet onsets, onsets) of ``notes``."""
    starts = [n.start for n in notes]
    return sum(is_triplet_onset(s) for s in starts), len(starts)


def _share(counts: tuple[int, int]) -> float:
    return counts[0] / counts[1] if counts[1] else 0.0


def _written(corpus, pid: str) -> tuple:
    """Every pitched note of a piece as stored (on the corpus's grid, not moved to 16ths)."""
    return tuple(sorted((n for t in corpus.piece(pid).tracks if not t.is_drum for n in t.notes), key=note_order))


def triplet_pieces(corpus, split: str = "test", least: float = LEAST_SHARE) -> list[tuple[str, tuple, tuple]]:
    """(id, meter, every pitched note as stored) of the ``split`` pieces that keep one meter, are long enough
    for a seed and a continuation, and put at least ``least`` of their onsets on triplets."""
    out = []
    for info in corpus.select(split):
        if METER_CHANGE in info.flags or NO_METER in info.flags or info.bars < SEED_BARS + TAKE_BARS:
            continue
        notes = _written(corpus, info.id)
        if notes and _share(triplet_count(notes)) >= least:
            out.append((info.id, tuple(info.meter), notes))
    return out


def picked_for(registry, notes, meter: tuple[int, int]) -> str:
    """The model :data:`DEFAULT`'s family gives a seed of the piece's first bars when the musician leaves the
    model to it (:func:`~musicstudio.generators.model_choice.for_seed`)."""
    from musicstudio.generators.model_choice import for_seed

    infos = registry.models()
    asked = next(i for i in infos if i.name == DEFAULT)
    return for_seed(asked, bars_of(notes, 0, SEED_BARS, bar_ticks(meter)), infos, named=False).name


def flips(corpus, registry) -> dict:
    """Per meter of the meter report, how many of its held-out pieces (chosen as it chooses them, their notes
    as written) would go from :data:`DEFAULT` to another model: (pieces switched, pieces, seeds without a
    triplet onset switched, seeds without a triplet onset)."""
    from musicstudio.generators.evaluation.meter_report import METERS, held_out

    out = {}
    for meter in METERS:
        written = [_written(corpus, pid) for pid, _ in held_out(corpus, meter)]
        picked = [picked_for(registry, notes, meter) != DEFAULT for notes in written]
        straight = [triplet_count(bars_of(notes, 0, SEED_BARS, bar_ticks(meter)))[0] == 0 for notes in written]
        out[meter_name(meter)] = (sum(picked), len(picked), sum(p and s for p, s in zip(picked, straight)),
                                  sum(straight))
    return out


def continue_piece(generator, notes, meter: tuple[int, int], random_seed: int) -> list:
    """The takes' notes after the piece's first bars, and how many takes are exactly the bars asked for."""
    from musicstudio.generators.seed_plan import seed_register

    bar = bar_ticks(meter)
    seed = Clip(bars_of(notes, 0, SEED_BARS, bar), SEED_BARS * bar)
    request = GenerationRequest(seed=seed, bars=TAKE_BARS, variations=VARIATIONS, random_seed=random_seed,
                                meter=meter, pitch_range=seed_register(seed) or (0, 127))
    return [(t.notes, t.length == TAKE_BARS * bar and all(n.end <= t.length for n in t.notes))
            for t in generator.generate(request)]


def _pooled(rows: list[tuple[int, int]]) -> tuple[int, int]:
    return sum(r[0] for r in rows), sum(r[1] for r in rows)


def score(takes: tuple[int, int], truth: tuple[int, int]) -> dict:
    """The takes' triplet share against the truth's: the relative difference and whether it meets the target."""
    share, true_share = _share(takes), _share(truth)
    relative = abs(share - true_share) / true_share if true_share else float("inf")
    return {"triplet_onsets": takes[0], "onsets": takes[1], "share": share, "relative_difference": relative,
            "meets_target": relative <= TARGET}


def run(corpus, models: list[str], log=print) -> dict:
    from musicstudio.generators.registry import ModelRegistry

    registry = ModelRegistry()
    pieces = triplet_pieces(corpus)
    truth = [triplet_count(bars_of(notes, SEED_BARS, TAKE_BARS, bar_ticks(meter))) for _, meter, notes in pieces]
    seeds = [triplet_count(bars_of(notes, 0, SEED_BARS, bar_ticks(meter))) for _, meter, notes in pieces]
    figures: dict = {"pieces": [{"id": pid, "meter": meter_name(meter), "seed_share": _share(s),
                                 "true_share": _share(t), "models": {}}
                                for (pid, meter, _), s, t in zip(pieces, seeds, truth)],
                     "true": {"triplet_onsets": _pooled(truth)[0], "onsets": _pooled(truth)[1],
                              "share": _share(_pooled(truth))},
                     "seed": {"share": _share(_pooled(seeds))}, "models": {},
                     "seed_bars": SEED_BARS, "take_bars": TAKE_BARS, "variations": VARIATIONS,
                     "least_share": LEAST_SHARE, "target": TARGET}
    loaded: dict = {}

    def generator_of(name: str):
        if name not in loaded:
            loaded[name] = registry.load(name, "cpu")
        return loaded[name]

    for name in models:
        started, counts, exact, takes, switched = time.monotonic(), [], 0, 0, 0
        for i, ((_, meter, notes), row) in enumerate(zip(pieces, figures["pieces"])):
            generator = generator_of(picked_for(registry, notes, meter) if name == AUTO else name)
            switched += generator.name != DEFAULT
            result = continue_piece(generator, notes, meter, random_seed=i)
            piece_counts = _pooled([triplet_count(take) for take, _ in result])
            row["models"][name] = _share(piece_counts)
            counts.append(piece_counts)
            exact += sum(ok for _, ok in result)
            takes += len(result)
        entry = {**score(_pooled(counts), _pooled(truth)), "takes": takes, "exact_bars": exact,
                 "backend": generator.backend, "seconds": round(time.monotonic() - started, 1)}
        if name == AUTO:
            entry["switched"] = switched
        figures["models"][name] = entry
        log(f"{name}: triplet share {entry['share']:.3f} (true {figures['true']['share']:.3f}, relative difference "
            f"{entry['relative_difference']:.2f}), {exact}/{takes} takes of exactly {TAKE_BARS} bars")
    if AUTO in models:
        figures["flips"] = flips(corpus, registry)
    return figures


INTRODUCTION = """# Triplets: do the takes keep the seed's triplets?

Made by `{command}` ({seconds:.0f} s on this CPU, shared with other work). How: the docstring of
`musicstudio/generators/evaluation/triplet_report.py`.

The corpus: `musicstudio corpus build --collections {collections} --grid 12 --cache {corpus}` (12 steps a
quarter; the split is by piece id and the same as the 16th-grid corpus's, so no model here trained on these
pieces).

{pieces} held-out test pieces with at least {least:.0%} triplet onsets (on the 12-a-quarter grid, not on the
16th grid); their first {seed_bars} bars seed {variations} takes of {take_bars} bars in the piece's meter. The
true bars 5-8 put **{share:.1%}** of their {onsets:,} onsets on triplets (the seeds' bars 1-4: {seed_share:.1%}).
Target: the takes' share within {target:.0%} (relative) of the true share, i.e. {low:.1%} to {high:.1%}.
"""


AUTO_NOTE = """`{auto}` is what `musicstudio generate --backend {default}` (no `--model`) and the Generate
panel's first choice write: a seed with triplets (at least 7% of its onsets, `musicstudio/generators/model_choice.py`
says how the threshold was chosen) goes to the family's triplet model, said in one line. {switched} of these
{pieces} seeds went to `lstm-triplets`; the others, whose first bars hold no triplet figure, stayed with `{default}`.
Straight pieces keep `{default}`: of the meter report's held-out test pieces (chosen as it chooses them, with
their notes as written on this 12-a-quarter grid), {total} of {held} would go to `lstm-triplets` ({flips}), each a
seed with triplets in its first bars; of the {straight} seeds without a triplet onset, {straight_switched}. (On the
16th-grid corpus that the meter report reads, none can: no onset there is off the 16th grid; `lstm-triplets` meets
the meter target in every meter too, docs/meters.md.)"""


def markdown(figures: dict, command: str) -> str:
    """docs/triplets.md from the figures."""
    models = list(figures["models"])
    true, target = figures["true"], figures["target"]
    intro = INTRODUCTION.format(
        command=command, seconds=figures.get("seconds", 0), collections=",".join(figures.get("collections", [])),
        corpus=figures.get("corpus", "?"), pieces=len(figures["pieces"]), least=figures["least_share"],
        seed_bars=figures["seed_bars"], variations=figures["variations"], take_bars=figures["take_bars"],
        share=true["share"], onsets=true["onsets"], seed_share=figures["seed"]["share"], target=target,
        low=true["share"] * (1 - target), high=true["share"] * (1 + target))
    lines = [intro,
             "| model | backend | takes (exactly 4 bars) | onsets | triplet onsets | share | relative difference | "
             "meets the target |", "|---|---|---:|---:|---:|---:|---:|---|"]
    for name in models:
        m = figures["models"][name]
        lines.append(f"| `{name}` | {m['backend']} | {m['takes']} ({m['exact_bars']}) | {m['onsets']:,} | "
                     f"{m['triplet_onsets']:,} | {m['share']:.1%} | {m['relative_difference']:.2f} | "
                     f"{'**yes**' if m['meets_target'] else 'no'} |")
    if "flips" in figures and AUTO in figures["models"]:
        total, held, straight_switched, straight = (sum(column) for column in zip(*figures["flips"].values()))
        lines += ["", "## What the musician gets by default", "", AUTO_NOTE.format(
            auto=AUTO, default=DEFAULT, switched=figures["models"][AUTO].get("switched", 0),
            pieces=len(figures["pieces"]), total=total,
            flips=", ".join(f"{m} {f[0]} of {f[1]}" for m, f in figures["flips"].items()),
            held=held, straight_switched=straight_switched, straight=straight)]
    lines += ["", "## Per piece", "", "Triplet-onset share of the seed (bars 1-4), the true continuation (bars 5-8) "
              "and each model's 4 takes together.", "",
              "| piece | meter | seed | true | " + " | ".join(f"`{m}`" for m in models) + " |",
              "|---|---|---:|---:|" + "---:|" * len(models)]
    for row in figures["pieces"]:
        lines.append(f"| {row['id']} | {row['meter']} | {row['seed_share']:.0%} | {row['true_share']:.0%} | " +
                     " | ".join(f"{row['models'][m]:.0%}" for m in models) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m musicstudio.generators.evaluation.triplet_report",
                                description="The triplet-onset share of the token models' takes after triplet seeds.")
    p.add_argument("--corpus", default="cache/corpus-clean-12", metavar="DIR",
                   help="a corpus built with --grid 12 (default cache/corpus-clean-12)")
    p.add_argument("--models", default=",".join(MODELS), help="model names or folders, comma-separated")
    p.add_argument("--docs", metavar="FILE", help="write the Markdown report here (docs/triplets.md)")
    p.add_argument("--json", metavar="FILE", help="write the figures here")
    args = p.parse_args(argv)
    import torch

    from musicstudio.generators.corpus import load_corpus

    torch.set_num_threads(1)   # one request at a time on a shared CPU
    corpus = load_corpus(args.corpus)
    if corpus.manifest.step_ticks != 40:
        print(f"triplet_report: {args.corpus} is on a grid of {corpus.manifest.step_ticks} ticks, not 40: build "
              "it with musicstudio corpus build --grid 12", file=sys.stderr)
        return 3
    started = time.monotonic()
    figures = {**run(corpus, [m for m in args.models.split(",") if m],
                     log=lambda line: print(line, file=sys.stderr, flush=True)),
               "seconds": round(time.monotonic() - started, 1), "corpus": args.corpus,
               "collections": list(corpus.manifest.build.get("collections") or [])}
    words = ["python", "-m", __spec__.name if __spec__ else __name__, *(sys.argv[1:] if argv is None else argv)]
    text = markdown(figures, " ".join(words))
    outputs = {args.json: json.dumps(figures, indent=1) + "\n", args.docs: text}
    for path, content in outputs.items():
        if path:
            Path(path).write_text(content, "utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
