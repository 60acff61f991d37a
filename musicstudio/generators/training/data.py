"""Token sequences from the corpus for the melody and events codecs, by split, with augmentation.

``melody``: every pitched track is its own line (a chorale gives four melodies), kept where it fits the
codec's range. ``events``: the pitched tracks of a piece together, one polyphonic sequence. Training
data is augmented by transposition (each shift that keeps the notes in range); valid and test never are.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterator

import numpy as np

from musicstudio.generators.codecs import EventCodec, MelodyCodec
from musicstudio.generators.codecs.melody import FIRST_NOTE
from musicstudio.generators.corpus_piece import Piece
from musicstudio.generators.corpus_store import Corpus


@dataclass(frozen=True)
class DataConfig:
    collections: tuple[str, ...] | None = None          # None: all
    meter_classes: tuple[str, ...] | None = None        # "bar", "flagged", "other"; None: all
    transpose: tuple[int, ...] = tuple(range(-5, 7))    # training augmentation (semitones)
    max_tracks: int | None = None
    limit: int | None = None                            # at most this many pieces per split (tiny runs)
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_dict(cls, d: dict) -> DataConfig:
        d = dict(d)
        for key in ("collections", "meter_classes", "transpose"):
            if d.get(key) is not None:
                d[key] = tuple(d[key])
        known = {k: d.pop(k) for k in list(d) if k in cls.__dataclass_fields__ and k != "extra"}
        return cls(**known, extra=d)

    def to_dict(self) -> dict:
        return {"collections": list(self.collections) if self.collections else None,
                "meter_classes": list(self.meter_classes) if self.meter_classes else None,
                "transpose": list(self.transpose), "max_tracks": self.max_tracks, "limit": self.limit,
                **self.extra}


def _wide(codec: MelodyCodec | EventCodec) -> MelodyCodec | EventCodec:
    """The same codec over every MIDI pitch: encode once, then transpose the tokens."""
    if isinstance(codec, MelodyCodec):
        return MelodyCodec(0, 127)
    return replace(codec, low=0, high=127)   # its grid, shifts and velocities kept


def _pitch_map(wide: MelodyCodec | EventCodec, codec: MelodyCodec | EventCodec, k: int) -> np.ndarray:
    """Token of ``wide`` -> token of ``codec`` for the pitch ``k`` semitones higher (-1 when out of range)."""
    out = np.full(wide.size, -1, dtype=np.int64)
    pitches = np.arange(128)
    moved = pitches + k
    ok = (moved >= codec.low) & (moved <= codec.high)
    if isinstance(codec, MelodyCodec):
        out[:FIRST_NOTE] = np.arange(FIRST_NOTE)
        out[FIRST_NOTE + pitches[ok]] = FIRST_NOTE + moved[ok] - codec.low
    else:
        out[pitches[ok]] = moved[ok] - codec.low
        out[wide.first_off + pitches[ok]] = codec.first_off + moved[ok] - codec.low
        rest = np.arange(wide.first_shift, wide.size)
        out[rest] = codec.first_shift + rest - wide.first_shift
    return out


def piece_sequences(piece: Piece, codec: MelodyCodec | EventCodec, shifts=(0,)) -> Iterator[np.ndarray]:
    """The piece's token sequences for ``codec``, once per transposition in ``shifts`` that keeps every
    note in the codec's range (a melody codec takes each pitched track as its own line)."""
    pitched = [t for t in piece.tracks if not t.is_drum and t.notes]
    if not pitched:
        return
    wide = _wide(codec)
    lines = [t.notes for t in pitched] if isinstance(codec, MelodyCodec) else \
        [tuple(n for t in pitched for n in t.notes)]
    for notes in lines:
        lo, hi = min(n.pitch for n in notes), max(n.pitch for n in notes)
        fitting = [k for k in shifts if codec.low <= lo + k and hi + k <= codec.high]
        if not fitting:
            continue
        tokens = wide.encode(notes)
        for k in fitting:
            yield _pitch_map(wide, codec, k)[tokens]


def split_pieces(corpus: Corpus, split: str, data: DataConfig) -> list[str]:
    """Ids of the split's pieces that pass the config's filters."""
    infos = corpus.select(split, collections=data.collections, meter_classes=data.meter_classes,
                          max_tracks=data.max_tracks)
    ids = [p.id for p in infos]
    return ids[:data.limit] if data.limit else ids


def split_sequences(corpus: Corpus, split: str, codec: MelodyCodec | EventCodec, data: DataConfig,
                    augment: bool | None = None) -> list[np.ndarray]:
    """Every sequence of a split; training is transposed by ``data.transpose`` unless ``augment`` is False."""
    return [s for s, _ in metered_sequences(corpus, split, codec, data, augment)]


def metered_sequences(corpus: Corpus, split: str, codec: MelodyCodec | EventCodec, data: DataConfig,
                      augment: bool | None = None) -> list[tuple[np.ndarray, tuple[int, int]]]:
    """Every sequence of a split with its piece's meter (each piece starts on a bar line: a pickup was
    moved so that bar lines fall on the grid's bars); as :func:`split_sequences`."""
    augment = split == "train" if augment is None else augment
    shifts = data.transpose if augment else (0,)
    out = []
    for piece_id in split_pieces(corpus, split, data):
        piece = corpus.piece(piece_id)
        out.extend((s, piece.info.meter) for s in piece_sequences(piece, codec, shifts) if len(s))
    return out
