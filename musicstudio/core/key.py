"""Keys and scales. A key is stored as MIDI does: sharps (+) or flats (-) and major/minor.

Key names are read in every common spelling (:func:`parse_key`): ``F# minor``, ``F#m``, ``F♯ minor``,
``F sharp minor``, ``f#`` (a lower-case tonic alone is minor, as in Humdrum and music21), and a spelling
no key signature can hold is read as its enharmonic twin (``Gb minor`` is F# minor, nine flats being
no signature).
"""

from __future__ import annotations

import re
from typing import NamedTuple

MAJOR_STEPS = (0, 2, 4, 5, 7, 9, 11)
MINOR_STEPS = (0, 2, 3, 5, 7, 8, 10)  # natural minor

_MAJOR_NAMES = {-7: "Cb", -6: "Gb", -5: "Db", -4: "Ab", -3: "Eb", -2: "Bb", -1: "F", 0: "C",
                1: "G", 2: "D", 3: "A", 4: "E", 5: "B", 6: "F#", 7: "C#"}
_MINOR_NAMES = {-7: "Ab", -6: "Eb", -5: "Bb", -4: "F", -3: "C", -2: "G", -1: "D", 0: "A",
                1: "E", 2: "B", 3: "F#", 4: "C#", 5: "G#", 6: "D#", 7: "A#"}
_PC_OF = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_SHARPS_OF_LETTER = {"F": -1, "C": 0, "G": 1, "D": 2, "A": 3, "E": 4, "B": 5}   # its major key's signature

# A spelled tonic: a letter, then an accidental: # ♯ b ♭, the words sharp or flat, or music21's "-" for flat.
_TONIC = re.compile(r"(?P<letter>[A-Ga-g])(?P<accidental>(?:\s*-?\s*(?:sharp|flat)\b)|#|♯|b|♭|-)?\s*(?P<rest>.*)",
                    re.IGNORECASE | re.DOTALL)
_SHARP_WORDS, _FLAT_WORDS = ("#", "♯"), ("b", "♭", "-")
MAJOR_WORDS = ("major", "maj", "dur")
MINOR_WORDS = ("minor", "min", "m", "moll")
KEY_EXAMPLES = "try 'C major', 'F# minor', 'F#m', 'Bb' or 'f#'"


class Key(NamedTuple):
    sharps: int = 0        # -7 (seven flats) .. +7 (seven sharps)
    minor: bool = False

    @property
    def tonic(self) -> int:
        """Pitch class of the tonic, 0 = C."""
        major_tonic = (self.sharps * 7) % 12
        return (major_tonic + 9) % 12 if self.minor else major_tonic

    @property
    def tonic_name(self) -> str:
        """The tonic as the signature spells it: "F#", "Bb"."""
        return (_MINOR_NAMES if self.minor else _MAJOR_NAMES)[self.sharps]

    @property
    def name(self) -> str:
        return f"{self.tonic_name} {'minor' if self.minor else 'major'}"

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


class SpelledTonic(NamedTuple):
    """The front of a key name: ``letter`` upper case, ``alter`` +1 sharp / -1 flat, ``lower`` whether the
    letter was written in lower case, and ``rest``, the words after it ("minor", "dorian" ...)."""

    letter: str
    alter: int
    lower: bool
    rest: str

    @property
    def pitch_class(self) -> int:
        return (_PC_OF[self.letter] + self.alter) % 12

    @property
    def spelling(self) -> str:
        return self.letter + {1: "#", -1: "b", 0: ""}[self.alter]

    @property
    def mode_words(self) -> str:
        """The words after the tonic in lower case, spaces made single; "M" alone (as in "CM") is "major"."""
        return "major" if self.rest == "M" else " ".join(self.rest.split()).lower()


def spelled_tonic(text: str) -> SpelledTonic | None:
    """The tonic at the front of ``text`` ("F sharp minor" -> F, +1, "minor"), or None without one."""
    m = _TONIC.fullmatch(text.strip())
    if m is None:
        return None
    accidental = (m.group("accidental") or "").strip().lower()
    alter = 1 if accidental in _SHARP_WORDS or accidental.endswith("sharp") else \
        -1 if accidental in _FLAT_WORDS or accidental.endswith("flat") else 0
    letter = m.group("letter")
    return SpelledTonic(letter.upper(), alter, letter.islower(), m.group("rest").strip())


def key_from_tonic(tonic: SpelledTonic, minor: bool) -> Key:
    """The key of a spelled tonic; a spelling past seven sharps or flats becomes its enharmonic twin
    (Gb minor -> F# minor, E# major -> F major)."""
    sharps = _SHARPS_OF_LETTER[tonic.letter] + 7 * tonic.alter - (3 if minor else 0)
    if sharps > 7:
        sharps -= 12
    elif sharps < -7:
        sharps += 12
    return Key(sharps, minor)


def parse_key(text: str) -> Key:
    """A key name in any common spelling -> Key: 'C major', 'C', 'F# minor', 'F#m', 'F♯ min', 'F sharp
    minor', 'Gb minor' (F# minor), 'Bb', 'f#' (lower case alone: minor). Raises ValueError otherwise."""
    tonic = spelled_tonic(text)
    mode = tonic.mode_words if tonic is not None else ""
    if tonic is None or not (mode in MAJOR_WORDS + MINOR_WORDS or mode == ""):
        raise ValueError(f"not a key: {text!r} ({KEY_EXAMPLES})")
    minor = mode in MINOR_WORDS if mode else tonic.lower
    return key_from_tonic(tonic, minor)


def key_of_tonic(pitch_class: int, minor: bool) -> Key:
    """The key on a tonic pitch class, spelled with at most six flats or five sharps (F# / Gb: Gb major,
    Eb minor), as :func:`~musicstudio.generators.corpus_piece.transposed_sharps` spells transpositions."""
    major_tonic = (pitch_class + (3 if minor else 0)) % 12
    sharps = (major_tonic * 7 + 6) % 12 - 6    # the circle of fifths: 7 semitones a sharp
    return Key(sharps, minor)


class KeySignature(NamedTuple):
    tick: int
    key: Key
