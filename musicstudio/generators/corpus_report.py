"""The corpus build's numbers: a summary (JSON), its Markdown page (ending with each collection's licence),
and how well each codec round-trips the corpus's pieces.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from typing import Iterable

from musicstudio.generators.codecs import EventCodec, MelodyCodec, NotesCodec, PianorollCodec
from musicstudio.generators.codecs.grid import bar_steps, without_velocity
from musicstudio.generators.corpus_piece import OFF_GRID, SPLITS, Piece
from musicstudio.generators.corpus_split import SPLIT_RULE, duplicate_groups, split_by_id
from musicstudio.generators.corpus_store import Manifest
from musicstudio.generators.licence_docs import corpus_section

METER_CLASSES = ("bar", "flagged", "other")


def split_hash(pieces) -> str:
    """sha256 over the sorted lines "id content-hash" of the pieces: equal hashes, equal splits."""
    lines = sorted(f"{p.id} {p.content_hash}" for p in pieces)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def summarize(manifest: Manifest) -> dict:
    """Pieces, notes and bars per split and per collection; failures; duplicates; meters."""
    def blank() -> dict:
        return {"pieces": 0, "notes": 0, "bars": 0}

    splits = {s: blank() for s in SPLITS}
    collections: dict[str, dict] = defaultdict(lambda: {**blank(), "failures": 0, "exact_on_grid": 0,
                                                        "meters": Counter(), "splits": Counter()})
    for name in SPLITS:
        splits[name]["sha256"] = split_hash(p for p in manifest.pieces if p.split == name)
    for p in manifest.pieces:
        for row in (splits[p.split], collections[p.collection]):
            row["pieces"] += 1
            row["notes"] += p.notes
            row["bars"] += p.bars
        c = collections[p.collection]
        c["exact_on_grid"] += OFF_GRID not in p.flags
        c["meters"][p.meter_class] += 1
        c["splits"][p.split] += 1
    signatures = Counter(f"{p.meter[0]}/{p.meter[1]}" for p in manifest.pieces)
    reasons = Counter()
    for f in manifest.failures:
        collections[f["collection"]]["failures"] += 1
        reasons[f["error"].split(":", 1)[0]] += 1
    pairs = [(p.id, p.content_hash) for p in manifest.pieces]
    groups = duplicate_groups(pairs)
    moved = sum(1 for p in manifest.pieces if p.split != split_by_id(p.id))
    return {
        "build": manifest.build,
        "split_rule": SPLIT_RULE,
        "totals": {"pieces": len(manifest.pieces), "notes": sum(p.notes for p in manifest.pieces),
                   "bars": sum(p.bars for p in manifest.pieces), "failures": len(manifest.failures)},
        "splits": splits,
        "time_signatures": dict(signatures.most_common()),
        "collections": {name: {**row, "meters": dict(row["meters"]), "splits": dict(row["splits"])}
                        for name, row in sorted(collections.items())},
        "failures": {"count": len(manifest.failures), "by_kind": dict(reasons.most_common()),
                     "examples": list(manifest.failures[:12])},
        "duplicates": {"groups": len(groups), "pieces": sum(len(g) for g in groups),
                       "moved_to_an_earlier_split": moved, "examples": groups[:5]},
    }


# -- codec round trips -------------------------------------------------------------------------------
def _fits(codec, notes) -> bool:
    return all(codec.low <= n.pitch <= codec.high for n in notes)


def round_trip(piece: Piece, name: str) -> str:
    """"ok" when every track of ``piece`` comes back unchanged (velocity aside) through codec ``name``,
    else why not: "range" (a pitch outside the codec's range), "polyphony" (melody only), "meter"
    (a bar that is not whole 16ths), "mismatch"."""
    for track in piece.tracks:
        notes = track.notes
        if name == "melody" or name == "melody_transposed":
            codec = MelodyCodec()
            if name == "melody_transposed" and not _fits(codec, notes):
                lo, hi = min(n.pitch for n in notes), max(n.pitch for n in notes)
                shifts = [k for k in sorted(range(-24, 25), key=abs) if codec.low <= lo + k and hi + k <= codec.high]
                if shifts:
                    notes = tuple(n._replace(pitch=n.pitch + shifts[0]) for n in notes)
        elif name == "events":
            codec = EventCodec()
        elif name == "notes":
            codec = NotesCodec()
        elif name == "pianoroll":
            try:
                codec = PianorollCodec(steps_per_bar=bar_steps(*piece.info.meter))
            except ValueError:
                return "meter"
        else:
            raise ValueError(f"unknown codec {name!r}")
        if not isinstance(codec, NotesCodec) and not _fits(codec, notes):   # the others have a pitch range
            return "range"
        if without_velocity(codec.decode(codec.encode(notes))) != without_velocity(notes):
            return "polyphony" if name.startswith("melody") else "mismatch"
    return "ok"


ROUND_TRIP_CODECS = {
    "melody": "melody (48..84, one line per track)",
    "melody_transposed": "melody, each track transposed into 48..84 where it fits",
    "events": "events (0..127, no velocity)",
    "notes": "notes (pitch, step, duration)",
    "pianoroll": "pianoroll (21..108, onset plane, bar = meter)",
}


def round_trip_shares(pieces: Iterable[Piece]) -> dict:
    """Per codec and collection: pieces that round-trip exactly, those that were also on the grid
    before quantizing ("lossless"), and why the others did not."""
    counts: dict = defaultdict(lambda: defaultdict(Counter))
    for piece in pieces:
        exact = OFF_GRID not in piece.info.flags
        for name in ROUND_TRIP_CODECS:
            outcome = round_trip(piece, name)
            for collection in (piece.info.collection, "all"):
                row = counts[name][collection]
                row["pieces"] += 1
                row[outcome] += 1
                row["lossless"] += outcome == "ok" and exact
    return {name: {c: dict(row) for c, row in sorted(rows.items())} for name, rows in counts.items()}


# -- Markdown ------------------------------------------------------------------------------------------
def _n(x: int) -> str:
    return f"{x:,}"


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}% ({_n(part)})" if whole else "-"


def summary_markdown(summary: dict, shares: dict | None = None) -> str:
    b = summary["build"]
    t = summary["totals"]
    lines = ["# Training corpus", "",
             f"Built with `musicstudio corpus build` on {b.get('created', '?')} in {b.get('seconds', 0):.0f} s "
             f"with {b.get('processes', '?')} processes (music21 {b.get('music21', '?')}). "
             f"Collections: {', '.join(b.get('collections', []))}"
             + (f", MIDI folder `{b['midi_dir']}`" if b.get("midi_dir") else "")
             + (f"; at most {b['limit']} pieces each" if b.get("limit") is not None else "") + ".", "",
             f"**{_n(t['pieces'])} pieces, {_n(t['notes'])} notes, {_n(t['bars'])} bars; "
             f"{_n(t['failures'])} parse failures.** Every piece is quantized to the 16th grid (120 ticks at 480 PPQ); "
             "pickup bars are shifted so that bar lines fall on the grid's bars.", "",
             f"Split rule: {summary['split_rule']}.", "",
             "## Per split", "", "| split | pieces | notes | bars | sha256 of the sorted lines \"id content-hash\" |",
             "|---|---:|---:|---:|---|"]
    for name, row in summary["splits"].items():
        lines.append(f"| {name} | {_n(row['pieces'])} | {_n(row['notes'])} | {_n(row['bars'])} | "
                     f"`{row.get('sha256', '')}` |")
    lines += ["", "## Per collection", "",
              "| collection | pieces | notes | bars | train / valid / test | exact on the grid | "
              "4/4, 2/4 / 3/4, 6/8 / other meters | parse failures |",
              "|---|---:|---:|---:|---|---:|---|---:|"]
    for name, row in summary["collections"].items():
        s, m = row["splits"], row["meters"]
        lines.append(f"| {name} | {_n(row['pieces'])} | {_n(row['notes'])} | {_n(row['bars'])} | "
                     f"{s.get('train', 0):,} / {s.get('valid', 0):,} / {s.get('test', 0):,} | "
                     f"{_share(row['exact_on_grid'], row['pieces'])} | "
                     f"{' / '.join(_n(m.get(k, 0)) for k in METER_CLASSES)} | {_n(row['failures'])} |")
    d = summary["duplicates"]
    lines += ["", "Meters: bar-based models take 4/4 and 2/4 (`meter_class == \"bar\"`); 3/4 and 6/8 are kept "
              "and flagged; pieces whose meter changes count as other. First time signatures: "
              + ", ".join(f"{k} {_n(v)}" for k, v in list(summary["time_signatures"].items())[:12])
              + (", ..." if len(summary["time_signatures"]) > 12 else "") + ".", "",
              f"Content duplicates: {_n(d['groups'])} groups holding {_n(d['pieces'])} pieces; "
              f"{_n(d['moved_to_an_earlier_split'])} pieces were moved to an earlier split so that no content "
              "is in two splits.", ""]
    f = summary["failures"]
    lines += ["## Parse failures", "", f"{_n(f['count'])} pieces could not be read"
              + (": " + ", ".join(f"{k} {_n(v)}" for k, v in f["by_kind"].items()) if f["by_kind"] else "") + "."]
    for e in f["examples"]:
        lines.append(f"- `{e['id']}`: {e['error']}")
    if shares:
        lines += ["", "## Codec round trips", "",
                  "Share of pieces whose every track comes back unchanged (pitch, start, duration) from "
                  "`decode(encode(track))` with each codec's default settings. *Lossless* also asks that the "
                  "source was on the 16th grid before quantizing (no triplets, 32nds or grace notes). Stored "
                  "pieces are already on the grid, so a codec loses only what it cannot say: the melody codec "
                  "a second voice (chords, or two notes quantized onto one step) and pitches outside its range. "
                  + (f"Measuring took {summary['round_trip_seconds']:.0f} s." if "round_trip_seconds" in summary
                     else ""), ""]
        collections = [c for c in next(iter(shares.values())) if c != "all"] + ["all"]
        lines += ["| codec | " + " | ".join(collections) + " | all, lossless | why not (all) |",
                  "|---|" + "---:|" * (len(collections) + 1) + "---|"]
        for name, rows in shares.items():
            cells = [_share(rows[c].get("ok", 0), rows[c]["pieces"]) for c in collections]
            total = rows["all"]
            why = ", ".join(f"{k} {_n(v)}" for k, v in sorted(total.items())
                            if k not in ("ok", "pieces", "lossless") and v) or "-"
            lines.append(f"| {ROUND_TRIP_CODECS[name]} | " + " | ".join(cells)
                         + f" | {_share(total.get('lossless', 0), total['pieces'])} | {why} |")
    lines += [""] + corpus_section(summary["collections"])
    return "\n".join(lines)

