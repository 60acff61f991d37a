"""``python -m musicstudio.generators.gan.report MODEL``: issue 8's measurements of a bar GAN on the test
split, written as JSON, Markdown and pictures (default ``docs/gan/``). See :mod:`.evaluation` for what
each figure means; the Yang & Lerch overlapping areas come from ``musicstudio eval MODEL``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

VOICE_BARS = 8   # voices thin out over longer continuations, so these are counted over 8 bars


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m musicstudio.generators.gan.report")
    p.add_argument("model", help="a GAN model name or folder")
    p.add_argument("--corpus", default="cache/corpus")
    p.add_argument("--out", default="docs/gan")
    p.add_argument("--seeds", type=int, default=100, help="held-out seeds to continue")
    p.add_argument("--bars", type=int, default=5, help="bars generated after each seed (100 x 5 = 500 bars)")
    p.add_argument("--training-pieces", type=int, default=3000, help="training pieces the data's figures use")
    p.add_argument("--seeds-from", default=None, metavar="MODEL",
                   help="take the held-out seeds (and the data's figures) from the collections and meters MODEL "
                        "trained on (default: the model's own), to compare two models on the same seeds")
    args = p.parse_args(argv)

    from musicstudio.generators.checkpoint import read_config
    from musicstudio.generators.corpus import load_corpus
    from musicstudio.generators.evaluation.report import write_report
    from musicstudio.generators.gan import evaluation as ev
    from musicstudio.generators.registry import ModelRegistry
    from musicstudio.generators.training.data import DataConfig

    started = time.monotonic()
    registry = ModelRegistry()
    folder = registry.resolve(args.model)
    gan = registry.load(args.model, "cpu")
    seeds_from = registry.resolve(args.seeds_from) if args.seeds_from else folder
    data = DataConfig.from_dict({**(read_config(seeds_from).get("data") or {}), "transpose": [0], "limit": None})
    corpus = load_corpus(args.corpus)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    log = lambda m: print(f"{gan.name}: {m}", file=sys.stderr, flush=True)  # noqa: E731

    test = ev.held_out_phrases(corpus, "test", data)
    long_enough = [ph for ph in test if ph.bars >= ev.SEED_BARS + args.bars]
    seeds = long_enough[::max(1, len(long_enough) // args.seeds)][:args.seeds]
    log(f"continuing {len(seeds)} held-out seeds by {args.bars} bars ...")
    runs = ev.continue_seeds(gan, seeds, args.bars)
    generated = [(r["takes"][0].notes, args.bars) for r in runs]
    training = ev.held_out_phrases(corpus, "train", data)
    training = training[::max(1, len(training) // args.training_pieces)]
    log(f"figures of {len(training)} training pieces ...")
    data_figures = ev.bar_figures([(ph.notes, ph.bars) for ph in training])
    gen_figures = ev.bar_figures(generated)
    truth_figures = ev.bar_figures([(r["truth"], args.bars) for r in runs])
    figures: dict = {"model": gan.name, "seeds": len(seeds), "seeds_from": Path(seeds_from).name,
                     "musegan": {"generated": gen_figures, "training_data": data_figures,
                                 "held_out_continuations": truth_figures,
                                 "relative_gap_to_training_data": ev.relative_gaps(gen_figures, data_figures)}}

    log("continuation: tonal distance at the seam ...")
    seams = [ev.boundary_distance(r["seed"].notes, r["seed"].length, r["takes"][0].notes) for r in runs]
    true_seams = [ev.boundary_distance(r["seed"].notes, r["seed"].length, r["truth"]) for r in runs]
    consecutive = ev.consecutive_distances(test)
    eight = ev.continue_seeds(gan, seeds, 1, variations=8)   # the seam only needs the first bar
    seams8 = [ev.boundary_distance(r["seed"].notes, r["seed"].length, t.notes) for r in eight for t in r["takes"]]
    figures["continuation"] = {"seed_last_bar_to_first_generated_bar": ev.spread(seams),
                               "seed_last_bar_to_first_generated_bar_8_takes": ev.spread(seams8),
                               "seed_last_bar_to_true_next_bar": ev.spread(true_seams),
                               "consecutive_held_out_bars": ev.spread(consecutive),
                               "consecutive_bars_of_the_seeds_pieces": ev.spread(ev.consecutive_distances(seeds))}

    log("variety: 4 variations of 30 seeds ...")
    varied = ev.continue_seeds(gan, seeds[:30], args.bars, variations=4)
    figures["variety"] = {"what": "share of notes two variations of one request have in common (Jaccard)",
                          "seeds": len(varied), "mean": float(np.mean([ev.variation_overlap(r["takes"])
                                                                       for r in varied]))}

    chorales = [ph for ph in test if ph.collection == "bach" and ph.bars >= ev.SEED_BARS + args.bars] \
        if "chords" in gan.textures else []   # a model of melodies alone writes no chorale
    chorale_runs = _voices(gan, chorales, test, corpus, data, args.bars, figures, log) if chorales else []
    log("pictures ...")
    pics = _pictures(gan, figures, runs, chorale_runs, out)
    figures["seconds"] = round(time.monotonic() - started, 1)
    _, md = write_report(out, gan.name, figures, pics)
    log(f"report in {md} ({figures['seconds']:.0f} s)")
    print(md)
    return 0


def _voices(gan, chorales, test, corpus, data, bars: int, figures: dict, log) -> list:
    """The chorale figures: voices' tonal distance, parts that fall silent when a take is dealt out to the
    seed's parts, and the bars' figures, against Bach's; the chorale runs (4 takes each) come back."""
    from musicstudio.generators.gan import evaluation as ev

    log(f"voices: {len(chorales)} held-out chorales ...")
    chorale_runs = ev.continue_seeds(gan, chorales, bars, variations=4)
    gen_td = np.concatenate([ev.voice_tonal_distances(t.notes, bars) for r in chorale_runs
                             for t in r["takes"]])
    true_td = np.concatenate([ev.voice_tonal_distances(r["truth"], bars) for r in chorale_runs])
    train_chorales = [ph for ph in ev.held_out_phrases(corpus, "train", data) if ph.collection == "bach"]
    data_td = np.concatenate([ev.voice_tonal_distances(ph.notes, ph.bars) for ph in train_chorales])
    figures["voices_tonal_distance"] = {
        "what": "top line against the voices under it, per bar, chorale continuations",
        "generated": ev.spread(gen_td), "held_out_continuations": ev.spread(true_td),
        "training_chorales": ev.spread(data_td)}
    figures["variety"]["chorales_mean"] = float(np.mean([ev.variation_overlap(r["takes"])
                                                         for r in chorale_runs]))
    long = [ph for ph in test if ph.collection == "bach" and ph.bars >= ev.SEED_BARS + VOICE_BARS]
    four = [d for d in (ev.dealt_out_empty_bars(r, VOICE_BARS) for r in
                        ev.continue_seeds(gan, long, VOICE_BARS, variations=4)) if d is not None and len(d[0]) == 4]
    takes = 4 * VOICE_BARS * len(four)      # bars of one line over all takes (4 variations a seed)
    figures["voices_empty_bars"] = {
        "what": f"share of bars in which a voice has no note: 4-part chorale continuations of {VOICE_BARS} bars "
                "dealt out to the seed's parts (core.voices.continue_voices), the held-out continuations' and "
                "Bach's own parts",
        "seeds": len(four),
        "generated": float(sum(g.sum() for g, _ in four) / max(1, 4 * takes)),
        "generated_by_line_SATB": [round(float(x) / max(1, takes), 4) for x in sum(g for g, _ in four)]
        if four else [],
        "held_out_continuations": float(sum(t.sum() for _, t in four) / max(1, 4 * VOICE_BARS * len(four))),
        "training_chorales": ev.parts_empty_bar_share([ph.parts for ph in train_chorales if len(ph.parts) == 4])}
    figures["chorale_figures"] = {
        "generated": ev.bar_figures([(t.notes, bars) for r in chorale_runs for t in r["takes"]]),
        "training_chorales": ev.bar_figures([(ph.notes, ph.bars) for ph in train_chorales])}
    return chorale_runs


def _pictures(gan, figures: dict, runs, chorale_runs, out: Path) -> list:
    from musicstudio.core.clip import Clip
    from musicstudio.generators.evaluation.pictures import piano_roll_png
    from musicstudio.generators.gan.pictures import figures_png
    from musicstudio.generators.interface import GenerationRequest

    pics = [figures_png(figures, out / "figures.png", f"{gan.name}: generated bars against the data")]
    for label, pick in (("melody", next((r for r in runs if r["phrase"].collection != "bach"), None)),
                        ("chorale", chorale_runs[0] if chorale_runs else None)):
        if pick is None:
            continue
        seed = pick["seed"]
        takes = gan.generate(GenerationRequest(seed=seed, bars=8, variations=1, random_seed=3))
        both = tuple(seed.notes) + tuple(n.moved_by(ticks=seed.length) for n in takes[0].notes)
        pics.append(piano_roll_png(both, out / f"{label}.png", f"{gan.name}: {label} seed (bars 1-4) and 8 "
                                   "generated bars"))
    empty = gan.generate(GenerationRequest(seed=Clip((), 0), bars=8, variations=1, random_seed=5,
                                           options={"chords": "Am F C G"}))[0]
    pics.append(piano_roll_png(empty.notes, out / "chords.png", f"{gan.name}: no seed, chords Am F C G"))
    return pics


if __name__ == "__main__":
    sys.exit(main())
