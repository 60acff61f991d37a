"""Where a melody's notes start: onset thresholds per meter and step, fitted on the validation split.

Why (issue 17): the licence-clean ``gan`` missed the per-meter target in 2/4 and 3/4. Its bars decoded at
0.5 in every cell started notes in the wrong places: in 2/4 on the eighths only (3.4 notes a bar on the
validation pieces' takes, where the tunes' bars have 6.4 to 7.2: the 16ths between the eighths came out at
onset probabilities of 0.2 to 0.3, and half of those as the same pitch again a step later, which the
decoding merges into one note); in 3/4 on the 16th after each beat (about 3% of onsets against none in the
tunes) and too seldom on the third beat. And most of the misplaced onsets did not come from the onset
plane at all: where the held pitch stopped sounding and another sounded, the decoding started a note.

So a model's config may carry ``onset_thresholds`` (:class:`~.onsets.OnsetThresholds`): for each meter, the
threshold a pitch's onset and sound must reach to start a melody's note at each step of the bar. With a
table, :func:`~musicstudio.generators.gan.rolls.one_line` lets the onset plane alone start notes; a meter
without a table, and a model without one (``gan-nc``, every GAN before), is decoded exactly as before. (A
step after a note began, preferring another pitch to the same one again reached 0.96 in 2/4 on the
validation pieces, but the takes' notes fell out of the key's scale 2 to 3 points more often: not used.)

The table is fitted, not chosen by hand (:func:`calibrate`, ``python -m
musicstudio.generators.gan.calibration MODEL --write``): the *target* is how often a bar of the training
split starts a note at each step of its meter (what the model was trained to reproduce); the *fit*
continues the validation split's pieces of that meter (their first 4 bars as the seed, 4 bars of 8
variations, as the per-meter report does on the test split, which the fit never reads) and moves each
step's threshold by the log ratio of how often the takes start a note there to the target, keeping the
round whose frequencies come closest to the target. No torch here.
"""

from __future__ import annotations

import numpy as np

from musicstudio.generators.codecs.grid import steps_in_bar
from musicstudio.generators.gan.onsets import PLAIN, OnsetThresholds

LOWEST, HIGHEST = 0.02, 0.98      # a fitted threshold stays inside these


def onset_frequencies(rolls: np.ndarray, steps: int) -> np.ndarray:
    """How often a bar of bool rolls (n, 2, width, pitches) starts a note at each of its first ``steps``."""
    return np.asarray(rolls, dtype=bool)[:, 1, :steps].any(axis=2).mean(axis=0) if len(rolls) else np.zeros(steps)


def take_frequencies(takes, meter: tuple[int, int], bars: int) -> np.ndarray:
    """How often a bar of ``takes`` (note tuples starting on a bar line, ``bars`` bars each) starts a note
    at each step."""
    from musicstudio.generators.codecs.grid import STEP_TICKS

    steps = steps_in_bar(meter)
    counts = np.zeros(steps)
    for notes in takes:
        cells = {int(round(n.start / STEP_TICKS)) for n in notes}
        for cell in cells:
            if cell < bars * steps:
                counts[cell % steps] += 1
    return counts / max(1, len(takes) * bars)


def updated(thresholds: np.ndarray, made: np.ndarray, target: np.ndarray, rate: float = 1.0) -> np.ndarray:
    """Thresholds moved towards the target frequencies: lower where the takes start notes less often than
    the target, higher where more often (by ``rate`` times the log ratio), inside LOWEST..HIGHEST."""
    ratio = np.log(np.clip(made, 0.005, 1.0) / np.clip(target, 0.005, 1.0))
    return np.clip(thresholds * np.exp(rate * ratio), LOWEST, HIGHEST)


def distance(made: np.ndarray, target: np.ndarray) -> float:
    """Mean absolute difference of two frequency profiles."""
    return float(np.abs(np.asarray(made) - np.asarray(target)).mean())


def fit_meter(decode, target: np.ndarray, rounds: int = 8, rate: float = 1.0, log=None) -> dict:
    """The thresholds (one a step) whose decoded frequencies ``decode(thresholds)`` come closest to
    ``target`` over ``rounds`` updates from :data:`PLAIN`, with each round's distance."""
    thresholds = np.full(len(target), PLAIN)
    history, best = [], None
    for r in range(rounds + 1):
        made = decode(thresholds)
        d = distance(made, target)
        history.append(round(d, 4))
        if log:
            log(f"  round {r}: distance {d:.4f}, notes a bar {made.sum():.2f} (target {target.sum():.2f})")
        if best is None or d < best[0]:
            best = (d, thresholds.copy(), made)
        thresholds = updated(thresholds, made, target, rate)
    return {"thresholds": best[1], "distance": best[0], "made": best[2], "history": history,
            "start": history[0]}


METERS = ((2, 4), (3, 4), (4, 4), (2, 2), (6, 8), (9, 8))
SEED_BARS, TAKE_BARS, VARIATIONS, PIECES = 4, 4, 8, 40


def training_targets(corpus, config: dict, meters=METERS) -> dict:
    """How often a bar of the training split starts a note at each step, for each of ``meters``."""
    from musicstudio.generators.gan.data import BarPairs
    from musicstudio.generators.training.data import DataConfig

    codec = config["codec"]
    bars = BarPairs.from_corpus(corpus, "train", codec["low"], codec["high"], DataConfig.from_dict(config["data"]),
                                width=codec["steps_per_bar"])
    out = {}
    for i, meter in enumerate(bars.meters):
        if meter in meters:
            out[meter] = onset_frequencies(bars.rolls[bars.meter_of == i], steps_in_bar(meter))
    return out


def valid_decoder(generator, corpus, meter: tuple[int, int]):
    """``decode(thresholds)``: how often the takes of ``generator`` start a note at each step of ``meter``
    after the validation split's pieces of that meter (their first bars as the seed), with those
    thresholds."""
    from musicstudio.core.clip import Clip
    from musicstudio.generators.evaluation.meter_report import bars_of, held_out
    from musicstudio.generators.interface import GenerationRequest, bar_ticks
    from musicstudio.generators.seed_plan import seed_register

    bar, name = bar_ticks(meter), f"{meter[0]}/{meter[1]}"
    seeds = [Clip(bars_of(notes, 0, SEED_BARS, bar), SEED_BARS * bar)
             for _, notes in held_out(corpus, meter, PIECES, "valid")]
    table = dict(generator.onsets.by_meter)

    def decode(thresholds: np.ndarray) -> np.ndarray:
        generator.onsets = OnsetThresholds({**table, name: tuple(float(v) for v in thresholds)})
        takes = []
        for i, seed in enumerate(seeds):
            request = GenerationRequest(seed=seed, bars=TAKE_BARS, variations=VARIATIONS, random_seed=i,
                                        meter=meter, pitch_range=seed_register(seed) or (0, 127))
            takes += [take.notes for take in generator.generate(request)]
        return take_frequencies(takes, meter, TAKE_BARS)
    return decode, len(seeds)


def calibrate(folder, corpus, meters=METERS, rounds: int = 8, log=print) -> dict:
    """Fit the onset thresholds of the model in ``folder`` (see the module's notes): the table, and for
    each meter the frequencies before and after, the target and each round's distance."""
    from musicstudio.generators.checkpoint import read_config
    from musicstudio.generators.gan.backend import load

    config = read_config(folder)
    generator = load(folder, {**config, "onset_thresholds": None})
    targets = training_targets(corpus, config, meters)
    report = {}
    for meter in meters:
        if meter not in targets:
            continue
        decode, pieces = valid_decoder(generator, corpus, meter)
        if not pieces:
            continue
        log(f"{meter[0]}/{meter[1]}: {pieces} validation pieces")
        result = fit_meter(decode, targets[meter], rounds, log=log)
        name = f"{meter[0]}/{meter[1]}"
        generator.onsets = OnsetThresholds({**generator.onsets.by_meter,
                                            name: tuple(float(v) for v in result["thresholds"])})
        report[name] = {"validation_pieces": pieces, "target": _rounded(targets[meter]),
                        "made": _rounded(result["made"]), "distance": round(result["distance"], 4),
                        "history": result["history"]}
    return {"onset_thresholds": generator.onsets.to_config(), "meters": report}


def _rounded(values) -> list[float]:
    return [round(float(v), 3) for v in values]


def main(argv: list[str] | None = None) -> int:
    import argparse
    import json
    import sys
    from pathlib import Path

    import torch

    from musicstudio.generators.checkpoint import CONFIG
    from musicstudio.generators.corpus import load_corpus

    p = argparse.ArgumentParser(prog="python -m musicstudio.generators.gan.calibration",
                                description="Fit a meter-aware GAN's onset thresholds on the validation split.")
    p.add_argument("model", help="the model's folder (models/gan)")
    p.add_argument("--corpus", default="cache/corpus-clean", metavar="DIR")
    p.add_argument("--rounds", type=int, default=8)
    p.add_argument("--write", action="store_true", help="write the table into the model's config.json")
    p.add_argument("--json", metavar="FILE", help="write the fit's figures here")
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    folder = Path(args.model)
    result = calibrate(folder, load_corpus(args.corpus), rounds=args.rounds,
                       log=lambda line: print(line, file=sys.stderr, flush=True))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n", "utf-8")
    if args.write:
        config = json.loads((folder / CONFIG).read_text("utf-8"))
        config["onset_thresholds"] = result["onset_thresholds"]
        (folder / CONFIG).write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", "utf-8")
    print(json.dumps(result["onset_thresholds"], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
