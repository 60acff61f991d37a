"""The phrases the VAE studio works on and the takes it makes of them: pure logic, no Qt.

A :class:`StudioPhrase` is a phrase of the song (the selection widened to whole bars) or a take, with
its notes counted from its first bar. Moving its sliders gives a phrase that replaces it in place; an
interpolation between two of them gives phrases that go after the later one (in its track or a new
one), laid end to end in one take or one take each. A pad mixes four of them (A, B, C, D at its corners);
the phrase at the dot goes after the latest of them, as one take.
"""

from __future__ import annotations

from dataclasses import dataclass

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.generators.interface import BAR, Take, bar_ticks
from musicstudio.ui.generate.seed import SeedPlan, source_span

PHRASE_BARS = 2             # the VAE hears 2 bars of the song's meter at a time
LAYOUTS = {"end to end": "End to end, in one take", "takes": "One take each (1-9 flip)"}
PLACES = {"continue": "After the later phrase", "new track": "After it, in a new track"}


def _notes(notes) -> list[list[int]]:
    return [[n.pitch, n.start, n.duration, n.velocity] for n in notes]


@dataclass(frozen=True)
class StudioPhrase:
    track: int                       # the track it is in (a take: the track its takes go to)
    start: int                       # where it starts in the song (a bar line)
    clip: Clip                       # its notes counted from ``start``; the length is whole bars
    replaced: tuple[Note, ...]       # the song's notes it stands for (a take: none)
    label: str                       # for the user: "8 notes in bars 1-2 of Melody"
    bar: int = BAR                   # ticks in a bar of the song's meter where it starts

    @property
    def end(self) -> int:
        return self.start + self.clip.length

    @property
    def chunks(self) -> int:
        """The VAE's 2-bar phrases it spans (a started one counts)."""
        return max(1, -(-self.clip.length // (PHRASE_BARS * self.bar)))

    def plan(self) -> SeedPlan:
        """Where a moved version of it goes: in its place, replacing its notes (cut at its end)."""
        return SeedPlan(self.track, self.clip, self.start, self.start, "regenerate", self.replaced, self.end)

    def record(self) -> dict:
        return {"start": self.start, "length": self.clip.length, "notes": _notes(self.clip.notes)}


def bars_text(song: Song, start: int, end: int) -> str:
    first, last = song.meter.bar_at(start) + 1, song.meter.bar_at(max(start, end - 1)) + 1
    return f"bar {first}" if first == last else f"bars {first}-{last}"


def phrase_from_selection(song: Song, track: int, selection) -> StudioPhrase:
    """The selected notes as a phrase, widened to whole bars (raises SeedError with advice)."""
    notes, start, end = source_span(song, track, "selection", selection, None)
    clip = Clip(tuple(n.moved_by(-start) for n in notes), end - start)
    name = song.tracks[track].name or f"track {track + 1}"
    label = f"{len(notes)} notes in {bars_text(song, start, end)} of {name}"
    return StudioPhrase(track, start, clip, tuple(notes), label, _bar(song, start))


def phrase_from_take(song: Song, plan: SeedPlan, take: Take, name: str) -> StudioPhrase:
    """A take shown in the panel as a phrase, at the place it would go."""
    length = plan.end - plan.at if plan.end is not None else take.length
    notes = tuple(n.moved_by(-plan.at) for n in plan.placed(take))
    return StudioPhrase(plan.track, plan.at, Clip(notes, length), (),
                        f"{name} ({len(notes)} notes, {bars_text(song, plan.at, plan.at + length)})",
                        _bar(song, plan.at))


def _bar(song: Song, tick: int) -> int:
    """Ticks in a bar of ``song``'s meter at ``tick``."""
    signature = song.meter.signature_at(max(0, tick))
    return bar_ticks((signature.numerator, signature.denominator))


def slider_take(phrase: StudioPhrase, notes: tuple[Note, ...], model: str, values: dict[str, float],
                position: dict[str, float], backend: str = "vae") -> Take:
    """The phrase after moving its sliders, as a take (its record says how to make it again)."""
    request = {"operation": "sliders", "values": {k: round(v, 4) for k, v in values.items()},
               "position": {k: round(v, 4) for k, v in position.items()}, "source": phrase.record()}
    return Take(tuple(notes), phrase.clip.length, backend, model, request, 0)


def interpolation_length(*phrases: StudioPhrase) -> int:
    """How long a phrase made of these is: the 2-bar chunks all have (bars of the first one's meter), cut to
    the longest of them."""
    bar = phrases[0].bar
    return min(min(p.chunks for p in phrases) * PHRASE_BARS * bar, max(max(p.clip.length for p in phrases), bar))


def _cut(notes, length: int) -> tuple[Note, ...]:
    return tuple(n.with_duration(min(n.end, length) - n.start) for n in notes if n.start < length)


def interpolation_takes(phrases: list[tuple[Note, ...]], a: StudioPhrase, b: StudioPhrase, model: str,
                        layout: str, include_ends: bool, backend: str = "vae") -> list[Take]:
    """Takes of an interpolation's phrases (A first, B last, as the VAE answered): without the ends
    unless ``include_ends``, laid end to end in one take or one take each."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    steps = len(phrases)
    chosen = list(enumerate(phrases)) if include_ends else list(enumerate(phrases))[1:-1]
    length = interpolation_length(a, b)
    request = {"operation": "interpolate", "steps": steps, "between": steps - 2, "include_ends": include_ends,
               "layout": layout, "a": a.record(), "b": b.record()}

    if layout == "end to end":
        notes = tuple(n.moved_by(k * length) for k, (_, p) in enumerate(chosen) for n in _cut(p, length))
        return [Take(notes, length * len(chosen), backend, model, {**request, "step": None}, 0)]
    return [Take(_cut(p, length), length, backend, model, {**request, "step": step}, k)
            for k, (step, p) in enumerate(chosen)]


def interpolation_plan(a: StudioPhrase, b: StudioPhrase, place: str) -> SeedPlan:
    """Where an interpolation's takes go: after the later of A and B, in B's track or a new track."""
    if place not in PLACES:
        raise ValueError(f"unknown place {place!r}")
    later = max(a, b, key=lambda p: p.end)
    return SeedPlan(b.track, a.clip, a.start, later.end, place)


def mix_take(notes, corners: tuple[StudioPhrase, ...], x: float, y: float, model: str, backend: str = "vae") -> Take:
    """The pad's phrase at ``(x, y)`` as a take (its record holds the corners and the position)."""
    length = interpolation_length(*corners)
    request = {"operation": "pad", "x": round(x, 4), "y": round(y, 4),
               "corners": {name: c.record() for name, c in zip("ABCD", corners)}}
    return Take(_cut(notes, length), length, backend, model, request, 0)


def mix_plan(corners: tuple[StudioPhrase, ...], place: str) -> SeedPlan:
    """Where the pad's phrase goes: after the latest corner, in A's track or a new track."""
    if place not in PLACES:
        raise ValueError(f"unknown place {place!r}")
    a = corners[0]
    return SeedPlan(a.track, a.clip, a.start, max(c.end for c in corners), place)
