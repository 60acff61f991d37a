"""Scales to lock generated pitches to: major, the three minors and the church modes, on any tonic.

A :class:`Scale` is what a key lock asks for; a :class:`~musicstudio.core.key.Key` is what a key
signature says. A minor key locks to harmonic minor unless another scale is chosen, so that a minor take
has its leading tone (F# minor: E#, never E). Melodic minor is its rising form (raised sixth and
seventh), the one scale a set of pitch classes can hold.
"""

from __future__ import annotations

from typing import NamedTuple

from musicstudio.core.key import MAJOR_WORDS, MINOR_WORDS, Key, spelled_tonic

SCALE_STEPS = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "harmonic minor": (0, 2, 3, 5, 7, 8, 11),
    "melodic minor": (0, 2, 3, 5, 7, 9, 11),
    "natural minor": (0, 2, 3, 5, 7, 8, 10),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "phrygian": (0, 1, 3, 5, 7, 8, 10),
    "lydian": (0, 2, 4, 6, 7, 9, 11),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "aeolian": (0, 2, 3, 5, 7, 8, 10),
    "locrian": (0, 1, 3, 5, 6, 8, 10),
}
MODES = tuple(SCALE_STEPS)
MINOR_DEFAULT = "harmonic minor"
_MODE_WORDS = {**{w: "major" for w in MAJOR_WORDS + ("ionian",)}, **{w: MINOR_DEFAULT for w in MINOR_WORDS},
               "harmonic": "harmonic minor", "melodic": "melodic minor", "natural": "natural minor",
               **{mode: mode for mode in MODES}}
SCALE_EXAMPLES = "try 'F# minor', 'D dorian', 'A harmonic minor', 'G mixolydian' or 'Bb'"


class Scale(NamedTuple):
    """A scale on a tonic: ``tonic`` a pitch class (0 = C), ``mode`` one of :data:`MODES`, ``spelling``
    the tonic's name as written ("F#", "Gb")."""

    tonic: int
    mode: str
    spelling: str

    @classmethod
    def of_key(cls, key: Key, mode: str | None = None) -> Scale:
        """The scale a key locks to: ``mode`` on the key's tonic; by default major, or harmonic minor."""
        mode = mode or (MINOR_DEFAULT if key.minor else "major")
        if mode not in SCALE_STEPS:
            raise ValueError(f"not a scale: {mode!r} (one of {', '.join(MODES)})")
        return cls(key.tonic, mode, key.tonic_name)

    @property
    def name(self) -> str:
        return f"{self.spelling} {self.mode}"

    @property
    def minor(self) -> bool:
        """Whether its third is minor (the minors, dorian, phrygian, aeolian, locrian)."""
        return 3 in SCALE_STEPS[self.mode]

    def scale(self) -> frozenset[int]:
        """Its pitch classes."""
        return frozenset((self.tonic + s) % 12 for s in SCALE_STEPS[self.mode])

    def contains(self, pitch: int) -> bool:
        return pitch % 12 in self.scale()

    def record(self) -> list:
        """Plain data for a take's record: [spelling, mode]."""
        return [self.spelling, self.mode]

    def __str__(self) -> str:
        return self.name


def parse_scale(text: str) -> Scale:
    """A key or scale name -> Scale: every spelling :func:`~musicstudio.core.key.parse_key` reads (a minor
    key gives harmonic minor), and a tonic with a scale: 'D dorian', 'A melodic minor', 'E natural minor',
    'C# harmonic'. Raises ValueError naming the choices otherwise."""
    tonic = spelled_tonic(text)
    words = tonic.mode_words if tonic is not None else ""
    mode = _MODE_WORDS.get(words) if words else (MINOR_DEFAULT if tonic and tonic.lower else "major")
    if tonic is None or mode is None:
        raise ValueError(f"not a key or scale: {text!r} ({SCALE_EXAMPLES}; scales: {', '.join(MODES)})")
    return Scale(tonic.pitch_class, mode, tonic.spelling)


def lock_record(lock: Key | Scale) -> list:
    """A key lock as plain data: [sharps, minor] for a key (its own scale), [spelling, mode] for a scale."""
    return lock.record() if isinstance(lock, Scale) else [lock.sharps, int(lock.minor)]


def lock_from_record(data) -> Key | Scale:
    """The key lock :func:`lock_record` wrote (ValueError, TypeError or KeyError for anything else)."""
    first, second = data
    if isinstance(first, str):
        return parse_scale(f"{first} {second}")
    return Key(int(first), bool(second))
