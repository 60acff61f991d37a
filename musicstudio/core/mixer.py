"""A track's mix: its volume and pan ARE its controller values at tick 0 (CC7 and CC10).

Nothing else holds them, so playback, the WAV render, the project file and MIDI export all follow
a fader without knowing that there is one: moving it is a :class:`~musicstudio.core.changes.ControlChange`
of the track's tick-0 event (one is added where the track has none). A track without such an event
plays at the General MIDI defaults (volume 100, pan centre), which is what the faders show for it.
A controller event later in the track still takes over from its tick on, as in any MIDI file.
"""

from __future__ import annotations

import math

from musicstudio.core.changes import ControlChange
from musicstudio.core.controls import CONTROLLER, PAN, VOLUME, Control
from musicstudio.core.track import Track

MIX_CONTROLLERS = (VOLUME, PAN)
DEFAULT_VALUE = {VOLUME: 100, PAN: 64}   # what a General MIDI synthesizer starts a channel at
PAN_CENTRE = 64


def _at_start(track: Track) -> tuple[Control, ...]:
    """The track's events at tick 0 (they come first: the events are in tick order)."""
    controls = track.controls
    count = 0
    while count < len(controls) and controls[count].tick == 0:
        count += 1
    return controls[:count]


def _last_at_start(track: Track, number: int) -> int | None:
    """The place among the tick-0 events of the last controller ``number`` there (the one in effect)."""
    found = None
    for place, c in enumerate(_at_start(track)):
        if c.kind == CONTROLLER and c.number == number:
            found = place
    return found


def mix_value(track: Track, number: int) -> int:
    """The track's value of controller ``number`` (VOLUME or PAN) as it starts: its tick-0 event's, or
    the General MIDI default."""
    place = _last_at_start(track, number)
    return track.controls[place].value if place is not None else DEFAULT_VALUE[number]


def mix_change(index: int, track: Track, number: int, value: int) -> ControlChange | None:
    """The change of track ``index`` (``track``) that sets controller ``number`` to ``value`` at tick 0: its
    tick-0 event replaced in place, or one added after the tick-0 events if it has none. None when the
    track already starts at that value."""
    if number not in DEFAULT_VALUE:
        raise ValueError(f"controller {number} is not a mixer control (volume {VOLUME} or pan {PAN})")
    if not 0 <= value <= 127:
        raise ValueError(f"a controller value must lie in 0..127, not {value}")
    place = _last_at_start(track, number)
    new = Control(0, CONTROLLER, number, value)
    if place is None:
        if value == DEFAULT_VALUE[number]:
            return None
        return ControlChange(index, (), (new,), (), (len(_at_start(track)),))
    old = track.controls[place]
    if old.value == value:
        return None
    return ControlChange(index, (old,), (new,), (place,), (place,))


def merged(first: ControlChange, then: ControlChange) -> ControlChange:
    """One change doing ``first`` then ``then``, where ``then`` replaces what ``first`` added (two steps of
    one fader gesture): what ``first`` removed, and what ``then`` added, at their places."""
    if first.track != then.track or tuple(then.removed) != tuple(first.added):
        raise ValueError("only a change of what the first change added can be merged into it")
    return ControlChange(first.track, first.removed, then.added, first.removed_at, then.added_at)


def volume_text(value: int) -> str:
    """A volume as a musician reads it: 'Volume 100 (-4.2 dB)', by General MIDI's curve 40·log10(v/127)."""
    if value <= 0:
        return "Volume 0 (silent)"
    return f"Volume {value} ({40 * math.log10(value / 127):+.1f} dB)".replace("(+0.0 dB)", "(0 dB)")


def pan_text(value: int) -> str:
    """A pan position in words: 'Pan centre', 'Pan 100% left', 'Pan 25% right'."""
    if value == PAN_CENTRE:
        return "Pan centre"
    if value < PAN_CENTRE:
        return f"Pan {round((PAN_CENTRE - value) / PAN_CENTRE * 100)}% left"
    return f"Pan {round((value - PAN_CENTRE) / (127 - PAN_CENTRE) * 100)}% right"
