"""The controller lanes the piano roll can show under its notes: what each one edits and its value range.

A lane is a plain value (no Qt): the kind and number of the events it shows, the range of their values,
where its centre is (pan, pitch bend) and whether it is a pedal shown as on/off blocks.
"""

from __future__ import annotations

from dataclasses import dataclass

from musicstudio.core.controls import (
    BEND_MAX,
    BEND_MIN,
    CHANNEL_PRESSURE,
    CONTROLLER,
    EXPRESSION,
    MODULATION,
    PAN,
    PITCH_BEND,
    SUSTAIN,
    VOLUME,
    Control,
    controller_name,
)

PEDAL_DOWN, PEDAL_UP = 127, 0
PEDAL_THRESHOLD = 64      # a sustain value of 64 or more holds the pedal down


@dataclass(frozen=True)
class Lane:
    title: str
    kind: str
    number: int = 0
    low: int = 0
    high: int = 127
    centre: int | None = None     # drawn as a line, and the value filled from (pan, pitch bend)
    pedal: bool = False           # on/off blocks instead of a curve (the sustain pedal)

    @property
    def key(self) -> tuple[str, int]:
        """The lane's events are those whose ``Control.lane`` is this."""
        return (self.kind, self.number)

    def event(self, tick: int, value: int) -> Control:
        return Control(tick, self.kind, self.number, self.clamp(value))

    def clamp(self, value: int) -> int:
        return max(self.low, min(self.high, int(value)))

    def fraction(self, value: float) -> float:
        """Where ``value`` stands from the bottom (0.0) to the top (1.0) of the lane."""
        return (value - self.low) / (self.high - self.low)

    def value_at(self, fraction: float) -> int:
        return self.clamp(round(self.low + fraction * (self.high - self.low)))

    def is_down(self, value: int) -> bool:
        return value >= PEDAL_THRESHOLD

    def label(self, value: int) -> str:
        """The value as a musician reads it: pedal Down/Up, pan L/C/R, bend signed."""
        if self.pedal:
            return "Down" if self.is_down(value) else "Up"
        if self.kind == CONTROLLER and self.number == PAN:
            return "C" if value == 64 else (f"L{64 - value}" if value < 64 else f"R{value - 64}")
        if self.kind == PITCH_BEND:
            return f"{value:+d}" if value else "0"
        return str(value)

    def scale_labels(self) -> tuple[str, str, str]:
        """Top, middle and bottom labels for the value scale beside the lane."""
        if self.pedal:
            return ("Down", "", "Up")
        middle = self.centre if self.centre is not None else (self.low + self.high + 1) // 2
        return (self.label(self.high), self.label(middle), self.label(self.low))


def controller_lane(number: int) -> Lane:
    """The lane of any controller by number (0-127), named as General MIDI names it."""
    if not 0 <= number <= 127:
        raise ValueError(f"controller number {number} is outside 0-127")
    for lane in LANES:
        if lane.key == (CONTROLLER, number):
            return lane
    name = controller_name(number)
    return Lane(name if name.startswith("CC ") else f"CC {number} {name}", CONTROLLER, number)


SUSTAIN_LANE = Lane("Sustain pedal", CONTROLLER, SUSTAIN, pedal=True)
BEND_LANE = Lane("Pitch bend", PITCH_BEND, 0, BEND_MIN, BEND_MAX, centre=0)
LANES = (
    SUSTAIN_LANE,
    Lane("Modulation", CONTROLLER, MODULATION),
    Lane("Expression", CONTROLLER, EXPRESSION),
    Lane("Volume", CONTROLLER, VOLUME),
    Lane("Pan", CONTROLLER, PAN, centre=64),
    BEND_LANE,
    Lane("Aftertouch", CHANNEL_PRESSURE),
)
