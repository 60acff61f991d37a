"""Does the infill model hear the other tracks? (issue 18: "conditioned on ... the other tracks").

The infill network reads one track (its training tunes are single lines); the song's other tracks reach it
through the harmony prior (:mod:`musicstudio.generators.infill.harmony`): a note whose pitch class the other
tracks sound at its step gains ``weight`` in log-odds. This measures it on gaps in one part of multi-part
pieces, the other parts given as ``others`` the way the app and ``generate --fill`` give a song's other tracks:

* **tuning** (``--tune``): licence-clean multi-part collections (docs/licences.md: trecento's two- and
  three-voice pieces, Haydn's, Mozart's and Beethoven's string quartets), pieces of the train and valid splits
  (by :func:`~musicstudio.generators.corpus_split.split_by_id`; nothing is trained on them): the weight with
  the lowest cross-entropy of the true gaps is the one a model ships with;
* **test**: the same collections' test-split pieces, and Bach's chorales of the corpus's test split (evaluation
  only: no weight or number is taken from them).

Figures per set: the true gaps' cross-entropy per event without the prior and at each weight; and, for takes
sampled without and with the chosen weight, the share of their notes whose pitch class sounds in the other
parts at the note's start ("in the harmony"), beside the true gaps' own share.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.interface import GenerationRequest, bar_ticks

TUNING_COLLECTIONS = ("trecento", "haydn", "mozart", "beethoven")
GAPS_PER_PIECE, CONTEXT_BARS, LONGEST_GAP, RANDOM_SEED = 4, 8, 4, 18


@dataclass(frozen=True)
class PartGap:
    """A gap in one part: the request the app would send (seed, after, others) and the true notes."""

    piece: str
    request: GenerationRequest
    gap: Clip


def multipart_pieces(collections=TUNING_COLLECTIONS, splits=("train", "valid"), limit: int | None = None):
    """(id, meter, tracks) of the collections' pieces of ``splits`` with two or more pitched parts."""
    from music21 import common, corpus

    from musicstudio.generators.corpus_sources import WorkItem, parse_item
    from musicstudio.generators.corpus_split import split_by_id

    root, out = Path(common.getCorpusFilePath()), []
    for collection in collections:
        for path in sorted(str(p) for p in corpus.getComposer(collection)):
            piece_id = Path(path).relative_to(root).as_posix()
            if split_by_id(piece_id) not in splits:
                continue
            record = parse_item(WorkItem(piece_id, collection, path, None))
            if "error" in record or "meter_change" in record["flags"] or len(record["tracks"]) < 2:
                continue
            tracks = [tuple(Note(*n) for n in t["notes"]) for t in record["tracks"] if not t["is_drum"]]
            out.append((piece_id, tuple(record["meter"]), tracks))
            if limit is not None and len(out) >= limit:
                return out
    return out


def chorales(split: str = "test", cache: str = "cache/corpus"):
    """(id, meter, tracks) of Bach's chorales in the corpus cache's ``split``."""
    from musicstudio.generators.corpus_store import read_cache

    corpus = read_cache(cache)
    return [(info.id, tuple(info.meter), [t.notes for t in corpus.piece(info.id).tracks if t.notes])
            for info in corpus.select(split, collections=["bach"]) if len(info.tracks) >= 2]


def _window(notes, first: int, bars: int, bar: int) -> Clip:
    """The notes that start in ``bars`` bars from bar ``first``, counted from its bar line."""
    start, end = first * bar, (first + bars) * bar
    return Clip(tuple(n.moved_by(ticks=-start) for n in notes if start <= n.start < end), end - start)


def draw_gaps(pieces, per_piece: int = GAPS_PER_PIECE, seed: int = RANDOM_SEED) -> list[PartGap]:
    """Up to ``per_piece`` gaps of 1-4 bars a piece, each in a random part with notes in the gap and in the
    bars on both sides; the other parts over the seed, gap and after, from the seed's start, are ``others``."""
    rng, gaps = np.random.default_rng(seed), []
    for piece_id, meter, tracks in pieces:
        bar = bar_ticks(meter)
        total = max(n.end for t in tracks for n in t) // bar
        for _ in range(per_piece * 10):
            if sum(g.piece == piece_id for g in gaps) == per_piece:
                break
            size = int(rng.integers(1, LONGEST_GAP + 1))
            if total < size + 2:
                break
            at, part = int(rng.integers(1, total - size)), int(rng.integers(len(tracks)))
            before, after = min(at, CONTEXT_BARS), min(total - at - size, CONTEXT_BARS)
            seed, gap = _window(tracks[part], at - before, before, bar), _window(tracks[part], at, size, bar)
            following = _window(tracks[part], at + size, after, bar)
            others = tuple(_window(t, at - before, before + size + after, bar)
                           for k, t in enumerate(tracks) if k != part)
            if seed.notes and gap.notes and following.notes:
                request = GenerationRequest(seed=seed, bars=size, variations=4, random_seed=len(gaps), meter=meter,
                                            after=following, others=others)
                gaps.append(PartGap(piece_id, request, gap))
    return gaps


def scored_rows(generator, gap: PartGap):
    """The model's full next-token log-probabilities at each true token of the gap (copy cache and all, no
    prior), the pitch classes the other parts sound at each of them, the tokens, and each note-on token's
    pitch class; None when the gap's pitches do not fit the codec after the seed's transposition."""
    from musicstudio.generators.infill.harmony import HarmonyModel, HarmonyPrior
    from musicstudio.generators.infill.sequences import part_tokens

    phrases, request = generator.phrases, gap.request
    codec = phrases.codec
    seed_tokens, _, shift = phrases.seed_tokens(request.seed)
    notes = [n._replace(pitch=n.pitch + shift) for n in gap.gap.notes]
    if any(not codec.low <= n.pitch <= codec.high for n in notes):
        return None
    tokens = part_tokens(codec, notes, 0, gap.gap.length)
    saved, generator.harmony = generator.harmony, None     # the network and cache as they are, no prior
    try:
        inner = generator.token_model(request)
    finally:
        generator.harmony = saved
    sounding_steps, classes = generator.harmony_inputs(request, shift)
    hearing = HarmonyModel(inner, HarmonyPrior(), sounding_steps, classes, phrases.steps_of())
    state = hearing.begin(seed_tokens, 1, request.meter)
    rows, heard = [], []
    for token in tokens:
        rows.append(hearing.inner.log_probs(state[0])[0])
        heard.append(hearing.heard(state[1])[0])
        state = hearing.push(state, np.array([token]))
    return np.array(rows), np.array(heard), tokens, classes


def cross_entropy(scored: list, prior) -> float:
    """Nats per event of the true tokens with ``prior`` (a :class:`HarmonyPrior`), pooled over the gaps."""
    total, events = 0.0, 0
    for rows, heard, tokens, classes in scored:
        log_p = prior.apply(rows, heard, classes)
        total -= float(log_p[np.arange(len(tokens)), tokens].sum())
        events += len(tokens)
    return total / max(1, events)


def fit_intervals(scored: list, steps: int = 300, l2: float = 1e-3) -> tuple[float, ...]:
    """The twelve interval weights that minimise the true tokens' cross-entropy over ``scored`` (Adam on the
    exact objective of :meth:`HarmonyPrior.apply`, a little L2), rounded to 0.01."""
    import torch

    from musicstudio.generators.infill.harmony import INTERVALS, ROTATIONS

    batches = []
    for rows, heard, tokens, classes in scored:
        keep = heard.any(axis=1) & (tokens < len(classes))      # only note-ons among heard steps move
        if keep.any():
            notes = torch.tensor(rows[keep][:, :len(classes)], dtype=torch.float64)
            features = torch.tensor(heard[keep][:, ROTATIONS][:, classes], dtype=torch.float64)  # (T, pitches, 12)
            batches.append((notes, features, torch.tensor(tokens[keep])))
    w = torch.zeros(INTERVALS, dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.Adam([w], lr=0.05)
    for _ in range(steps):
        optimiser.zero_grad()
        loss = sum(-torch.log_softmax(n + f @ w, dim=1)[torch.arange(len(t)), t].sum() for n, f, t in batches)
        (loss / max(1, sum(len(t) for _, _, t in batches)) + l2 * (w ** 2).sum()).backward()
        optimiser.step()
    return tuple(round(float(x), 2) for x in w.detach())


def in_harmony(notes, others, step: int) -> tuple[int, int]:
    """(notes whose pitch class sounds in ``others`` at their start, notes) for notes counted from the same
    start as ``others``."""
    from musicstudio.generators.infill.harmony import sounding

    steps = max((n.end for c in others for n in c.notes), default=0) // step + 1
    heard = sounding(others, step, steps)
    hits = sum(bool(heard[min(n.start // step, steps - 1), n.pitch % 12]) for n in notes)
    return hits, len(notes)


def harmony_shares(generator, gaps: list[PartGap], prior) -> float:
    """The share of the takes' notes in the harmony, the takes sampled with ``prior`` (None: the true gaps')."""
    hits = total = 0
    saved = generator.harmony
    generator.harmony = prior
    try:
        for gap in gaps:
            at = gap.request.seed.length
            takes = [gap.gap.notes] if prior is None else \
                [t.notes for t in generator.generate(replace(gap.request, variations=2))]
            for notes in takes:
                h, n = in_harmony([x.moved_by(ticks=at) for x in notes], gap.request.others,
                                  generator.phrases.step_ticks)
                hits, total = hits + h, total + n
    finally:
        generator.harmony = saved
    return hits / max(1, total)


def measure(generator, gaps: list[PartGap], prior, samples: bool = True) -> dict:
    """A set's figures: cross-entropy without and with ``prior`` and, with ``samples``, the takes' share in
    the harmony without and with it beside the true gaps'."""
    from musicstudio.generators.infill.harmony import HarmonyPrior

    scored = [s for s in (scored_rows(generator, g) for g in gaps) if s is not None]
    out = {"gaps": len(gaps), "scored": len(scored), "events": int(sum(len(s[2]) for s in scored)),
           "cross_entropy": {"without": cross_entropy(scored, HarmonyPrior()), "with": cross_entropy(scored, prior)}}
    if samples:
        out["in_harmony"] = {"truth": harmony_shares(generator, gaps, None),
                             "without": harmony_shares(generator, gaps, HarmonyPrior()),
                             "with": harmony_shares(generator, gaps, prior)}
    return out


def run(model: str = "infill", per_piece: int = GAPS_PER_PIECE, limit: int | None = None) -> dict:
    """Fit the weights on the licence-clean collections' train pieces (their valid pieces say how far the fit
    carries), then measure the test sets."""
    from musicstudio.generators.infill.harmony import HarmonyPrior
    from musicstudio.generators.registry import ModelRegistry

    generator = ModelRegistry().load(model, "cpu")
    train = draw_gaps(multipart_pieces(splits=("train",), limit=limit), per_piece)
    scored = [s for s in (scored_rows(generator, g) for g in train) if s is not None]
    prior = HarmonyPrior(fit_intervals(scored))
    sets = {"licence-clean valid pieces": multipart_pieces(splits=("valid",), limit=limit),
            "licence-clean test pieces": multipart_pieces(splits=("test",), limit=limit),
            "Bach chorales, test split": chorales("test")}
    return {"model": model, "intervals": list(prior.intervals), "fitted_on": {"gaps": len(train), "scored": len(scored),
            "cross_entropy": {"without": cross_entropy(scored, HarmonyPrior()), "with": cross_entropy(scored, prior)}},
            "sets": {name: measure(generator, draw_gaps(pieces, per_piece), prior) for name, pieces in sets.items()}}


def markdown(figures: dict, command: str) -> str:
    """docs/infill-others.md from :func:`run`'s figures."""
    names = ["unison", "m2", "M2", "m3", "M3", "P4", "tritone", "P5", "m6", "M6", "m7", "M7"]
    fit = figures["fitted_on"]
    lines = ["# Filling bars among other tracks: the harmony prior", "", f"Made by `{command}`.", "",
             "The infill model reads one track; the song's other tracks reach it through a harmony prior "
             "(musicstudio/generators/infill/harmony.py): each note it proposes gains, for every pitch class the "
             "other tracks sound at that step, the weight of the interval between them, the note-ons renormalised "
             "among themselves so the rhythm stays the network's. The twelve weights were fitted on gaps in the "
             f"train-split pieces of licence-clean multi-part collections ({', '.join(TUNING_COLLECTIONS)}; "
             f"{fit['scored']} gaps, cross-entropy {fit['cross_entropy']['without']:.3f} → "
             f"{fit['cross_entropy']['with']:.3f} nats/event there). Bach's chorales are measured only.", "",
             "| interval above the note | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names),
             "| weight (nats) | " + " | ".join(f"{w:+.2f}" for w in figures["intervals"]) + " |", "",
             "Gaps of 1-4 bars in one part (a random part), up to 8 bars of that part before and after, the other "
             "parts over all of it given as the song's other tracks. Cross-entropy per event of the true gap "
             "(nats); *in the harmony*: the share of notes whose pitch class the other parts sound at the note's "
             "start (2 takes a gap, the shipped decoding: copy cache, 4 draws).", "",
             "| set | gaps | events | cross-entropy without | with | change | in the harmony: true gaps | "
             "takes without | takes with |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, m in figures["sets"].items():
        ce, share = m["cross_entropy"], m.get("in_harmony", {})
        change = (ce["with"] - ce["without"]) / ce["without"] if ce["without"] else 0.0
        lines.append(f"| {name} | {m['scored']} | {m['events']:,} | {ce['without']:.3f} | {ce['with']:.3f} | "
                     f"{change:+.1%} | {share.get('truth', 0):.1%} | {share.get('without', 0):.1%} | "
                     f"{share.get('with', 0):.1%} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m musicstudio.generators.evaluation.infill_others",
                                description=__doc__.splitlines()[0])
    p.add_argument("--model", default="infill")
    p.add_argument("--per-piece", type=int, default=GAPS_PER_PIECE, help="gaps drawn a piece")
    p.add_argument("--limit", type=int, default=None, help="at most N pieces a set (a quick look)")
    p.add_argument("--json", type=Path, help="write the figures here")
    p.add_argument("--docs", type=Path, help="write the Markdown report here")
    args = p.parse_args(argv)
    figures = run(args.model, args.per_piece, args.limit)
    text = json.dumps(figures, indent=1)
    if args.json:
        args.json.write_text(text)
    if args.docs:
        args.docs.write_text(markdown(figures, "python -m musicstudio.generators.evaluation.infill_others "
                                      + " ".join(argv if argv is not None else sys.argv[1:])))
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
