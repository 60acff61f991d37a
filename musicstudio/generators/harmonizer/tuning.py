"""Choosing the harmonizer's decoding on the validation chorales (never the test ones):
``python -m musicstudio.generators.harmonizer.tuning MODEL --try final_temperature=0.5 --try
final_temperature=0.2,parallel_penalty=4 ...`` harmonizes every validation chorale once per variant and
prints the texture figures beside Bach's (:mod:`.texture`), and how far each is from its target."""

from __future__ import annotations

import argparse
import json
import sys
import time


def _variant(text: str) -> dict:
    out = {}
    for pair in filter(None, text.split(",")):
        key, _, value = pair.partition("=")
        out[key.strip()] = float(value) if "." in value else int(value)
    return out


def summary(written: dict, bach: dict) -> dict:
    """The figures the targets name: per voice the interval's distance from Bach's (a share), the parallel
    and crossing rates, the chord share's distance from Bach's (points) and the lowest share in range."""
    voices = ("alto", "tenor", "bass")
    return {"interval_off": {v: round(written["voices"][v]["mean_interval"] / bach["voices"][v]["mean_interval"] - 1, 3)
                             for v in voices},
            "parallels": round(written["parallels_per_100"], 2), "bach_parallels": round(bach["parallels_per_100"], 2),
            "crossings": round(written["crossings_per_100"], 2), "bach_crossings": round(bach["crossings_per_100"], 2),
            "chord_points": round(100 * (written["chord_beats"] - bach["chord_beats"]), 1),
            "in_range_min": round(min(written["voices"][v]["in_range"] for v in voices), 4)}


def main(argv: list[str] | None = None) -> int:
    from musicstudio.generators.corpus import load_corpus
    from musicstudio.generators.harmonizer.data import chorales
    from musicstudio.generators.harmonizer.measures import bach_ranges, harmonized
    from musicstudio.generators.registry import ModelRegistry

    p = argparse.ArgumentParser(prog="python -m musicstudio.generators.harmonizer.tuning", description=__doc__)
    p.add_argument("model")
    p.add_argument("--try", dest="variants", action="append", default=[], metavar="KEY=VALUE[,KEY=VALUE]")
    p.add_argument("--corpus", default="cache/corpus")
    args = p.parse_args(argv)
    corpus = load_corpus(args.corpus, verify=False)
    valid, ranges = chorales(corpus, "valid"), bach_ranges(chorales(corpus, "train"))
    harmonizer = ModelRegistry().load(args.model, "cpu")
    shipped = dict(harmonizer.decoding)
    for text in args.variants or [""]:
        harmonizer.decoding = {**shipped, **_variant(text)}
        started = time.monotonic()
        h = harmonized(harmonizer, valid, ranges, 1, log=lambda m: None)
        print(json.dumps({"variant": text or "as shipped", "seconds": round(time.monotonic() - started, 1),
                          **summary(h["written"], h["bach"])}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
