"""The user's MIDI folder as fine-tuning data: read into a small corpus cache, each file checked against the
base model's codec (and meter, for the GAN's 4/4 bars), split by piece into training and validation.

A folder of 20 files is tiny, so the corpus's own 90/5/5 split would often leave no validation piece.
Here every usable piece trains except a validation share (15%, at least one piece when there are two or
more), picked by the sha256 of the file's id so the split does not change when the folder is read again.
Pieces with the same notes as an earlier one are skipped, so no validation piece is also trained on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from musicstudio.generators.codecs import EventCodec, MelodyCodec
from musicstudio.generators.codecs.pianoroll import PianorollCodec
from musicstudio.generators.corpus_piece import Piece
from musicstudio.generators.corpus_sources import MIDI_COLLECTION, MIDI_SUFFIXES, midi_items
from musicstudio.generators.training.data import piece_sequences

VALID_SHARE = 0.15


class FineTuneError(Exception):
    """The fine-tune cannot run; ``str(error)`` is a message for the user."""


class FineTuneCancelled(Exception):
    """Stopped on request; the resume state of the last whole epoch is kept."""


@dataclass
class FolderData:
    folder: Path
    files: int                                    # MIDI files found
    notes_read: int                               # notes of the usable pieces
    train: list[Piece] = field(default_factory=list)
    valid: list[Piece] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)   # (file, why)
    notes: list[str] = field(default_factory=list)                 # things the card should say

    @property
    def usable(self) -> int:
        return len(self.train) + len(self.valid) - (1 if self.shared_piece else 0)

    @property
    def shared_piece(self) -> bool:
        """One usable piece: it trains and validates."""
        return len(self.train) == 1 and self.train == self.valid

    def sha256(self) -> str:
        """Over the usable pieces' files, content hashes and splits: equal hashes, equal data."""
        lines = sorted(f"{split} {p.info.id} {p.info.content_hash}"
                       for split, pieces in (("train", self.train), ("valid", self.valid)) for p in pieces)
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()

    def sequences(self, split: str, codec: MelodyCodec | EventCodec, shifts=(0,)) -> list[np.ndarray]:
        return [s for s, _ in self.metered(split, codec, shifts)]

    def metered(self, split: str, codec: MelodyCodec | EventCodec, shifts=(0,)) -> list[tuple[np.ndarray, tuple]]:
        """The split's sequences, each with its piece's meter (numerator, denominator)."""
        pieces = self.train if split == "train" else self.valid
        return [(s, p.info.meter) for p in pieces for s in piece_sequences(p, codec, shifts) if len(s)]


def file_name(piece_id: str) -> str:
    """``midi/sub/song.mid`` -> ``sub/song.mid`` (the path inside the folder)."""
    return piece_id.split("/", 1)[1] if piece_id.startswith(MIDI_COLLECTION + "/") else piece_id


def _range_text(codec) -> str:
    return f"{codec.low}-{codec.high}"


def _fits(piece: Piece, codec: MelodyCodec | EventCodec | PianorollCodec) -> bool:
    """Whether the codec can take some of the piece: a token codec a whole line (or the whole piece), a
    piano roll any note in its range (the rest is left out)."""
    if isinstance(codec, PianorollCodec):
        return any(codec.low <= n.pitch <= codec.high for t in piece.tracks if not t.is_drum for n in t.notes)
    return any(len(s) for s in piece_sequences(piece, codec))


METERS = {"bar": "4/4 or 2/4", "flagged": "3/4 or 6/8", "other": "another meter"}


def build_folder_corpus(folder: Path, items, cache_dir: Path, progress=None):
    """Parse the MIDI files one by one (no music21 needed, unlike the corpus build's worker pool) and
    write them as a corpus cache; ``progress(done, total)`` after each file."""
    from musicstudio.generators.corpus import _piece_info  # the corpus build's record -> manifest row
    from musicstudio.generators.corpus_sources import parse_item
    from musicstudio.generators.corpus_split import assign_splits
    from musicstudio.generators.corpus_store import Manifest, write_cache

    infos, tracks, failures = [], [], []
    for done, item in enumerate(items, 1):
        record = parse_item(item)
        if "error" in record:
            failures.append({"id": record["id"], "collection": record["collection"], "error": record["error"]})
        else:
            info, piece_tracks = _piece_info(record)
            infos.append(info)
            tracks.append(piece_tracks)
        if progress is not None:
            progress(done, len(items))
    splits = assign_splits((i.id, i.content_hash) for i in infos)
    infos = [replace(i, split=splits[i.id]) for i in infos]
    build = {"collections": ["midi"], "midi_dir": str(folder),
             "purpose": "fine-tune"}
    return write_cache(cache_dir, Manifest(tuple(infos), tuple(failures), build), tracks)


def read_folder(folder: str | Path, cache_dir: str | Path, codec: MelodyCodec | EventCodec | PianorollCodec,
                valid_share: float = VALID_SHARE, progress=None, meter_classes=None) -> FolderData:
    """Read every MIDI file under ``folder`` into a corpus cache at ``cache_dir`` (or load the cache a
    cancelled run left there) and split the pieces ``codec`` can encode (and, given ``meter_classes``,
    whose meter is of one of them: "bar", "flagged", "other"). Raises FineTuneError when the folder
    holds no usable MIDI file, naming why each file was skipped."""
    from musicstudio.generators.corpus import load_corpus
    from musicstudio.generators.corpus_store import CorpusCacheError

    folder, cache_dir = Path(folder), Path(cache_dir)
    if not folder.is_dir():
        raise FineTuneError(f"there is no folder at {folder}")
    items = midi_items(folder)
    if not items:
        raise FineTuneError(f"{folder} holds no MIDI files ({', '.join(MIDI_SUFFIXES)}, searched in subfolders too)")
    try:
        corpus = load_corpus(cache_dir)
    except CorpusCacheError:
        build_folder_corpus(folder, items, cache_dir, progress)
        corpus = load_corpus(cache_dir)
    data = FolderData(folder, len(items), 0)
    data.skipped = [(file_name(f["id"]), f"could not be read ({f['error']})") for f in corpus.manifest.failures]
    usable: list[Piece] = []
    seen: dict[str, str] = {}
    for i in range(len(corpus)):
        piece = corpus.piece(i)
        name = file_name(piece.info.id)
        if piece.info.content_hash in seen:
            data.skipped.append((name, f"the same notes as {seen[piece.info.content_hash]}"))
            continue
        if not any(not t.is_drum and t.notes for t in piece.tracks):
            data.skipped.append((name, "no pitched notes (drums only)"))
            continue
        if not _fits(piece, codec):
            data.skipped.append((name, f"its notes do not fit the model's pitch range ({_range_text(codec)})"))
            continue
        if meter_classes is not None and piece.info.meter_class not in meter_classes:
            wanted = " or ".join(METERS.get(m, m) for m in meter_classes)
            data.skipped.append((name, f"it is in {METERS.get(piece.info.meter_class, 'another meter')}; "
                                       f"this model's bars are {wanted}"))
            continue
        seen[piece.info.content_hash] = name
        usable.append(piece)
    if not usable:
        why = "; ".join(f"{name}: {reason}" for name, reason in data.skipped[:5])
        more = f" (and {len(data.skipped) - 5} more)" if len(data.skipped) > 5 else ""
        raise FineTuneError(f"none of the {len(items)} MIDI files in {folder} can be used: {why}{more}")
    data.notes_read = sum(p.info.notes for p in usable)
    if len(usable) == 1:
        data.train, data.valid = usable, usable
        data.notes.append("only one usable piece: it is both trained on and validated on, so the validation "
                          "loss says little")
        return data
    ranked = sorted(usable, key=lambda p: hashlib.sha256(p.info.id.encode()).hexdigest())
    count = min(len(usable) - 1, max(1, round(valid_share * len(usable))))
    valid_ids = {p.info.id for p in ranked[:count]}
    data.valid = [p for p in usable if p.info.id in valid_ids]
    data.train = [p for p in usable if p.info.id not in valid_ids]
    return data
