"""The corpus cache on disk: a JSON manifest and one numpy ``.npz`` of notes; never pickles.

Files in the cache folder:

* ``manifest.json``: format, version, how the corpus was built, the split rule, one row per piece
  (:class:`~musicstudio.generators.corpus_piece.PieceInfo`, content hash and split included), the
  parse failures, and the sha256 of ``pieces.npz``;
* ``pieces.npz``: ``notes`` (int32, rows of pitch, start, duration, velocity in ticks), ``track_start``
  (index of each track's first note, plus the end) and ``piece_start`` (index of each piece's first
  track, plus the end), pieces in manifest order;
* ``summary.json`` and ``corpus.md``: the build's numbers (written by :mod:`.corpus_report`).

Files are written to a temporary name and renamed, so a cache is never half written.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from musicstudio.core.note import Note
from musicstudio.core.track import Track
from musicstudio.generators.corpus_piece import OFF_GRID, Piece, PieceInfo
from musicstudio.generators.corpus_split import SPLIT_RULE

FORMAT = "musicstudio-corpus"
VERSION = 1
MANIFEST = "manifest.json"
ARRAYS = "pieces.npz"


class CorpusCacheError(Exception):
    """The cache folder holds no corpus, or one this version cannot read."""


@dataclass(frozen=True)
class Manifest:
    pieces: tuple[PieceInfo, ...]
    failures: tuple[dict, ...] = ()          # {"id", "collection", "error"}
    build: dict = field(default_factory=dict)  # collections, limit, midi_dir, processes, seconds, created ...
    arrays_sha256: str = ""
    step_ticks: int = 120   # the grid the notes are on: 120 (16ths) or 40 (12 steps a quarter, triplets kept)

    def to_json(self) -> dict:
        return {"format": FORMAT, "version": VERSION, "step_ticks": self.step_ticks, "ppq": 480,
                "build": self.build,
                "split_rule": SPLIT_RULE, "arrays": {"file": ARRAYS, "sha256": self.arrays_sha256},
                "pieces": [p.to_json() for p in self.pieces], "failures": list(self.failures)}

    @classmethod
    def from_json(cls, d: dict) -> Manifest:
        if d.get("format") != FORMAT or d.get("version") != VERSION:
            raise CorpusCacheError(f"the manifest is not a version {VERSION} corpus "
                                   f"({d.get('format')!r}, version {d.get('version')!r}): build the corpus again")
        return cls(tuple(PieceInfo.from_json(p) for p in d["pieces"]), tuple(d.get("failures", ())),
                   d.get("build", {}), d.get("arrays", {}).get("sha256", ""), int(d.get("step_ticks", 120)))


def _write_atomically(path: Path, write) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        write(f)
    os.replace(tmp, path)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_cache(cache_dir: Path, manifest: Manifest, tracks_per_piece: Iterable[tuple[Track, ...]]) -> Manifest:
    """Write the arrays, then the manifest (with the arrays' hash). Returns the manifest as written."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    notes: list[tuple[int, int, int, int]] = []
    track_start = [0]
    piece_start = [0]
    for tracks in tracks_per_piece:
        for t in tracks:
            notes.extend(t.notes)
            track_start.append(len(notes))
        piece_start.append(len(track_start) - 1)
    arrays = {"notes": np.asarray(notes, dtype=np.int32).reshape(-1, 4),
              "track_start": np.asarray(track_start, dtype=np.int64),
              "piece_start": np.asarray(piece_start, dtype=np.int64)}
    _write_atomically(cache_dir / ARRAYS, lambda f: np.savez_compressed(f, **arrays))
    manifest = Manifest(manifest.pieces, manifest.failures, manifest.build, _sha256(cache_dir / ARRAYS),
                        manifest.step_ticks)
    text = json.dumps(manifest.to_json(), separators=(",", ":"), ensure_ascii=False)
    _write_atomically(cache_dir / MANIFEST, lambda f: f.write(text.encode("utf-8")))
    return manifest


def read_manifest(cache_dir: str | Path) -> Manifest:
    path = Path(cache_dir) / MANIFEST
    try:
        return Manifest.from_json(json.loads(path.read_text("utf-8")))
    except FileNotFoundError:
        raise CorpusCacheError(f"no corpus in {path.parent} (run: musicstudio corpus build)") from None
    except (ValueError, KeyError, TypeError) as e:
        raise CorpusCacheError(f"the corpus manifest {path} is damaged ({e}): build the corpus again") from e


class Corpus:
    """A loaded corpus: the manifest, and the notes of every piece, read on demand."""

    def __init__(self, manifest: Manifest, notes: np.ndarray, track_start: np.ndarray, piece_start: np.ndarray):
        if len(piece_start) != len(manifest.pieces) + 1 or piece_start[-1] != len(track_start) - 1 \
                or track_start[-1] != len(notes):
            raise CorpusCacheError("the corpus arrays do not match the manifest: build the corpus again")
        self.manifest = manifest
        self._notes = notes
        self._track_start = track_start
        self._piece_start = piece_start
        self._index = {p.id: i for i, p in enumerate(manifest.pieces)}

    def __len__(self) -> int:
        return len(self.manifest.pieces)

    @property
    def infos(self) -> tuple[PieceInfo, ...]:
        return self.manifest.pieces

    def piece(self, key: int | str) -> Piece:
        """A piece by position in the manifest or by id."""
        i = self._index[key] if isinstance(key, str) else key
        info = self.manifest.pieces[i]
        tracks = []
        for t, (name, program, is_drum) in enumerate(info.tracks):
            k = self._piece_start[i] + t
            rows = self._notes[self._track_start[k]:self._track_start[k + 1]].tolist()
            tracks.append(Track(name, program, is_drum, tuple(Note(*r) for r in rows)))
        return Piece(info, tuple(tracks))

    def select(self, split: str | None = None, collections: Iterable[str] | None = None,
               meter_classes: Iterable[str] | None = None, low: int | None = None, high: int | None = None,
               exact_only: bool = False, max_tracks: int | None = None) -> list[PieceInfo]:
        """Manifest rows that pass the filters.

        ``meter_classes``: "bar" (4/4, 2/4), "flagged" (3/4, 6/8), "other". ``low``/``high``: every
        pitched note within the range. ``exact_only``: only pieces that were on the 16th grid already.
        """
        collections = set(collections) if collections is not None else None
        meter_classes = set(meter_classes) if meter_classes is not None else None
        out = []
        for p in self.manifest.pieces:
            if split is not None and p.split != split:
                continue
            if collections is not None and p.collection not in collections:
                continue
            if meter_classes is not None and p.meter_class not in meter_classes:
                continue
            if (low is not None and p.lowest < low) or (high is not None and p.highest > high):
                continue
            if exact_only and OFF_GRID in p.flags:
                continue
            if max_tracks is not None and len(p.tracks) > max_tracks:
                continue
            out.append(p)
        return out

    def pieces(self, split: str | None = None, **filters) -> Iterator[Piece]:
        """The pieces that pass :meth:`select`'s filters, with their notes."""
        for info in self.select(split, **filters):
            yield self.piece(info.id)


def read_cache(cache_dir: str | Path, verify: bool = True) -> Corpus:
    """Load a corpus cache. ``verify`` checks the arrays against the hash in the manifest."""
    cache_dir = Path(cache_dir)
    manifest = read_manifest(cache_dir)
    path = cache_dir / ARRAYS
    if not path.exists():
        raise CorpusCacheError(f"the corpus in {cache_dir} has no {ARRAYS}: build the corpus again")
    if verify and manifest.arrays_sha256 and _sha256(path) != manifest.arrays_sha256:
        raise CorpusCacheError(f"{path} does not match its manifest (changed since the build): build the corpus again")
    with np.load(path, allow_pickle=False) as data:
        return Corpus(manifest, data["notes"], data["track_start"], data["piece_start"])
