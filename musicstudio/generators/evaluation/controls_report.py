"""Do the takes meet the controls? ``python -m musicstudio.generators.evaluation.controls_report --docs
docs/controls.md`` (issue 19's acceptance: the generated bars land in the requested density bin and polyphony
bin at least 85% of the time each).

:data:`REQUESTS` requests on held-out material: even requests from the clean corpus's test split (O'Neill's,
Ryan's: one line), odd ones from the polyphonic pieces' test split (``cache/poly-pieces.npz``: parts merged),
a piece drawn by its bars, a gap of 2-4 bars drawn at a random bar with up to 4 bars of seed before it; every
other request of each kind a fill (up to 4 bars after the gap given), the others continuations. Each request
asks every bar of its gap for one density bin and one polyphony bin, each drawn uniformly from the three
(independently, with a fixed random seed: as a user would pick them, not as the music holds them). One take a
request (random seed = the request's number), then each take bar's measured bins (:mod:`..controls.wishes`)
against the requested ones. Five conditions on the same requests and random seeds:

* **shipped**: the control tokens, sampling guided into the bins (:mod:`..controls.guidance`), and of the
  draws a variation makes, one whose bars meet the controls, then the likeliest;
* **guided**: the same without the draw preference (the likeliest draw kept);
* **preferred**: the control tokens and the draw preference, sampling not guided;
* **tokens**: the control tokens alone (not guided, the likeliest draw): what the network learnt;
* **none** (no controls asked: every bar's controls "any"): the base rate, how often the bars land in the bins
  that were to be requested anyway.

Beside the hit rates, what the decoding costs the music as the network hears it: the network's cross-entropy
of the kept takes' events (nats per event), each take read after its context with its request's control tokens
(the guide's penalties left out; :func:`take_log_likelihood`). Guided sampling that forces the network's hand
shows there as takes the network finds less likely.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from musicstudio.core.clip import Clip
from musicstudio.generators.controls.bins import CONTROLS, NAMES
from musicstudio.generators.controls.wishes import measured_bins
from musicstudio.generators.interface import bar_ticks

REQUESTS = 500
RANDOM_SEED = 19
TARGET = 0.85
SEED_BARS = 4
SOURCES = ("melody", "polyphonic")
CONDITIONS = {     # name: (controls asked, sampling guided, draw preference)
    "shipped": (True, True, True), "guided": (True, True, False), "preferred": (True, False, True),
    "tokens": (True, False, False), "none": (False, False, False)}
TITLES = {"shipped": "tokens + guided sampling + draw preference (shipped)",
          "guided": "tokens + guided sampling, likeliest draw", "preferred": "tokens + draw preference",
          "tokens": "control tokens alone, likeliest draw", "none": "no controls asked (base rate)"}


@dataclass(frozen=True)
class HeldRequest:
    source: str                  # "melody" or "polyphonic"
    meter: tuple[int, int]
    seed: Clip
    after: Clip | None
    bars: int
    wish: dict                   # control -> bin, every bar


def _clip(notes, start: int, end: int) -> Clip:
    return Clip(tuple(n._replace(start=n.start - start, duration=min(n.duration, end - n.start))
                      for n in notes if start <= n.start < end), end - start)


def held_requests(corpus_dir: str, poly_cache: str, count: int = REQUESTS,
                  seed: int = RANDOM_SEED) -> list[HeldRequest]:
    """The report's requests (module docstring)."""
    from musicstudio.generators.corpus import load_corpus
    from musicstudio.generators.infill.configs import LICENCE_CLEAN
    from musicstudio.generators.infill.control_data import poly_pieces
    from musicstudio.generators.infill.gaps import PieceNotes
    from musicstudio.generators.lstm.model import METERS
    from musicstudio.generators.training.data import DataConfig, split_pieces

    corpus = load_corpus(corpus_dir)
    melodies = [PieceNotes.of(corpus.piece(i)) for i in
                split_pieces(corpus, "test", DataConfig(collections=tuple(LICENCE_CLEAN)))]
    sets = {"melody": [p for p in melodies if p.bars >= 4],
            "polyphonic": [p for p in poly_pieces(poly_cache, "test", METERS) if p.bars >= 4]}
    rng = np.random.default_rng(seed)
    out = []
    for number in range(count):
        source = SOURCES[number % 2]
        pieces = sets[source]
        weights = np.array([p.bars for p in pieces], np.float64)
        piece = pieces[int(rng.choice(len(pieces), p=weights / weights.sum()))]
        bars = int(rng.integers(2, min(4, piece.bars - 1) + 1))
        start = int(rng.integers(1, piece.bars - bars + 1))
        bar, first = piece.bar, start * piece.bar
        last = first + bars * bar
        fills = (number // 2) % 2 == 1 and last < piece.bars * bar
        after = _clip(piece.notes, last, min(piece.bars * bar, last + SEED_BARS * bar)) if fills else None
        wish = {c: int(rng.integers(0, 3)) for c in CONTROLS}
        out.append(HeldRequest(source, piece.meter, _clip(piece.notes, max(0, first - SEED_BARS * bar), first),
                               after, bars, wish))
    return out


def take_log_likelihood(generator, held: HeldRequest, take, wishes: list[dict]) -> tuple[float, int]:
    """The network's log-probability of a take's events (summed, and how many), read as a fill or continuation
    of its request with ``wishes``' control tokens before its bars, the guide's penalties left out: how likely
    the network itself finds what the decoding kept."""
    import torch

    from musicstudio.generators.infill.control_data import controlled_item
    from musicstudio.generators.infill.gaps import Gap, PieceNotes
    from musicstudio.generators.infill.sequences import AFTER_BARS, BEFORE_BARS, IGNORE

    bar, seed = bar_ticks(held.meter), held.seed
    seed_bars, length = seed.length // bar, seed.length + held.bars * bar
    after = held.after.notes if held.after is not None else ()
    after_bars = min(AFTER_BARS, -(-held.after.length // bar)) if held.after is not None else 0
    notes = (*seed.notes, *(n._replace(start=n.start + seed.length) for n in take.notes),
             *(n._replace(start=n.start + length) for n in after))
    piece = PieceNotes(tuple(sorted(notes, key=lambda n: (n.start, n.pitch))), held.meter)
    gap = Gap(seed_bars, held.bars, min(seed_bars, BEFORE_BARS), after_bars)
    model = generator.model
    x, p, y = controlled_item(generator.phrases.codec, generator._steps_of, generator.tokens, model.config,
                              model.start_token, piece, gap, generator.bins, None, wishes)
    with torch.no_grad():
        logits, _ = model(torch.from_numpy(x)[None], torch.from_numpy(p)[None])
    log_p = torch.log_softmax(logits[0].float(), dim=-1).numpy()
    scored = y != IGNORE
    return float(log_p[np.nonzero(scored)[0], y[scored]].sum()), int(scored.sum())


def measure(generator, requests: list[HeldRequest], condition: str, log=lambda m: None) -> list[dict]:
    """Per request: the wished and the measured bins of each take bar, in ``condition``."""
    from musicstudio.generators.interface import GenerationRequest
    from musicstudio.generators.seed_plan import seed_register

    asked, generator.guided, generator.prefer_controls = CONDITIONS[condition]
    out = []
    for number, held in enumerate(requests):
        options = {c: NAMES[c][b] for c, b in held.wish.items()} if asked else {}
        request = GenerationRequest(seed=held.seed, bars=held.bars, variations=1, random_seed=number,
                                    meter=held.meter, after=held.after, options=options,
                                    pitch_range=seed_register(held.seed) or (0, 127))
        take = generator.generate(request)[0]
        log_p, events = take_log_likelihood(generator, held, take, generator.wishes(request))
        out.append({"source": held.source, "fill": held.after is not None, "wish": held.wish,
                    "bars": measured_bins(take.notes, request.bar, held.bars, generator.bins),
                    "log_p": log_p, "events": events})
        if number % 50 == 49:
            log(f"{condition}: {number + 1} of {len(requests)}")
    return out


def confusion(results: list[dict], control: str, source: str | None = None) -> np.ndarray:
    """Bars by requested bin (rows) and measured bin (columns)."""
    table = np.zeros((3, 3), np.int64)
    for r in results:
        if source is None or r["source"] == source:
            for bar in r["bars"]:
                table[r["wish"][control], bar[control]] += 1
    return table


def hit_rate(table: np.ndarray) -> float:
    return float(np.trace(table) / max(1, table.sum()))


def figures(results: dict[str, list[dict]]) -> dict:
    out = {}
    for condition, rows in results.items():
        entry = {}
        for control in CONTROLS:
            table = confusion(rows, control)
            entry[control] = {"hit_rate": hit_rate(table), "confusion": table.tolist(),
                              **{f"hit_rate_{s}": hit_rate(confusion(rows, control, s)) for s in SOURCES}}
        entry["both"] = float(np.mean([all(b[c] == r["wish"][c] for c in CONTROLS)
                                       for r in rows for b in r["bars"]]))
        entry["bars"] = sum(len(r["bars"]) for r in rows)
        entry["nats_per_event"] = -sum(r["log_p"] for r in rows) / max(1, sum(r["events"] for r in rows))
        out[condition] = entry
    return out


def _table(control: str, matrix) -> list[str]:
    names = NAMES[control]
    lines = [f"| requested {control} \\ measured | " + " | ".join(names) + " | hit |", "|---|" + "---:|" * 4]
    for k, row in enumerate(matrix):
        lines.append(f"| {names[k]} | " + " | ".join(str(v) for v in row) + f" | {row[k] / max(1, sum(row)):.1%} |")
    return lines


def markdown(figs: dict, model: str, bins: dict, command: str, seconds: float) -> str:
    lines = [f"Model `{model}`, bins `{json.dumps(bins)}`; {figs['shipped']['bars']} generated bars per condition; "
             f"`{command}` ({seconds / 60:.0f} min on a shared 2-core CPU).", "",
             "| condition | density hit | polyphony hit | both | density (melody / polyphonic) | "
             "polyphony (melody / polyphonic) | takes' nats/event |", "|---|---:|---:|---:|---:|---:|---:|"]
    for condition in CONDITIONS:
        f = figs[condition]
        d, p = f["density"], f["polyphony"]
        lines.append(f"| {TITLES[condition]} | {d['hit_rate']:.1%} | {p['hit_rate']:.1%} | {f['both']:.1%} | "
                     f"{d['hit_rate_melody']:.1%} / {d['hit_rate_polyphonic']:.1%} | "
                     f"{p['hit_rate_melody']:.1%} / {p['hit_rate_polyphonic']:.1%} | {f['nats_per_event']:.3f} |")
    for condition in CONDITIONS:
        lines += ["", f"**{TITLES[condition]}**", ""]
        for control in CONTROLS:
            lines += _table(control, figs[condition][control]["confusion"]) + [""]
    met = {c: figs["shipped"][c]["hit_rate"] >= TARGET for c in CONTROLS}
    lines.append("Target (>= 85% each, as shipped): " + ", ".join(
        f"{c} {'met' if ok else 'NOT met'}" for c, ok in met.items()) + ".")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m musicstudio.generators.evaluation.controls_report",
                                     description="hit rates of the controls on held-out requests")
    parser.add_argument("--model", default="infill-controls", help="a model with control tokens")
    parser.add_argument("--corpus", default="cache/corpus-clean")
    parser.add_argument("--poly-cache", default="cache/poly-pieces.npz")
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--seed", type=int, default=RANDOM_SEED)
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--docs", metavar="FILE", help="write the figures into this Markdown file between the "
                                                       "<!-- controls-report --> markers (or the whole file)")
    args = parser.parse_args(argv)
    from musicstudio.generators.registry import ModelRegistry

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started = time.monotonic()
    generator = ModelRegistry().load(args.model, "cpu")
    requests = held_requests(args.corpus, args.poly_cache, args.requests, args.seed)
    results = {c: measure(generator, requests, c, log) for c in CONDITIONS}
    figs = figures(results)
    command = "python -m musicstudio.generators.evaluation.controls_report " + shlex.join(argv or sys.argv[1:])
    text = markdown(figs, args.model, generator.bins.to_config(), command.strip(), time.monotonic() - started)
    print(text)
    if args.json:
        Path(args.json).write_text(json.dumps({"figures": figs, "results": results}, indent=1))
    if args.docs:
        write_between_markers(Path(args.docs), text)
    return 0


def write_between_markers(path: Path, text: str, marker: str = "controls-report") -> None:
    """``text`` between ``<!-- marker -->`` and ``<!-- /marker -->`` in ``path`` (the whole file when it has none)."""
    start, end = f"<!-- {marker} -->", f"<!-- /{marker} -->"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if start in old and end in old:
        head, rest = old.split(start, 1)
        text = f"{head}{start}\n{text}{end}{rest.split(end, 1)[1]}"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
