"""The training corpus: build it once from music21's corpus and the user's MIDI files, then load it.

``build_corpus`` reads every source piece in worker processes (2 by default; parsing all of music21's
collections takes minutes), puts each on the 16th grid (or a finer one: ``--grid 12``, 12 steps a quarter,
keeps 8th and 16th triplets as triplets), gives it a content hash and a stable split, and writes the cache
(:mod:`.corpus_store`). ``load_corpus`` reads it back in a fraction of a second.

Command line (wired into ``musicstudio corpus``)::

    musicstudio corpus build [--midi DIR] [--limit N] [--cache DIR] [--processes N] [--grid 4|12]
                             [--collections a,b] [--docs FILE] [--no-round-trip] [--quiet]
    musicstudio corpus report [--cache DIR] [--docs FILE] [--no-round-trip]
"""

from __future__ import annotations

import argparse
import functools
import json
import multiprocessing
import sys
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Sequence

from musicstudio.core.meter import TimeSignature
from musicstudio.core.note import Note
from musicstudio.core.track import Track
from musicstudio.generators.codecs.grid import (
    STEP_TICKS,
    STEPS_PER_QUARTER,
    TRIPLET_STEPS_PER_QUARTER,
    on_grid,
    step_ticks_of,
)
from musicstudio.generators.corpus_piece import (
    Piece,
    PieceInfo,
    content_hash,
    transposed,
    transpositions,
)
from musicstudio.generators.corpus_report import round_trip_shares, summarize, summary_markdown
from musicstudio.generators.corpus_sources import (
    MUSIC21_COLLECTIONS,
    WorkItem,
    midi_items,
    music21_items,
    parse_item,
    use_scratch_dir,
)
from musicstudio.generators.corpus_split import assign_splits
from musicstudio.generators.corpus_store import Corpus, CorpusCacheError, Manifest, read_cache, write_cache

DEFAULT_CACHE = Path(__file__).resolve().parents[2] / "cache" / "corpus"
SUMMARY_JSON = "summary.json"
SUMMARY_MD = "corpus.md"

__all__ = ["Corpus", "CorpusCacheError", "DEFAULT_CACHE", "Manifest", "Piece", "PieceInfo", "build_corpus",
           "load_corpus", "main", "transposed", "transpositions"]


class _Progress:
    """A plain-text progress line on stderr: redrawn in place on a terminal, every 10% otherwise."""

    def __init__(self, total: int, enabled: bool):
        self.total, self.enabled = total, enabled and total > 0
        self.started = time.monotonic()
        self.tty = sys.stderr.isatty()
        self.shown = -1.0
        self.last_decile = -1

    def update(self, done: int, failed: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        decile = done * 10 // self.total
        if self.tty and (now - self.shown < 0.2 and done < self.total):
            return
        if not self.tty and decile == self.last_decile and done < self.total:
            return
        self.shown, self.last_decile = now, decile
        elapsed = now - self.started
        line = (f"corpus: {done:,}/{self.total:,} pieces ({100 * done / self.total:.0f}%), {failed:,} failed, "
                f"{elapsed:.0f} s")
        if done * 50 >= self.total and done < self.total:  # after 2%, the estimate means something
            line += f", about {elapsed / done * (self.total - done):.0f} s left"
        sys.stderr.write(("\r" + line + "\x1b[K") if self.tty else line + "\n")
        if self.tty and done == self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _init_worker(scratch: str) -> None:
    use_scratch_dir(scratch)


def _parse_all(items: list[WorkItem], processes: int, scratch: Path, progress: bool,
               steps_per_quarter: int = STEPS_PER_QUARTER) -> list[dict]:
    bar = _Progress(len(items), progress)
    results, failed = [], 0
    parse = functools.partial(parse_item, steps_per_quarter=steps_per_quarter)
    if processes <= 1:
        _init_worker(str(scratch))
        parsed: Iterable[dict] = map(parse, items)
        pool = None
    else:
        # spawn, not fork: the caller may hold threads (Qt, torch) that a forked child would inherit broken
        pool = multiprocessing.get_context("spawn").Pool(processes, _init_worker, (str(scratch),))
        parsed = pool.imap_unordered(parse, items, chunksize=4)
    try:
        for record in parsed:
            results.append(record)
            failed += "error" in record
            bar.update(len(results), failed)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    return sorted(results, key=lambda r: r["id"])


def _piece_info(record: dict) -> tuple[PieceInfo, tuple[Track, ...]]:
    tracks = tuple(Track(t["name"], t["program"], t["is_drum"], tuple(Note(*n) for n in t["notes"]))
                   for t in record["tracks"])
    pitched = [n.pitch for t in tracks if not t.is_drum for n in t.notes] or \
        [n.pitch for t in tracks for n in t.notes]
    end = max(t.end_tick for t in tracks)
    bar_ticks = TimeSignature(0, *record["meter"]).bar_ticks
    info = PieceInfo(id=record["id"], collection=record["collection"], content_hash=content_hash(tracks),
                     meter=tuple(record["meter"]), key_sharps=record["key_sharps"], mode=record["mode"],
                     bars=-(-end // bar_ticks), notes=sum(len(t.notes) for t in tracks),
                     lowest=min(pitched), highest=max(pitched),
                     tracks=tuple((t.name, t.program, t.is_drum) for t in tracks),
                     title=record["title"], flags=tuple(record["flags"]))
    return info, tracks


def straight_hash(tracks: Sequence[Track]) -> str:
    """The content hash of the piece's notes on the 16th grid: what the split's duplicate groups are drawn
    from on every grid, so that a corpus built on a finer grid splits its pieces as the 16th one does."""
    return content_hash(t.with_notes(on_grid(t.notes)) for t in tracks)


def build_corpus(cache_dir: str | Path | None = None, collections: Sequence[str] = MUSIC21_COLLECTIONS,
                 midi_dir: str | Path | None = None, processes: int = 2, limit: int | None = None,
                 progress: bool = True, steps_per_quarter: int = STEPS_PER_QUARTER) -> Manifest:
    """Build the corpus cache in ``cache_dir`` (default ``<repo>/cache/corpus``) and return its manifest.

    ``collections``: music21 collections to read (any of :data:`MUSIC21_COLLECTIONS`, or none);
    ``midi_dir``: a folder of MIDI files to add (collection "midi"); ``limit``: at most this many
    pieces per collection (for tests and quick looks). Pieces that cannot be read are counted in
    ``manifest.failures``; they never stop the build. ``steps_per_quarter``: the grid notes are put on
    (4: 16ths; 12: 16ths and triplets); the split is the same on every grid (:func:`straight_hash`).
    """
    step_ticks = step_ticks_of(steps_per_quarter)
    started = time.monotonic()
    cache_dir = Path(cache_dir) if cache_dir is not None else DEFAULT_CACHE
    items = music21_items(tuple(collections), limit) if collections else []
    if midi_dir is not None:
        items += midi_items(midi_dir, limit)
    records = _parse_all(items, processes, cache_dir / "music21-scratch", progress, steps_per_quarter)

    failures = tuple({"id": r["id"], "collection": r["collection"], "error": r["error"]}
                     for r in records if "error" in r)
    infos, tracks = [], []
    for record in records:
        if "error" not in record:
            info, piece_tracks = _piece_info(record)
            infos.append(info)
            tracks.append(piece_tracks)
    straight = [i.content_hash for i in infos] if step_ticks == STEP_TICKS else [straight_hash(t) for t in tracks]
    splits = assign_splits((i.id, h) for i, h in zip(infos, straight))
    infos = [replace(i, split=splits[i.id]) for i in infos]

    build = {"collections": list(collections) + (["midi"] if midi_dir is not None else []),
             "midi_dir": str(midi_dir) if midi_dir is not None else None, "limit": limit,
             "processes": processes, "music21": _music21_version(), "steps_per_quarter": steps_per_quarter,
             "created": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
             "seconds": round(time.monotonic() - started, 1)}  # the writing that follows takes about a second
    manifest = write_cache(cache_dir, Manifest(tuple(infos), failures, build, step_ticks=step_ticks), tracks)
    write_summary(cache_dir, summarize(manifest))
    return manifest


def _music21_version() -> str | None:
    try:
        import music21
    except ImportError:
        return None  # a build from MIDI files alone does not need it
    return music21.__version__


def write_summary(cache_dir: Path, summary: dict, shares: dict | None = None,
                  docs: str | Path | None = None) -> str:
    """``summary.json`` and ``corpus.md`` in the cache (and the Markdown at ``docs`` too)."""
    data = {**summary, "round_trip": shares} if shares else summary
    (cache_dir / SUMMARY_JSON).write_text(json.dumps(data, indent=1), "utf-8")
    text = summary_markdown(summary, shares)
    (cache_dir / SUMMARY_MD).write_text(text, "utf-8")
    if docs is not None:
        Path(docs).write_text(text, "utf-8")
    return text


def load_corpus(cache_dir: str | Path | None = None, verify: bool = True) -> Corpus:
    """The corpus built in ``cache_dir`` (default ``<repo>/cache/corpus``).

    Raises :class:`CorpusCacheError` when there is none or it does not match its manifest.
    """
    return read_cache(Path(cache_dir) if cache_dir is not None else DEFAULT_CACHE, verify)


# -- command line ------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="musicstudio corpus", description="The training corpus.")
    sub = parser.add_subparsers(dest="action", required=True)
    build = sub.add_parser("build", help="parse music21's corpus (and MIDI files) into the cache")
    build.add_argument("--midi", metavar="DIR", help="also read every MIDI file under DIR")
    build.add_argument("--limit", type=int, metavar="N", help="at most N pieces per collection")
    build.add_argument("--processes", type=int, default=2, metavar="N", help="worker processes (default 2)")
    build.add_argument("--collections", default=",".join(MUSIC21_COLLECTIONS),
                       help="music21 collections, comma-separated; empty for none (default: all five)")
    build.add_argument("--grid", type=int, choices=(STEPS_PER_QUARTER, TRIPLET_STEPS_PER_QUARTER),
                       default=STEPS_PER_QUARTER, metavar="STEPS",
                       help="grid steps a quarter: 4 (16ths, the default) or 12 (16ths and triplets)")
    build.add_argument("--quiet", action="store_true", help="no progress line")
    report = sub.add_parser("report", help="write the summary of a built corpus again (no parsing)")
    for command in (build, report):
        command.add_argument("--cache", metavar="DIR", default=str(DEFAULT_CACHE),
                             help=f"cache folder (default {DEFAULT_CACHE})")
        command.add_argument("--docs", metavar="FILE", help="also write the Markdown summary to FILE")
        command.add_argument("--no-round-trip", action="store_true",
                             help="skip measuring how many pieces each codec round-trips")
    return parser


def main(argv: list[str] | None = None) -> int:
    """``musicstudio corpus build|report ...``; returns an exit code (0 done, 1 missing music21,
    2 usage, 3 bad input: no MIDI folder, an unknown collection, no or a damaged cache)."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    cache = Path(args.cache)
    try:
        if args.action == "build":
            if args.limit is not None and args.limit < 1:
                print("musicstudio corpus: --limit must be at least 1", file=sys.stderr)
                return 2
            collections = [c for c in args.collections.split(",") if c]
            manifest = build_corpus(cache, collections, args.midi, args.processes, args.limit,
                                    progress=not args.quiet, steps_per_quarter=args.grid)
        else:
            manifest = load_corpus(cache).manifest
        summary = summarize(manifest)
        shares = None
        if not args.no_round_trip:
            started = time.monotonic()
            corpus = load_corpus(cache)
            shares = round_trip_shares(corpus.piece(i) for i in range(len(corpus)))
            summary["round_trip_seconds"] = round(time.monotonic() - started, 1)
    except (ValueError, FileNotFoundError, CorpusCacheError) as e:
        print(f"musicstudio corpus: {e}", file=sys.stderr)
        return 3
    except ImportError as e:
        print(f"musicstudio corpus: {e}", file=sys.stderr)
        return 1
    write_summary(cache, summary, shares, args.docs)
    t = summary["totals"]
    print(f"corpus: {t['pieces']:,} pieces, {t['notes']:,} notes, {t['bars']:,} bars, {t['failures']:,} parse "
          f"failures, built in {manifest.build['seconds']:.0f} s -> {cache}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
