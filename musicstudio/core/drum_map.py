"""The General MIDI percussion map: which drum each key (35-81) plays on channel 10, and the order in
which a drum editor lists them (the drums a track uses first, then the rest)."""

from __future__ import annotations

from typing import Iterable

# General MIDI Level 1 percussion key map, by key number.
GM_DRUMS: dict[int, str] = {
    35: "Acoustic Bass Drum", 36: "Bass Drum 1", 37: "Side Stick", 38: "Acoustic Snare", 39: "Hand Clap",
    40: "Electric Snare", 41: "Low Floor Tom", 42: "Closed Hi-Hat", 43: "High Floor Tom", 44: "Pedal Hi-Hat",
    45: "Low Tom", 46: "Open Hi-Hat", 47: "Low-Mid Tom", 48: "Hi-Mid Tom", 49: "Crash Cymbal 1",
    50: "High Tom", 51: "Ride Cymbal 1", 52: "Chinese Cymbal", 53: "Ride Bell", 54: "Tambourine",
    55: "Splash Cymbal", 56: "Cowbell", 57: "Crash Cymbal 2", 58: "Vibraslap", 59: "Ride Cymbal 2",
    60: "Hi Bongo", 61: "Low Bongo", 62: "Mute Hi Conga", 63: "Open Hi Conga", 64: "Low Conga",
    65: "High Timbale", 66: "Low Timbale", 67: "High Agogo", 68: "Low Agogo", 69: "Cabasa", 70: "Maracas",
    71: "Short Whistle", 72: "Long Whistle", 73: "Short Guiro", 74: "Long Guiro", 75: "Claves",
    76: "Hi Wood Block", 77: "Low Wood Block", 78: "Mute Cuica", 79: "Open Cuica", 80: "Mute Triangle",
    81: "Open Triangle",
}

# What drummers call the drums whose General MIDI names say it less plainly.
_COMMON_NAMES = {35: "Kick (acoustic)", 36: "Kick", 38: "Snare", 40: "Snare (electric)", 49: "Crash",
                 51: "Ride", 57: "Crash 2", 59: "Ride 2"}


def drum_name(pitch: int) -> str:
    """The short name of the drum on key ``pitch`` ("Kick", "Snare", "Closed Hi-Hat"), or "Key 90" for a key
    General MIDI does not assign."""
    return _COMMON_NAMES.get(pitch) or GM_DRUMS.get(pitch) or f"Key {pitch}"


def drum_rows(used: Iterable[int]) -> tuple[int, ...]:
    """Every key 0-127 in the order a drum map lists them, top to bottom: the ``used`` keys (low to high, so
    the kick comes first), then the other General MIDI drums, then the keys General MIDI leaves unassigned."""
    used_keys = sorted({p for p in used if 0 <= p <= 127})
    taken = set(used_keys)
    rest = [p for p in sorted(GM_DRUMS) if p not in taken]
    others = [p for p in range(128) if p not in taken and p not in GM_DRUMS]
    return tuple(used_keys + rest + others)
