"""What a track plays besides notes: controllers, pitch bend, aftertouch and program changes; and the
song's words: lyrics, markers, text and cue points.

Every one is an immutable value at a tick (at :data:`~musicstudio.core.ticks.PPQ`), as notes are.
A track keeps them in the order they were played: at one tick that order can matter (the four
controllers of a pitch-bend-range message, a bank select before its program change), so they are
sorted by tick only, stably, never by number.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Iterable, NamedTuple

# The kinds of channel event a track keeps beside its notes.
CONTROLLER = "cc"            # number: the controller (0-127), value 0-127
PITCH_BEND = "bend"          # value -8192 (down) .. 0 (centre) .. 8191 (up)
CHANNEL_PRESSURE = "pressure"  # value 0-127 (channel aftertouch)
POLY_PRESSURE = "poly"       # number: the pitch pressed, value 0-127 (polyphonic aftertouch)
PROGRAM = "program"          # value: the General MIDI program from this tick on
KINDS = (CONTROLLER, PITCH_BEND, CHANNEL_PRESSURE, POLY_PRESSURE, PROGRAM)

BEND_MIN, BEND_MAX = -8192, 8191

# Controllers a musician knows by name (General MIDI numbers).
MODULATION, VOLUME, PAN, EXPRESSION, SUSTAIN = 1, 7, 10, 11, 64
CONTROLLER_NAMES = {0: "Bank select", 1: "Modulation", 2: "Breath", 4: "Foot controller", 5: "Portamento time",
                    6: "Data entry", 7: "Volume", 8: "Balance", 10: "Pan", 11: "Expression", 32: "Bank select (fine)",
                    64: "Sustain pedal", 65: "Portamento", 66: "Sostenuto pedal", 67: "Soft pedal",
                    71: "Resonance", 72: "Release time", 73: "Attack time", 74: "Brightness", 91: "Reverb",
                    93: "Chorus", 98: "NRPN (fine)", 99: "NRPN (coarse)", 100: "RPN (fine)", 101: "RPN (coarse)",
                    120: "All sound off", 121: "Reset controllers", 123: "All notes off"}


class Control(NamedTuple):
    """One channel event that is not a note: ``kind`` is one of :data:`KINDS`."""

    tick: int
    kind: str
    number: int   # the controller number, or the pitch of polyphonic aftertouch; 0 for the others
    value: int

    def moved_by(self, ticks: int) -> Control:
        return self._replace(tick=self.tick + ticks)

    @property
    def lane(self) -> tuple[str, int]:
        """Which lane of the editor the event belongs to: its kind, and its number where that matters."""
        return (self.kind, self.number if self.kind in (CONTROLLER, POLY_PRESSURE) else 0)


def controller(tick: int, number: int, value: int) -> Control:
    return Control(tick, CONTROLLER, number, value)


def pitch_bend(tick: int, value: int) -> Control:
    return Control(tick, PITCH_BEND, 0, value)


def make_control(tick: int, kind: str, number: int, value: int) -> Control:
    """A checked control event, from untrusted numbers (a project file, a test)."""
    for name, v in (("tick", tick), ("number", number), ("value", value)):
        if not isinstance(v, int) or isinstance(v, bool):
            raise TypeError(f"a control event's {name} must be a whole number, not {v!r}")
    if kind not in KINDS:
        raise ValueError(f"unknown control event kind {kind!r} (one of {', '.join(KINDS)})")
    if tick < 0:
        raise ValueError(f"a control event cannot stand before the song (tick {tick})")
    low, high = (BEND_MIN, BEND_MAX) if kind == PITCH_BEND else (0, 127)
    if not low <= value <= high:
        raise ValueError(f"{kind} value {value} is outside {low}..{high}")
    if not 0 <= number <= 127 or (number and kind not in (CONTROLLER, POLY_PRESSURE)):
        raise ValueError(f"{kind} number {number} is not allowed")
    return Control(tick, kind, number, value)


def in_tick_order(controls: Iterable[Control]) -> tuple[Control, ...]:
    """Sorted by tick, keeping the given order of events at one tick."""
    return tuple(sorted(controls, key=itemgetter(0)))


def controller_name(number: int) -> str:
    return CONTROLLER_NAMES.get(number, f"CC {number}")


def value_at(controls: Iterable[Control], lane: tuple[str, int], tick: int, default: int = 0) -> int:
    """The value a lane holds at ``tick``: the last event of that lane at or before it."""
    value = default
    for c in controls:
        if c.tick > tick:
            break
        if c.lane == lane:
            value = c.value
    return value


# -- the song's words ------------------------------------------------------------------------------
TEXT, COPYRIGHT, LYRIC, MARKER, CUE = "text", "copyright", "lyric", "marker", "cue"
TEXT_KINDS = (TEXT, COPYRIGHT, LYRIC, MARKER, CUE)


class SongText(NamedTuple):
    """A word of the song at a tick: a lyric syllable, a marker ("Chorus"), a cue point or free text.

    ``encoding`` is how the file spelled it ("utf-8", or "latin-1" for bytes that are not UTF-8), so
    that writing the song again gives back the very bytes it came with.
    """

    tick: int
    kind: str
    text: str
    encoding: str = "utf-8"


def make_text(tick: int, kind: str, text: str, encoding: str = "utf-8") -> SongText:
    if not isinstance(tick, int) or isinstance(tick, bool) or tick < 0:
        raise ValueError(f"a {kind} cannot stand at tick {tick!r}")
    if kind not in TEXT_KINDS:
        raise ValueError(f"unknown text kind {kind!r} (one of {', '.join(TEXT_KINDS)})")
    if not isinstance(text, str):
        raise TypeError(f"a {kind} must be text, not {text!r}")
    if encoding not in ("utf-8", "latin-1"):
        raise ValueError(f"unknown text encoding {encoding!r}")
    text.encode(encoding)  # raises for text the encoding cannot spell
    return SongText(tick, kind, text, encoding)
