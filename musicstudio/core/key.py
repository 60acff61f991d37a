"""Keys and scales. A key is stored as MIDI does: sharps (+) or flats (-) and major/minor."""

from __future__ import annotations

from typing import NamedTuple

MAJOR_STEPS = (0, 2, 4, 5, 7, 9, 11)
MINOR_STEPS = (0, 2, 3, 5, 7, 8, 10)  # natural minor

_MAJOR_NAMES = {-7: "Cb", -6: "Gb", -5: "Db", -4: "Ab", -3: "Eb", -2: "Bb", -1: "F", 0: "C",
                1: "G", 2: "D", 3: "A", 4: "E", 5: "B", 6: "F#", 7: "C#"}
_MINOR_NAMES = {-7: "Ab", -6: "Eb", -5: "Bb", -4: "F", -3: "C", -2: "G", -1: "D", 0: "A",
                1: "E", 2: "B", 3: "F#", 4: "C#", 5: "G#", 6: "D#", 7: "A#"}
_PC_OF = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


class Key(NamedTuple):
    sharps: int = 0        # -7 (seven flats) .. +7 (seven sharps)
    minor: bool = False

    @property
    def tonic(self) -> int:
        """Pitch class of the tonic, 0 = C."""
        major_tonic = (self.sharps * 7) % 12
        return (major_tonic + 9) % 12 if self.minor else major_tonic

    @property
    def name(self) -> str:
        names = _MINOR_NAMES if self.minor else _MAJOR_NAMES
        return f"{names[self.sharps]} {'minor' if self.minor else 'major'}"

    def scale(self) -> frozenset[int]:
        """Pitch classes of the key's scale (natural minor for minor keys)."""
        steps = MINOR_STEPS if self.minor else MAJOR_STEPS
        return frozenset((self.tonic + s) % 12 for s in steps)

    def contains(self, pitch: int) -> bool:
        return pitch % 12 in self.scale()

    def __str__(self) -> str:
        return self.name


def is_valid_key(sharps: int, minor: int) -> bool:
    return -7 <= sharps <= 7 and minor in (0, 1)


def parse_key(text: str) -> Key:
    """'C major', 'F# minor', 'Bb', 'a minor' -> Key. Raises ValueError for anything else."""
    parts = text.strip().split()
    if not parts or len(parts) > 2:
        raise ValueError(f"not a key: {text!r} (try 'C major' or 'A minor')")
    tonic = parts[0][0].upper() + parts[0][1:]
    mode = parts[1].lower() if len(parts) == 2 else "major"
    if mode not in ("major", "minor") or tonic[0] not in _PC_OF:
        raise ValueError(f"not a key: {text!r} (try 'C major' or 'A minor')")
    names = _MINOR_NAMES if mode == "minor" else _MAJOR_NAMES
    for sharps, name in sorted(names.items(), key=lambda kv: abs(kv[0])):
        if name == tonic:
            return Key(sharps, mode == "minor")
    raise ValueError(f"not a key: {text!r}")


class KeySignature(NamedTuple):
    tick: int
    key: Key
