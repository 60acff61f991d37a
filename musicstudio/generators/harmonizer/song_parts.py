"""Harmonize and Add a part on a song (what the CLI's ``--harmonize`` / ``--add-part`` and the app's
Generate menu ask for): the span of bars to write over, the parts the model hears, and the new tracks.

* **Harmonize**: the melody is a track's top line over the bars that hold its notes (or the bars asked
  for); three new tracks (alto, tenor, bass, :data:`CHOIR`) come back per take.
* **Add a part**: every other pitched track of the song over those bars is heard, reduced to its top line;
  with more than three, the three nearest the requested register (:func:`.generator.assign_slots`); one
  new track per take, in the role's instrument (:data:`ROLE_PROGRAMS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.generators.harmonizer.generator import Harmonizer, SpanError
from musicstudio.generators.harmonizer.voices import VOICE_NAMES

CHOIR = 52                        # General MIDI Choir Aahs: the harmony's three voices
ROLE_PROGRAMS = {"soprano": 48, "alto": 48, "tenor": 48, "bass": 32}   # String Ensemble 1; Acoustic Bass


@dataclass(frozen=True)
class Span:
    first_bar: int
    last_bar: int                 # inclusive
    start: int                    # ticks
    end: int
    meter: tuple[int, int]

    @property
    def bars(self) -> int:
        return self.last_bar - self.first_bar + 1


def span_of(song: Song, notes: Sequence[Note], bars: tuple[int, int] | None = None) -> Span:
    """The bars to write over: ``bars`` (first, last, 0-based inclusive) or those holding ``notes``; one
    meter throughout (SpanError when it changes inside)."""
    meter = song.meter
    if bars is None:
        if not notes:
            raise SpanError("there are no notes to write beside")
        bars = (meter.bar_at(min(n.start for n in notes)), meter.bar_at(max(n.end for n in notes) - 1))
    first, last = bars
    if first < 0 or last < first:
        raise SpanError(f"bars {first + 1}-{last + 1} are not a span")
    start, end = meter.bars_to_ticks(first, last)
    signatures = {tuple(meter.signature_at(meter.bar_start(b))[1:]) for b in range(first, last + 1)}
    if len(signatures) > 1:
        raise SpanError("the meter changes inside the span: write one meter's bars at a time")
    return Span(first, last, start, end, signatures.pop())


def melody_track(song: Song, index: int) -> Track:
    """Track ``index`` (0-based) if it can be harmonized (SpanError saying why not)."""
    if not 0 <= index < len(song.tracks):
        raise SpanError(f"there is no track {index + 1}: the song has {len(song.tracks)}")
    track = song.tracks[index]
    if track.is_drum:
        raise SpanError(f"track {index + 1} ({track.name or 'unnamed'}) is a drum track, not a melody")
    if not track.notes:
        raise SpanError(f"track {index + 1} ({track.name or 'unnamed'}) has no notes to harmonize")
    return track


def harmonize(harmonizer: Harmonizer, song: Song, index: int, variations: int = 1, random_seed: int = 0,
              bars: tuple[int, int] | None = None, progress=None, cancel=None,
              **sampling) -> tuple[Span, list[list[Track]]]:
    """Per take, the alto, tenor and bass tracks under track ``index``'s melody (``sampling``: ``steps``
    and ``temperature`` for :meth:`.generator.Harmonizer.write`)."""
    track = melody_track(song, index)
    span = span_of(song, track.notes, bars)
    melody = [n for n in track.notes if span.start <= n.start < span.end]
    if not melody:
        raise SpanError(f"track {index + 1} has no notes in bars {span.first_bar + 1}-{span.last_bar + 1}")
    takes = harmonizer.harmonize(melody, span.meter, span.start, span.end, variations, random_seed,
                                 progress=progress, cancel=cancel, **sampling)
    return span, [[Track(f"{name.capitalize()} ({harmonizer.name})", CHOIR, False, notes)
                   for name, notes in zip(VOICE_NAMES[1:], take)] for take in takes]


def add_part(harmonizer: Harmonizer, song: Song, role: str, register: tuple[int, int] | None = None,
             variations: int = 1, random_seed: int = 0, bars: tuple[int, int] | None = None,
             progress=None, cancel=None, **sampling) -> tuple[Span, list[Track]]:
    """Per take, one new track in ``role`` hearing the song's other pitched tracks."""
    pitched = [t for t in song.tracks if not t.is_drum and t.notes]
    if not pitched:
        raise SpanError("the song has no pitched track to write a part beside")
    span = span_of(song, [n for t in pitched for n in t.notes], bars)
    given = [[n for n in t.notes if span.start <= n.start < span.end] for t in pitched]
    takes = harmonizer.add_part(given, role, span.meter, span.start, span.end, register, variations, random_seed,
                                progress=progress, cancel=cancel, **sampling)
    return span, [Track(f"{role.capitalize()} ({harmonizer.name})", ROLE_PROGRAMS[role], False, notes)
                  for notes in takes]
