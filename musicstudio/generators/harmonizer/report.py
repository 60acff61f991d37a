"""``python -m musicstudio.generators.harmonizer.report --docs docs/harmonize.md --json FILE``: the
harmonizer's acceptance figures (issue 19) on the held-out chorales (:mod:`.measures`), beside Bach's and
the GAN's chorale texture, written as JSON and as a page of docs."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from musicstudio.generators.harmonizer import measures
from musicstudio.generators.harmonizer.voices import VOICE_NAMES


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m musicstudio.generators.harmonizer.report", description=__doc__)
    p.add_argument("--model", default="harmonizer-nc", help="a harmonizer model, by name or folder")
    p.add_argument("--gan", default="gan-nc", help="the GAN whose chorale texture is measured beside it ('' for none)")
    p.add_argument("--corpus", default="cache/corpus", help="the corpus cache holding the bach chorales")
    p.add_argument("--variations", type=int, default=4, help="takes per test chorale")
    p.add_argument("--excerpts", type=int, default=100, help="add-a-part excerpts")
    p.add_argument("--steps", type=int, default=None, help="Gibbs steps (default: the model's decoding)")
    p.add_argument("--json", required=True, help="where the figures go")
    p.add_argument("--docs", help="a markdown page to write with the figures")
    return p


def measure(args, log=print) -> dict:
    from musicstudio.generators.corpus import load_corpus
    from musicstudio.generators.harmonizer.data import chorales
    from musicstudio.generators.registry import ModelRegistry

    started = time.monotonic()
    registry = ModelRegistry()
    harmonizer = registry.load(args.model, "cpu")
    if args.steps is not None:
        harmonizer.decoding = {**harmonizer.decoding, "gibbs_steps": args.steps}
    corpus = load_corpus(args.corpus, verify=False)
    train, test = chorales(corpus, "train"), chorales(corpus, "test")
    ranges = measures.bach_ranges(train)
    out = {"model": args.model, "test_chorales": [c.id for c in test], "bach_ranges": ranges,
           "model_ranges": harmonizer.ranges, "decoding": harmonizer.decoding}
    out["harmonize"] = measures.harmonized(harmonizer, test, ranges, args.variations, log)
    out["harmonize"].pop("examples")
    if args.gan:
        out["gan"] = measures.gan_texture(registry.load(args.gan, "cpu"), test, ranges, args.variations)
    out["add_part"] = measures.added_parts(harmonizer, test, args.excerpts, log)
    out["seconds"] = round(time.monotonic() - started)
    return out


def _row(name: str, values, target: str = "") -> str:
    return f"| {name} | " + " | ".join(values) + (f" | {target} |" if target else " |")


def _verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def harmonize_table(f: dict) -> list[str]:
    h, gan = f["harmonize"], f.get("gan")
    written, bach = h["written"], h["bach"]
    cols = ["written", "Bach (same chorales)"] + (["GAN continuations", "Bach (same bars)"] if gan else [])
    lines = ["| figure | " + " | ".join(cols) + " | target |", "|---" * (len(cols) + 2) + "|"]
    sets = [written, bach] + ([gan["written"], gan["bach"]] if gan else [])
    for name in VOICE_NAMES:
        target = ""
        if name != "soprano":
            ratio = written["voices"][name]["mean_interval"] / bach["voices"][name]["mean_interval"]
            target = f"within 25% of Bach: {ratio - 1:+.0%}, {_verdict(abs(ratio - 1) <= 0.25)}"
        lines.append(_row(f"{name}: mean interval (semitones)",
                          [f"{s['voices'][name]['mean_interval']:.2f}" for s in sets], target or "given"))
    par = written["parallels_per_100"] <= 2 * bach["parallels_per_100"]
    cross = written["crossings_per_100"] <= 2 * bach["crossings_per_100"]
    chord = abs(written["chord_beats"] - bach["chord_beats"]) <= 0.10
    lines.append(_row("parallel 5ths / 8ves per 100 voice-pair transitions",
                      [f"{s['parallels_per_100']:.2f}" for s in sets], f"≤ 2× Bach: {_verdict(par)}"))
    lines.append(_row("voice crossings per 100 adjacent pairs", [f"{s['crossings_per_100']:.2f}" for s in sets],
                      f"≤ 2× Bach: {_verdict(cross)}"))
    for name in VOICE_NAMES[1:]:
        ok = written["voices"][name]["in_range"] >= 0.98
        lines.append(_row(f"{name}: notes inside Bach's range", [f"{s['voices'][name]['in_range']:.1%}" for s in sets],
                          f"≥ 98%: {_verdict(ok)}"))
    lines.append(_row("beats sounding a triad or seventh chord", [f"{s['chord_beats']:.1%}" for s in sets],
                      f"within 10 points of Bach: {(written['chord_beats'] - bach['chord_beats']) * 100:+.1f}, "
                      f"{_verdict(chord)}"))
    return lines


def docs(f: dict, command: str) -> str:
    h, a = f["harmonize"], f["add_part"]
    ranges = ", ".join(f"{n} {lo}–{hi}" for n, (lo, hi) in zip(VOICE_NAMES, f["bach_ranges"]))
    lines = ["# Harmonize and Add a part: the harmonizer's figures", "",
             f"Written by `{command}` ({f['seconds']} s on this machine's CPU). Model `{f['model']}`; decoding "
             f"{json.dumps(f['decoding'])}.", "",
             "## Harmonize", "",
             f"All {h['chorales']} four-part chorales of the corpus's test split (fewer than 100: every one), "
             f"{h['takes'] // max(1, h['chorales'])} takes each ({h['takes']} takes): the soprano given, alto, tenor "
             f"and bass written over the whole chorale. Bach's ranges (lowest to highest note, training chorales): "
             f"{ranges}.", ""]
    lines += harmonize_table(f)
    if "gan" in f:
        g = f["gan"]
        lines += ["", f"GAN: `gan-nc` continuing {g['chorales']} test chorales in 4/4 (4 bars given, 8 written, "
                      f"{g['takes']} takes) dealt out to four voices (core.voices.continue_voices), as docs/gan.md "
                      "measured its chorale texture; beside it Bach's own 8 bars."]
    lines += ["", "## Add a part", "",
              f"{a['excerpts']} excerpts of 8 bars from the test chorales, one real part removed (soprano, alto, "
              "tenor, bass in turn) and written back hearing the other three, the requested register being the "
              "removed part's lowest to highest note.", "",
              f"* Mean Yang & Lerch overlapping area, written parts against the removed ones: **{a['mean_oa']:.3f}** "
              f"(target ≥ 0.8: {_verdict(a['mean_oa'] >= 0.8)}).",
              f"* Takes inside the requested register: **{a['in_register']:.0%}** (target ≥ 95%: "
              f"{_verdict(a['in_register'] >= 0.95)}).",
              "* Mean pitch of the written part minus the removed one's: " + ", ".join(
                  f"{k} {v:+.1f}" for k, v in a["mean_pitch_offset"].items()) + " semitones.", "",
              "| feature | OA |", "|---|---|"] + [f"| {k} | {v:.3f} |" for k, v in a["oa"].items()]
    return "\n".join(lines) + "\n"


MARKER = "<!-- Everything above is written by the report; what follows is kept when it runs again. -->"


def kept_tail(path: Path) -> str:
    """The hand-written part of an existing page (from :data:`MARKER` on), or the marker alone."""
    text = path.read_text("utf-8") if path.exists() else ""
    return "\n" + (text[text.index(MARKER):] if MARKER in text else MARKER + "\n")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    figures = measure(args, log=lambda m: print(m, file=sys.stderr))
    Path(args.json).write_text(json.dumps(figures, indent=1, default=list))
    if args.docs:
        command = "python -m musicstudio.generators.harmonizer.report " + " ".join(argv or sys.argv[1:])
        Path(args.docs).write_text(docs(figures, command) + kept_tail(Path(args.docs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
