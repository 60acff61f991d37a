"""Does a swung seed get swung takes? ``python -m musicstudio.generators.evaluation.swing_report`` (issue 17,
item 2; docs/swing.md).

The corpus is written straight, so swung seeds are made from it: held-out pieces (test and valid splits) in
simple meters (2/4, 3/4, 4/4, 2/2), one meter throughout, whose first 4 bars read as straight 8ths with enough
onset pairs to measure (:func:`~musicstudio.core.feel.measure_swing`), have those 4 bars swung to 58%, 62% and 66% (and
left at 50% as a control). Each model continues each seed for 4 bars in 4 variations twice: with ``--swing
auto`` (the pipeline of :mod:`musicstudio.generators.fitting`: the seed straightened for the model, the takes
given the seed's swing back) and with ``--swing off`` (the swung seed given to the model as it is, as before
the pipeline). Each take's swing is measured as the seed's was; reported per swing and setting: the seeds
read, the takes with a confident reading, their median ratio, and the share of takes within 3 points of
their seed's measured ratio (the target: every take, with auto).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from statistics import median

from musicstudio.core.clip import Clip
from musicstudio.core.feel import AUTO, EIGHTH, OFF, Swing, measure_swing
from musicstudio.generators.evaluation.meter_report import SEED_BARS, TAKE_BARS, VARIATIONS, bars_of, held_out
from musicstudio.generators.fitting import fit_request
from musicstudio.generators.interface import GenerationRequest, bar_ticks, meter_name

METERS = ((2, 4), (3, 4), (4, 4), (2, 2))
RATIOS = (0.5, 0.58, 0.62, 0.66)
SETTINGS = (AUTO, OFF)
TOLERANCE = 0.03      # the target: takes within 3 points of the seed's ratio
PIECES = 40           # held-out pieces a meter looked at (those whose seed reads as straight 8ths are used)


def straight_seeds(corpus, meters=METERS, limit: int = PIECES,
                   splits=("test", "valid")) -> list[tuple[str, tuple[int, int], tuple]]:
    """(id, meter, the first bars' notes) of held-out pieces whose seed reads confidently as straight 8ths
    (not the hornpipes and strathspeys written in dotted 8ths and 16ths: they read at 75%); of the test and
    the valid split, which no model trains on."""
    seeds = []
    for meter in meters:
        for piece, notes in (p for split in splits for p in held_out(corpus, meter, limit, split)):
            seed = bars_of(notes, 0, SEED_BARS, bar_ticks(meter))
            reading = measure_swing(seed)
            if reading is not None and reading.confident and reading.unit == EIGHTH and reading.ratio == 0.5:
                seeds.append((piece, meter, seed))
    return seeds


def continue_swung(generator, family, seeds, ratio: float, setting: str) -> dict:
    """Each seed swung to ``ratio`` and continued with the feel ``setting``: how the takes' swing reads."""
    from musicstudio.generators.seed_plan import seed_register

    seed_ratios, take_ratios, near, unread, takes = [], [], 0, 0, 0
    for i, (_, meter, notes) in enumerate(seeds):
        swung = Clip(tuple(Swing.of_ratio(ratio).swung(notes)), SEED_BARS * bar_ticks(meter))
        read = measure_swing(swung.notes)       # the same pairs as the straight seed's, moved: always read
        seed_ratios.append(read.ratio)
        request = GenerationRequest(seed=swung, bars=TAKE_BARS, variations=VARIATIONS, random_seed=i, meter=meter,
                                    pitch_range=seed_register(swung) or (0, 127))
        fitted = fit_request(request, family, setting)
        for take in fitted.takes(generator.generate(fitted.request)):
            takes += 1
            reading = measure_swing(take.notes)
            if reading is None or not reading.confident or reading.unit != EIGHTH:
                unread += 1
                continue
            take_ratios.append(reading.ratio)
            near += abs(reading.ratio - read.ratio) <= TOLERANCE
    read_takes = len(take_ratios)
    return {"seeds": len(seeds), "seed_ratio": median(seed_ratios) if seed_ratios else None, "takes": takes,
            "read": read_takes, "unread": unread, "take_ratio": median(take_ratios) if take_ratios else None,
            "within": near, "within_share": near / read_takes if read_takes else None}


def run(corpus, models: list[str], limit: int = PIECES, log=print) -> dict:
    from musicstudio.generators.backends import backend_named
    from musicstudio.generators.registry import ModelRegistry

    registry = ModelRegistry()
    seeds = straight_seeds(corpus, METERS, limit)
    by_meter = {meter_name(m): sum(1 for _, meter, _ in seeds if meter == m) for m in METERS}
    log(f"{len(seeds)} seeds read as straight 8ths: {by_meter}")
    figures: dict = {"seeds": len(seeds), "by_meter": by_meter, "ratios": list(RATIOS), "tolerance": TOLERANCE,
                     "models": {}}
    for name in models:
        generator = registry.load(name, "cpu")
        family = backend_named(generator.backend)
        rows = figures["models"][name] = {}
        for ratio in RATIOS:
            for setting in SETTINGS:
                started = time.monotonic()
                row = continue_swung(generator, family, seeds, ratio, setting)
                row["seconds"] = round(time.monotonic() - started, 1)
                rows[f"{ratio:.2f} {setting}"] = row
                log(f"{name} {ratio:.0%} {setting}: takes {_ratio(row['take_ratio'])} against the seeds' "
                    f"{_ratio(row['seed_ratio'])}, {row['within']}/{row['read']} within {TOLERANCE:.0%} "
                    f"({row['unread']} takes unread; {row['seconds']} s)")
    return figures


def _ratio(value) -> str:
    return "-" if value is None else f"{value:.1%}"


def markdown(figures: dict, command: str) -> str:
    """docs/swing.md's table from the figures."""
    lines = [f"Made by `{command}` ({figures.get('seconds', 0):.0f} s on a CPU shared with other work).", "",
             f"{figures['seeds']} held-out seeds of {SEED_BARS} bars that read as straight 8ths "
             f"({', '.join(f'{m}: {n}' for m, n in figures['by_meter'].items())}), each swung to the ratio of "
             f"the row and continued for {TAKE_BARS} bars in {VARIATIONS} variations.", "",
             "| model | swing | setting | seeds' ratio | takes read | takes' median ratio | within ±3 points |",
             "|---|---:|---|---:|---:|---:|---:|"]
    for name, rows in figures["models"].items():
        for key, row in rows.items():
            ratio, setting = key.split()
            share = "-" if row["within_share"] is None else f"{row['within_share']:.1%} ({row['within']})"
            lines.append(f"| `{name}` | {float(ratio):.0%} | {setting} | {_ratio(row['seed_ratio'])} | "
                         f"{row['read']}/{row['takes']} | {_ratio(row['take_ratio'])} | {share} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m musicstudio.generators.evaluation.swing_report",
                                description="The takes' swing against their swung seeds'.")
    p.add_argument("--corpus", default="cache/corpus-clean", metavar="DIR", help="corpus cache")
    p.add_argument("--models", default="lstm", help="model names, comma-separated (default lstm)")
    p.add_argument("--pieces", type=int, default=PIECES, help=f"held-out pieces a meter looked at ({PIECES})")
    p.add_argument("--json", metavar="FILE", help="write the figures here")
    args = p.parse_args(argv)
    import torch

    from musicstudio.generators.corpus import load_corpus

    torch.set_num_threads(1)
    started = time.monotonic()
    figures = run(load_corpus(args.corpus), [m for m in args.models.split(",") if m], args.pieces,
                  log=lambda line: print(line, file=sys.stderr, flush=True))
    figures["seconds"] = round(time.monotonic() - started, 1)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1) + "\n", "utf-8")
    command = "python -m musicstudio.generators.evaluation.swing_report " + " ".join(argv or sys.argv[1:])
    print(markdown(figures, command.strip()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
