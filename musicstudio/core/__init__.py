"""Pure musical domain: notes, tracks, songs, tempo, meter, key and edits.

Nothing here imports Qt, torch or any other part of the package.
"""

from musicstudio.core.key import Key, KeySignature
from musicstudio.core.meter import Meter, TimeSignature
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.tempo import DEFAULT_TEMPO_US, Tempo, bpm_to_us, us_to_bpm
from musicstudio.core.ticks import PPQ
from musicstudio.core.track import Track

__all__ = [
    "DEFAULT_TEMPO_US",
    "Key",
    "KeySignature",
    "Meter",
    "Note",
    "PPQ",
    "Song",
    "Tempo",
    "TimeSignature",
    "Track",
    "bpm_to_us",
    "us_to_bpm",
]
