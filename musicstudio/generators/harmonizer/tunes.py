"""A melody to harmonize in the docs, the app's screenshot and the shipped model's test: the Old Hundredth
(Louis Bourgeois, Genevan Psalter, 1551; public domain), in G major, 4/4, four phrases of three bars, each
opening on a half note and closing on a whole note (where a chorale has its fermatas)."""

from __future__ import annotations

from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track

QUARTER = 480
_PHRASES = ((67, 67, 66, 64, 62, 67, 69, 71), (71, 71, 71, 69, 67, 72, 71, 69),
            (67, 69, 71, 69, 67, 64, 66, 67), (74, 71, 67, 69, 72, 71, 69, 67))


def old_hundredth(velocity: int = 90) -> tuple[Note, ...]:
    notes, at = [], 0
    for phrase in _PHRASES:
        for i, pitch in enumerate(phrase):
            length = 2 * QUARTER if i == 0 else 4 * QUARTER if i == len(phrase) - 1 else QUARTER
            notes.append(Note(pitch, at, length, velocity))
            at += length
    return tuple(notes)


def old_hundredth_song() -> Song:
    """The tune alone on a flute, 12 bars of 4/4."""
    return Song((Track("Old Hundredth", 73, False, old_hundredth()),))
