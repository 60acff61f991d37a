"""The polyphonic VAE's data: multi-voice and piano pieces of music21's licence-clean collections, parsed once
into a cache of note lists (``cache/poly-pieces.npz``), and cut into 2-bar rolls of each piece's meter.

Collections (docs/licences.md: "yes", no terms stated or public domain): Beethoven's, Haydn's and Mozart's
string quartets, Robert Schumann, Chopin, Joplin, the trecento pieces, Handel, Schubert, Verdi. Every part of
a piece is merged into one stream of notes (the VAE hears the texture, not the voices). A piece whose meter
changes is left out (its bar lines are not those of its first meter). The split is by piece, with a fixed
rule (:data:`SPLIT_RULE`), so a test phrase never comes from a piece that was trained on.

``python -m musicstudio.generators.vae_poly.data --cache cache/poly-pieces.npz`` builds the cache.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

from musicstudio.generators.codecs.grid import STEP_TICKS, steps_in_bar

COLLECTIONS = ("beethoven", "haydn", "mozart", "schumann_robert", "chopin", "joplin", "trecento", "handel",
               "schubert", "verdi")
LICENCE = "no licence stated; public-domain music (docs/licences.md: may ship)"
SPLIT_RULE = "int(sha256(piece id)[:8 bytes]) % 10: 0-7 train, 8 valid, 9 test"
DEFAULT_CACHE = "cache/poly-pieces.npz"


def split_of(piece_id: str) -> str:
    bucket = int.from_bytes(hashlib.sha256(piece_id.encode("utf-8")).digest()[:8], "big") % 10
    return "train" if bucket < 8 else "valid" if bucket == 8 else "test"


def work_items(collections=COLLECTIONS):
    from music21 import common, corpus

    from musicstudio.generators.corpus_sources import WorkItem

    root = Path(common.getCorpusFilePath())
    out = []
    for collection in collections:
        for path in sorted(str(p) for p in corpus.getComposer(collection)):
            piece_id = Path(path).relative_to(root).as_posix()
            out.append(WorkItem(piece_id, collection, path, None))
    return out


def _parse(item) -> dict:
    """The piece's record (:func:`~musicstudio.generators.corpus_sources.parse_item`) with its stretches of one
    meter, ``segments``: [start step, end step, numerator, denominator] (one for a piece in one meter)."""
    from musicstudio.generators.corpus_sources import parse_item

    record = parse_item(item)
    if "error" in record:
        return record
    end = max((n[1] + n[2]) // STEP_TICKS for t in record["tracks"] for n in t["notes"])
    record["segments"] = [[0, end, *record["meter"]]]
    if "meter_change" in record["flags"]:
        try:
            record["segments"] = _segments(item.path, tuple(record["meter"]), end)
        except Exception as e:  # noqa: BLE001 - a piece whose meters cannot be read is left out, and said
            record["error"] = f"meter changes unread: {type(e).__name__}: {e}"[:300]
    return record


def _segments(path: str, meter, end: int) -> list[list[int]]:
    """Stretches of one meter, in 16th steps after the pickup shift the corpus parser applied."""
    from fractions import Fraction

    from music21 import converter

    from musicstudio.generators.corpus_sources import _pickup

    score = converter.parse(path, forceSource=True)
    part = (list(score.parts) or [score])[0]
    shift = _pickup(part, meter)
    starts = []
    for measure in part.getElementsByClass("Measure"):
        sig = measure.timeSignature
        if sig is not None:
            step = int((Fraction(measure.offset).limit_denominator(1 << 16) + shift) * 4)
            starts.append((max(0, step), int(sig.numerator), int(sig.denominator)))
    if not starts:
        raise ValueError("no time signature in the first part")
    out = []
    for k, (step, n, d) in enumerate(starts):
        stop = starts[k + 1][0] if k + 1 < len(starts) else end
        if stop > step:
            out.append([step, stop, n, d])
    return out


def build_cache(cache: str | Path, processes: int = 1, log=print) -> dict:
    """Parse every piece and write the cache: one (pitch, start step, steps) array per piece, and a manifest."""
    from multiprocessing import Pool

    items = work_items()
    with Pool(processes) as pool:
        records = list(pool.imap(_parse, items))
    rows, arrays, refused = [], {}, []
    for record in records:
        if "error" in record:
            refused.append({"id": record["id"], "why": record["error"]})
            continue
        notes = sorted({(n[0], n[1] // STEP_TICKS, max(1, n[2] // STEP_TICKS)) for t in record["tracks"]
                        for n in t["notes"]}, key=lambda n: (n[1], n[0]))
        key = f"p{len(rows)}"
        arrays[key] = np.asarray(notes, np.int32).reshape(-1, 3)
        rows.append({"key": key, "id": record["id"], "collection": record["collection"], "meter": record["meter"],
                     "segments": record["segments"], "split": split_of(record["id"]), "notes": len(notes)})
        log(f"{record['id']}: {len(notes)} notes, {record['meter'][0]}/{record['meter'][1]}, {rows[-1]['split']}")
    return write_cache(cache, rows, arrays, refused)


def write_cache(cache: str | Path, rows: list[dict], arrays: dict[str, np.ndarray], refused=(),
                collections=COLLECTIONS) -> dict:
    """The cache file: ``rows`` (key, id, collection, meter, segments, split, notes) and each row's note array."""
    manifest = {"collections": list(collections), "split_rule": SPLIT_RULE, "pieces": list(rows),
                "left_out": list(refused)}
    Path(cache).parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(cache, manifest=np.frombuffer(json.dumps(manifest).encode(), np.uint8), **arrays)
    return manifest


def read_cache(cache: str | Path) -> tuple[dict, dict[str, np.ndarray]]:
    with np.load(cache) as f:
        manifest = json.loads(bytes(f["manifest"]).decode())
        return manifest, {row["key"]: f[row["key"]] for row in manifest["pieces"]}


def piece_phrases(notes: np.ndarray, meter, bars: int, hop_bars: int = 1, low: int = 24,
                  high: int = 108, min_notes: int = 4, span: tuple[int, int | None] = (0, None)) -> list[np.ndarray]:
    """The piece's ``bars``-bar windows (every ``hop_bars`` bars from the bar line at ``span``'s start, inside
    ``span``) as note arrays (pitch, start, steps) relative to the window, cut at its end; windows with fewer
    than ``min_notes`` onsets, or notes outside ``low..high``, are left out."""
    bar = steps_in_bar(tuple(meter))
    size = bars * bar
    last = int((notes[:, 1] + notes[:, 2]).max()) if len(notes) else 0
    end = last if span[1] is None else min(last, span[1])
    out = []
    for start in range(span[0], max(span[0], end - size) + 1, hop_bars * bar):
        if start + size > end:
            break
        inside = notes[(notes[:, 1] >= start) & (notes[:, 1] < start + size)].copy()
        if len(inside) < min_notes or inside[:, 0].min() < low or inside[:, 0].max() >= high:
            continue
        inside[:, 1] -= start
        inside[:, 2] = np.minimum(inside[:, 2], size - inside[:, 1])
        out.append(inside)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="build the polyphonic VAE's piece cache from music21")
    parser.add_argument("--cache", default=DEFAULT_CACHE)
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args(argv)
    manifest = build_cache(args.cache, args.processes)
    print(f"{len(manifest['pieces'])} pieces, {len(manifest['left_out'])} left out", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
