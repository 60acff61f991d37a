"""One piece of the training corpus: its manifest row (:class:`PieceInfo`) and its tracks (:class:`Piece`).

Every piece is on the 16th grid (starts and durations are multiples of 120 ticks). Meters sort pieces
for models: 4/4 and 2/4 suit bar-based models (``meter_class == "bar"``); 3/4 and 6/8 are kept and
marked ``"flagged"``; anything else (2/2, 4/2, 3/8, 9/8 ...) is ``"other"``. A piece whose meter
changes is never ``"bar"``.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, replace
from typing import Iterable, Iterator

from musicstudio.core.key import Key, KeySignature
from musicstudio.core.meter import TimeSignature
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track

BAR_METERS = ((4, 4), (2, 4))
FLAGGED_METERS = ((3, 4), (6, 8))
SPLITS = ("train", "valid", "test")

# Flags a piece can carry
OFF_GRID = "off_grid"          # quantizing to 16ths moved notes (triplets, 32nds, grace notes ...)
METER_CHANGE = "meter_change"  # the time signature changes inside the piece; ``meter`` is the first one
NO_METER = "no_meter"          # the source states no time signature; 4/4 was assumed
PICKUP = "pickup"              # an anacrusis: the notes were moved so that bar lines fall on the grid's bars
CHORDS = "chords"              # some track holds notes that overlap (the piece is not one line per track)
REPAIRED = "repaired"          # a MIDI file that needed repairs to load
DRUMS = "drums"                # a MIDI file with a drum track


def content_hash(tracks: Iterable[Track]) -> str:
    """sha256 of the canonical note list: every note of every track as (start, pitch, duration), sorted.

    Track layout, names and velocities do not count: the same music split another way hashes the same.
    """
    rows = sorted((n.start, n.pitch, n.duration) for t in tracks for n in t.notes)
    return hashlib.sha256(";".join(f"{s},{p},{d}" for s, p, d in rows).encode("ascii")).hexdigest()


@dataclass(frozen=True)
class PieceInfo:
    """A manifest row: everything about a piece except its notes."""

    id: str
    collection: str
    content_hash: str
    meter: tuple[int, int]
    key_sharps: int | None      # None: the source states no key signature
    mode: str | None            # "major", "minor", "dorian" ... when the source names one
    bars: int
    notes: int
    lowest: int
    highest: int
    tracks: tuple[tuple[str, int, bool], ...]  # (name, program, is_drum) per track
    title: str = ""
    flags: tuple[str, ...] = ()
    split: str = ""

    @property
    def meter_class(self) -> str:
        if METER_CHANGE in self.flags or NO_METER in self.flags:
            return "other"
        if self.meter in BAR_METERS:
            return "bar"
        return "flagged" if self.meter in FLAGGED_METERS else "other"

    @property
    def key(self) -> Key | None:
        """The key when both the signature and a major or minor mode are known."""
        if self.key_sharps is None or self.mode not in ("major", "minor"):
            return None
        return Key(self.key_sharps, self.mode == "minor")

    def to_json(self) -> dict:
        d = asdict(self)
        d["meter"] = list(self.meter)
        d["tracks"] = [list(t) for t in self.tracks]
        d["flags"] = list(self.flags)
        return d

    @classmethod
    def from_json(cls, d: dict) -> PieceInfo:
        return cls(**{**d, "meter": tuple(d["meter"]), "tracks": tuple(tuple(t) for t in d["tracks"]),
                      "flags": tuple(d["flags"])})


@dataclass(frozen=True)
class Piece:
    """A piece with its notes, as core :class:`~musicstudio.core.track.Track` values."""

    info: PieceInfo
    tracks: tuple[Track, ...]
    transposition: int = field(default=0)  # semitones from the stored piece (augmentation)

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def split(self) -> str:
        return self.info.split

    @property
    def notes(self) -> tuple[Note, ...]:
        """Every note of every track, by start."""
        return tuple(sorted((n for t in self.tracks for n in t.notes), key=lambda n: (n.start, n.pitch)))

    def song(self) -> Song:
        """The piece as a song: its tracks, its meter, and its key signature when known."""
        keys = () if self.info.key_sharps is None else \
            (KeySignature(0, Key(self.info.key_sharps, self.info.mode == "minor")),)
        return Song(tracks=self.tracks, time_signatures=(TimeSignature(0, *self.info.meter),),
                    key_signatures=keys, title=self.info.title)


def transposed_sharps(sharps: int, semitones: int) -> int:
    """The key signature ``semitones`` higher, spelled with at most six accidentals (six flats for F#/Gb)."""
    return (sharps + 7 * semitones + 6) % 12 - 6


def transposed(piece: Piece, semitones: int, low: int = 0, high: int = 127) -> Piece | None:
    """The piece moved by ``semitones``, or None when a note would leave ``low..high``.

    Drum tracks stay where they are (their pitches are instruments). The content hash stays the
    original's: a transposed copy belongs to the original's split.
    """
    pitched = [n for t in piece.tracks if not t.is_drum for n in t.notes]
    if not pitched or semitones == 0:
        return piece if semitones == 0 else None
    if min(n.pitch for n in pitched) + semitones < low or max(n.pitch for n in pitched) + semitones > high:
        return None
    tracks = tuple(t if t.is_drum else t.with_notes(n._replace(pitch=n.pitch + semitones) for n in t.notes)
                   for t in piece.tracks)
    info = piece.info
    sharps = None if info.key_sharps is None else transposed_sharps(info.key_sharps, semitones)
    info = replace(info, key_sharps=sharps, lowest=info.lowest + semitones, highest=info.highest + semitones)
    return Piece(info, tracks, piece.transposition + semitones)


def transpositions(piece: Piece, shifts: Iterable[int] = range(-5, 7), low: int = 0,
                   high: int = 127) -> Iterator[Piece]:
    """Augmentation for training: the piece in every key of ``shifts`` (default a fourth down to a
    fifth up, so each pitch class once) that keeps its notes within ``low..high``."""
    for k in shifts:
        moved = transposed(piece, k, low, high)
        if moved is not None:
            yield moved
