"""Where corpus pieces come from, and how one source file becomes a piece on the grid (16ths, or the
finer grid a build asks for: ``steps_per_quarter`` 12 keeps triplets).

Sources: music21's bundled corpus (found through its metadata bundle and ``sourcePath``; multi-tune
ABC files are read one tune at a time by number) and a folder of the user's MIDI files (read with our
own :func:`~musicstudio.io.midi_read.import_midi`).

:func:`parse_item` is what the worker processes run. It never raises: a piece that cannot be read
comes back as ``{"id", "collection", "error"}`` so that the build counts it and goes on.
music21 is imported here only inside functions; it is needed for building, not for loading.
"""

from __future__ import annotations

import math
import warnings
from fractions import Fraction
from pathlib import Path
from typing import NamedTuple

from musicstudio.core.key import Key, KeySignature
from musicstudio.core.note import Note
from musicstudio.core.track import Track
from musicstudio.generators.codecs.grid import STEPS_PER_QUARTER, is_on_grid, on_grid, step_ticks_of
from musicstudio.generators.corpus_piece import CHORDS, DRUMS, METER_CHANGE, NO_METER, OFF_GRID, PICKUP, REPAIRED
from musicstudio.generators.source_licences import redistributable_collections, source_licence

# music21 collection -> which files of its folder belong to the corpus
MUSIC21_COLLECTIONS = ("essenFolksong", "ryansMammoth", "oneills1850", "bach", "palestrina")
# What `musicstudio corpus build` reads by default, so what a model whose config says "collections": null
# (every collection of its corpus) trained on when its config does not list them ("trained_on").
DEFAULT_COLLECTIONS = MUSIC21_COLLECTIONS
# Each collection's licence, terms and ``redistributable`` flag, as audited (docs/licences.md).
LICENCES = {c: source_licence(c) for c in MUSIC21_COLLECTIONS}
# The collections a default shipped model may train on: their terms allow shipping derived weights.
REDISTRIBUTABLE_COLLECTIONS = redistributable_collections(MUSIC21_COLLECTIONS)
MONOPHONIC = ("essenFolksong", "ryansMammoth", "oneills1850")
MIDI_COLLECTION = "midi"
MIDI_SUFFIXES = (".mid", ".midi", ".smf")
VELOCITY = 100  # music21's sources state no velocities


class WorkItem(NamedTuple):
    id: str            # "essenFolksong/ballad10.abc#3", "bach/bwv269.mxl", "midi/song.mid"
    collection: str
    path: str          # the file to read
    number: int | None  # the tune's number inside a multi-tune file


def belongs_to_corpus(collection: str, source_path: str) -> bool:
    """Whether the corpus reads ``source_path`` ("bach/bwv269.mxl") of ``collection``."""
    if collection != "bach":
        return True
    # The chorales: bwv*.mxl (the .krn copies of three duplicate them), not the analyses or the
    # Well-Tempered Clavier prelude (bwv846).
    name = source_path.rsplit("/", 1)[-1]
    return name.startswith("bwv") and name.endswith(".mxl") and not name.startswith("bwv846")


def music21_items(collections: tuple[str, ...] = MUSIC21_COLLECTIONS, limit: int | None = None) -> list[WorkItem]:
    """Work items for music21's corpus, sorted by file and tune number; ``limit`` per collection."""
    try:
        from music21 import common, corpus
    except ImportError as e:
        raise ImportError("building the corpus from music21's collections needs music21 "
                          "(pip install 'musicstudio[train]'), or give only a MIDI folder") from e

    unknown = set(collections) - set(MUSIC21_COLLECTIONS)
    if unknown:
        raise ValueError(f"unknown corpus collections: {', '.join(sorted(unknown))} "
                         f"(known: {', '.join(MUSIC21_COLLECTIONS)})")
    root = Path(common.getCorpusFilePath())
    found: dict[str, list[tuple[str, int, WorkItem]]] = {c: [] for c in collections}
    numbered: set[str] = set()
    entries = []
    bundle = corpus.corpora.CoreCorpus().metadataBundle
    # Iterating the bundle itself looks every entry up by index (12 s for 15k entries); its dict of
    # entries gives the same entries at once.
    listed = getattr(bundle, "_metadataEntries", None)
    for entry in (listed.values() if isinstance(listed, dict) else bundle):
        source = str(entry.sourcePath).replace("\\", "/")
        collection = source.split("/", 1)[0]
        if collection in found and belongs_to_corpus(collection, source):
            number = int(entry.number) if entry.number not in (None, "") else None
            entries.append((collection, source, number))
            if number is not None:
                numbered.add(source)
    for collection, source, number in entries:
        if number is None and source in numbered:
            continue  # the bundle also lists a multi-tune file as a whole; its tunes are the pieces
        piece_id = f"{source}#{number}" if number is not None else source
        found[collection].append((source, number or 0, WorkItem(piece_id, collection, str(root / source), number)))
    items = []
    for collection in collections:
        ordered = [item for _, _, item in sorted(found[collection], key=lambda e: (e[0], e[1]))]
        items.extend(ordered[:limit] if limit is not None else ordered)
    return items


def midi_items(midi_dir: str | Path, limit: int | None = None) -> list[WorkItem]:
    """Work items for every MIDI file under ``midi_dir`` (recursively), sorted by path."""
    root = Path(midi_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"no MIDI folder at {root}")
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in MIDI_SUFFIXES)
    items = [WorkItem(f"{MIDI_COLLECTION}/{p.relative_to(root).as_posix()}", MIDI_COLLECTION, str(p), None)
             for p in files]
    return items[:limit] if limit is not None else items


# -- parsing (runs in the worker processes) ------------------------------------------------------------
def use_scratch_dir(scratch: str) -> None:
    """Point music21's scratch folder at ours (in memory only; ~/.music21rc is not written)."""
    from music21 import environment

    Path(scratch).mkdir(parents=True, exist_ok=True)
    environment.Environment()["directoryScratch"] = scratch


def parse_item(item: WorkItem, steps_per_quarter: int = STEPS_PER_QUARTER) -> dict:
    """A piece as a plain dict (see :func:`_record`) on the grid of ``steps_per_quarter`` steps a quarter,
    or ``{"id", "collection", "error"}``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if item.collection == MIDI_COLLECTION:
                return _midi_record(item, steps_per_quarter)
            return _music21_record(item, steps_per_quarter)
    except Exception as e:  # noqa: BLE001 - every failure is counted and reported, none is fatal
        message = str(e).strip().splitlines()[0] if str(e).strip() else ""
        return {"id": item.id, "collection": item.collection, "error": f"{type(e).__name__}: {message}"[:300]}


def _record(item: WorkItem, title: str, meter: tuple[int, int], key_sharps, mode, tracks: list[Track],
            flags: set[str]) -> dict:
    tracks = [t for t in tracks if t.notes]
    if not tracks:
        raise ValueError("the piece holds no notes")
    for t in tracks:
        if any(a.end > b.start for a, b in zip(t.notes, t.notes[1:])):
            flags.add(CHORDS)
            break
    return {"id": item.id, "collection": item.collection, "title": title, "meter": list(meter),
            "key_sharps": key_sharps, "mode": mode, "flags": sorted(flags),
            "tracks": [{"name": t.name, "program": t.program, "is_drum": t.is_drum,
                        "notes": [tuple(n) for n in t.notes]} for t in tracks]}


def _step(quarters, steps_per_quarter: int = STEPS_PER_QUARTER) -> tuple[int, bool]:
    """Quarter lengths to the nearest grid step (halves round up), and whether it was exact."""
    q = Fraction(quarters).limit_denominator(1 << 16) * steps_per_quarter
    return math.floor(q + Fraction(1, 2)), q.denominator == 1


def _music21_record(item: WorkItem, steps_per_quarter: int = STEPS_PER_QUARTER) -> dict:
    from music21 import converter

    score = converter.parse(item.path, number=item.number, forceSource=True)
    parts = list(score.parts) or [score]
    flags: set[str] = set()

    signatures = list(parts[0].recurse().getElementsByClass("TimeSignature"))
    if signatures:
        first = signatures[0]
        meter = (int(first.numerator), int(first.denominator))
        if any((s.numerator, s.denominator) != meter for s in signatures[1:]):
            flags.add(METER_CHANGE)
    else:
        meter = (4, 4)
        flags.add(NO_METER)

    key_sig = parts[0].recurse().getElementsByClass("KeySignature").first()
    key_sharps = int(key_sig.sharps) if key_sig is not None else None
    mode = getattr(key_sig, "mode", None) if key_sig is not None else None

    shift = _pickup(parts[0], meter)
    if shift:
        flags.add(PICKUP)
    step_ticks = step_ticks_of(steps_per_quarter)
    tracks = []
    for index, part in enumerate(parts):
        notes = []
        for midi, begin, end in _tied_notes(part):
            start, exact_start = _step(begin + shift, steps_per_quarter)
            stop, exact_end = _step(end + shift, steps_per_quarter)
            if not (exact_start and exact_end):
                flags.add(OFF_GRID)
            if 0 <= midi <= 127:
                notes.append(Note(midi, start * step_ticks, max(1, stop - start) * step_ticks, VELOCITY))
        instrument = part.getInstrument(returnDefault=False)
        program = instrument.midiProgram if instrument is not None and instrument.midiProgram is not None else 0
        name = part.partName or (f"Part {index + 1}" if len(parts) > 1 else "Melody")
        tracks.append(Track(name, int(program), False, on_grid(notes, step_ticks=step_ticks)))
    title = (score.metadata.title or "") if score.metadata is not None else ""
    return _record(item, title, meter, key_sharps, mode, tracks, flags)


def _quarters(value) -> Fraction:
    return Fraction(value).limit_denominator(1 << 16)


def _tied_notes(part) -> list[tuple[int, Fraction, Fraction]]:
    """(MIDI pitch, start, end) in quarter notes, tied notes joined into one.

    What ``stripTies`` gives, in a fifth of the time it takes on Palestrina's masses. Grace notes
    (no duration) are left out.
    """
    out: list[tuple[int, Fraction, Fraction]] = []
    tied: dict[int, int] = {}  # pitch -> index in ``out`` of a note whose tie goes on
    for element in part.flatten().notes:
        length = element.duration.quarterLength
        if length <= 0:
            continue
        start = _quarters(element.offset)
        end = start + _quarters(length)
        chord_tie = element.tie.type if element.isChord and element.tie is not None else None
        for n in (element.notes if element.isChord else (element,)):
            midi = n.pitch.midi
            tie = n.tie.type if n.tie is not None else chord_tie
            i = tied.pop(midi, None)
            if i is not None and tie in ("continue", "stop") and out[i][2] == start:
                out[i] = (midi, out[i][1], end)
            else:
                out.append((midi, start, end))
                i = len(out) - 1
            if tie in ("start", "continue"):
                tied[midi] = i
    return out


def _pickup(part, meter: tuple[int, int]) -> Fraction:
    """How far an anacrusis must move so that bar lines fall on the bar grid (0 without one)."""
    measures = part.getElementsByClass("Measure")
    if len(measures) < 2:
        return Fraction(0)
    first = measures[0]
    padding = Fraction(first.paddingLeft or 0)
    if padding > 0:
        return padding
    bar = Fraction(meter[0] * 4, meter[1])
    length = Fraction(first.duration.quarterLength)
    return bar - length if 0 < length < bar else Fraction(0)


def _midi_record(item: WorkItem, steps_per_quarter: int = STEPS_PER_QUARTER) -> dict:
    from musicstudio.io.midi_read import import_midi

    result = import_midi(item.path)
    song = result.song
    flags: set[str] = set()
    if result.damaged:
        flags.add(REPAIRED)
    first = song.time_signatures[0]
    meter = (first.numerator, first.denominator)
    if any((s.numerator, s.denominator) != meter for s in song.time_signatures[1:]):
        flags.add(METER_CHANGE)
    # A file without a key signature reads as C major: C major at tick 0 alone counts as unknown.
    if song.key_signatures == (KeySignature(0, Key()),):
        key_sharps, mode = None, None
    else:
        key_sharps, mode = song.key.sharps, "minor" if song.key.minor else "major"
    step_ticks = step_ticks_of(steps_per_quarter)
    tracks = []
    for t in song.tracks:
        if not is_on_grid(t.notes, step_ticks):
            flags.add(OFF_GRID)
        if t.is_drum and t.notes:
            flags.add(DRUMS)
        tracks.append(t.with_notes(on_grid(t.notes, step_ticks=step_ticks)))
    return _record(item, song.title or Path(item.path).stem, meter, key_sharps, mode, tracks, flags)
