"""Musical time: everything in the song model is counted in ticks at a fixed PPQ."""

PPQ = 480
"""Ticks per quarter note, for every song the model holds (imported files are rescaled)."""


def beats_to_ticks(beats: float) -> int:
    """Quarter-note beats to the nearest tick."""
    return round(beats * PPQ)


def ticks_to_beats(ticks: int) -> float:
    return ticks / PPQ
