"""The chorales the harmonizer learns from and is measured on: music21's Bach chorales (corpus collection
``bach``) with one soprano, alto, tenor and bass part each, in the corpus's train / valid / test split
(:mod:`musicstudio.generators.corpus_split`: by piece, so no test chorale is trained on), on the 16th grid
with bar lines on the grid's bars (the corpus shifted pickups), transposed for training into every key
that keeps the voices inside :data:`~.voices.LOW`..:data:`~.voices.HIGH`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from musicstudio.core.note import Note
from musicstudio.generators.corpus_piece import Piece
from musicstudio.generators.harmonizer.voices import HIGH, LOW, VOICE_NAMES, Voices

COLLECTION = "bach"
CORPUS = Path("cache/corpus")


@dataclass(frozen=True)
class Chorale:
    id: str
    split: str
    meter: tuple[int, int]
    parts: tuple[tuple[Note, ...], ...]    # soprano, alto, tenor, bass

    @property
    def end(self) -> int:
        return max(n.end for part in self.parts for n in part)


def satb(piece: Piece) -> tuple[tuple[Note, ...], ...] | None:
    """The soprano, alto, tenor and bass parts of a chorale (tracks named so, the first word counting:
    "Soprano\\rOboe 1,2" is the soprano), or None when it has not exactly one of each with notes."""
    found: dict[str, list] = {}
    for track in piece.tracks:
        word = (track.name.split() or [""])[0].lower()
        if word in VOICE_NAMES and not track.is_drum:
            found.setdefault(word, []).append(track)
    if any(len(found.get(name, ())) != 1 for name in VOICE_NAMES):
        return None
    parts = tuple(found[name][0].notes for name in VOICE_NAMES)
    return parts if all(parts) else None


def chorales(corpus, split: str | None = None) -> list[Chorale]:
    """The four-part chorales of a loaded corpus (:func:`~musicstudio.generators.corpus.load_corpus`)."""
    out = []
    for info in corpus.select(split, collections=[COLLECTION]):
        piece = corpus.piece(info.id)
        parts = satb(piece)
        if parts is not None:
            out.append(Chorale(info.id, info.split, tuple(info.meter), parts))
    return out


def training_voices(chorale: Chorale, augment: bool) -> list[Voices]:
    """The chorale as token lines, in every key from a fourth down to a fifth up that fits (``augment``),
    else as written; a chorale with a pitch outside the range is skipped."""
    shifts = range(-5, 7) if augment else (0,)
    out = []
    for k in shifts:
        parts = [[n._replace(pitch=n.pitch + k) for n in part] for part in chorale.parts]
        if min(n.pitch for p in parts for n in p) < LOW or max(n.pitch for p in parts for n in p) > HIGH:
            continue
        out.append(Voices.from_parts(parts, chorale.meter))
    return out


def voice_ranges(chorales_: list[Chorale], share: float = 0.995) -> list[tuple[int, int]]:
    """Each voice's range in Bach: the pitches that hold ``share`` of its notes (the lowest and highest
    (1 - share) / 2 of them left out)."""
    edge = (1 - share) / 2 * 100
    out = []
    for v in range(4):
        pitches = np.array([n.pitch for c in chorales_ for n in c.parts[v]])
        out.append((int(np.floor(np.percentile(pitches, edge))), int(np.ceil(np.percentile(pitches, 100 - edge)))))
    return out

