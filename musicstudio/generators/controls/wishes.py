"""What a user asks for: a control's value as the CLI and the panel give it (a bin name, or a number that the
model's bins place), per bar or for every bar, carried in ``GenerationRequest.options`` under the control's
name; and how well a take's bars met it.

``--density low`` asks every bar for the lowest third of the training bars' note densities; ``--density 2.5``
for the bin holding 2.5 onsets a quarter note; ``--density low,high`` low in the first bar, high in the second
and every bar after (the last value holds on). Polyphony is 1, 2 or 3+ (the notes sounding at the bar's onsets,
:mod:`.attributes`); a number there is a mean number of notes (1.8 is bin 2).
"""

from __future__ import annotations

from musicstudio.core.note import Note
from musicstudio.generators.controls.attributes import bars_attributes
from musicstudio.generators.controls.bins import CONTROLS, NAMES, ControlBins, bin_of

ANY_NAMES = ("any", "")


def parse_value(control: str, text: str) -> str | float | None:
    """One value of ``control``: its bin's name, a number (at least 0), or None for any; ValueError saying what
    the control takes."""
    names = NAMES[control]
    word = str(text).strip().lower()
    if word in ANY_NAMES:
        return None
    if word in names:
        return word
    try:
        value = float(word)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise ValueError(f"{control} is {', '.join(names)}, any, or a number, not {text!r}")
    return value


def parse_values(control: str, text: str) -> list[str | float | None]:
    """A comma-separated value per bar (:func:`parse_value`)."""
    return [parse_value(control, part) for part in str(text).split(",")]


def requested(options: dict) -> bool:
    """Whether request options ask for any control."""
    return any(options.get(c) not in (None, [], [None]) for c in CONTROLS)


def _bin(control: str, value, bins: ControlBins) -> int | None:
    if value is None:
        return None
    if isinstance(value, str):
        return NAMES[control].index(value)
    return bin_of(float(value), bins.edges(control))


def bar_wishes(options: dict, bins: ControlBins, bars: int) -> list[dict[str, int]]:
    """Each of ``bars`` bars' wished bin of each control the options name (a list: one per bar, the last holding
    on; a single value: every bar), read by the model's ``bins``; ValueError for a value it cannot read."""
    out: list[dict[str, int]] = [{} for _ in range(bars)]
    for control in CONTROLS:
        given = options.get(control)
        if given is None:
            continue
        values = given if isinstance(given, (list, tuple)) else [given]
        values = [parse_value(control, v) if isinstance(v, str) else v for v in values] or [None]
        for b in range(bars):
            wished = _bin(control, values[min(b, len(values) - 1)], bins)
            if wished is not None:
                out[b][control] = wished
    return out


def measured_bins(notes: tuple[Note, ...] | list[Note], bar: int, bars: int, bins: ControlBins) -> list[dict]:
    """The bins of each of ``bars`` bars of ``bar`` ticks of a take's ``notes`` (counted from its start)."""
    return [bins.bins(a) for a in bars_attributes(notes, 0, bar, bars)]


def bars_met(wishes: list[dict], measured: list[dict]) -> int:
    """How many bars meet every control wished for them."""
    return sum(all(m.get(c) == b for c, b in w.items()) for w, m in zip(wishes, measured))
