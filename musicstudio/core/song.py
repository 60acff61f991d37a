"""A song: tracks plus the tempo map, the time-signature map, the key signatures and the song's words."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Iterable

from musicstudio.core.controls import SongText, in_tick_order
from musicstudio.core.key import Key, KeySignature
from musicstudio.core.meter import Meter, TimeSignature
from musicstudio.core.note import Note
from musicstudio.core.tempo import DEFAULT_TEMPO_US, Tempo, bpm_to_us
from musicstudio.core.track import Track


def _from_tick_zero(events: Iterable, default) -> tuple:
    """Sort a map by tick, keep the last event at each tick, and make sure one stands at tick 0."""
    by_tick = {}
    for event in sorted(events, key=lambda e: e.tick):
        if event.tick < 0:
            raise ValueError(f"a tempo, meter or key change cannot stand before the song (tick {event.tick})")
        by_tick[event.tick] = event
    ordered = list(by_tick.values())
    if not ordered or ordered[0].tick != 0:
        first = ordered[0]._replace(tick=0) if ordered else default
        ordered.insert(0, first)
    return tuple(ordered)


@dataclass(frozen=True)
class Song:
    """An immutable song in musical time (ticks at :data:`~musicstudio.core.ticks.PPQ`).

    The three maps always hold an entry at tick 0, so "the tempo at the start" always exists.
    """

    tracks: tuple[Track, ...] = ()
    tempos: tuple[Tempo, ...] = (Tempo(0, DEFAULT_TEMPO_US),)
    time_signatures: tuple[TimeSignature, ...] = (TimeSignature(0, 4, 4),)
    key_signatures: tuple[KeySignature, ...] = (KeySignature(0, Key()),)
    title: str = ""
    # The conductor's words (markers, copyright, lyrics and text that belong to no track), in tick order;
    # a track's own words are its :attr:`Track.texts`.
    texts: tuple[SongText, ...] = ()
    extras: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tracks", tuple(self.tracks))
        object.__setattr__(self, "texts", in_tick_order(self.texts))
        object.__setattr__(self, "tempos", _from_tick_zero(self.tempos, Tempo(0, DEFAULT_TEMPO_US)))
        object.__setattr__(self, "time_signatures", _from_tick_zero(self.time_signatures, TimeSignature(0)))
        object.__setattr__(self, "key_signatures", _from_tick_zero(self.key_signatures, KeySignature(0, Key())))

    # -- derived views -------------------------------------------------------------------------
    @cached_property
    def meter(self) -> Meter:
        return Meter(self.time_signatures)

    @property
    def key(self) -> Key:
        """The key at the start of the song."""
        return self.key_signatures[0].key

    @property
    def tempo_bpm(self) -> float:
        """The tempo at the start of the song."""
        return self.tempos[0].bpm

    @property
    def end_tick(self) -> int:
        """Where the last note ends (0 for an empty song)."""
        return max((t.end_tick for t in self.tracks), default=0)

    @property
    def bar_count(self) -> int:
        """Number of bars that hold the song's notes (at least one)."""
        end = self.end_tick
        return max(1, self.meter.bar_at(end - 1) + 1) if end else 1

    @property
    def length_ticks(self) -> int:
        """End of the last bar that holds notes."""
        return self.meter.bar_start(self.bar_count)

    @property
    def note_count(self) -> int:
        return sum(len(t.notes) for t in self.tracks)

    def pitched_notes(self) -> tuple[Note, ...]:
        """Every note of the pitched (non-drum) tracks as one part, in time order (lower pitch first)."""
        return tuple(sorted((n for t in self.tracks if not t.is_drum for n in t.notes),
                            key=lambda n: (n.start, n.pitch)))

    # -- copies ----------------------------------------------------------------------------------
    def with_tracks(self, tracks: Iterable[Track]) -> Song:
        return replace(self, tracks=tuple(tracks))

    def with_track(self, index: int, track: Track) -> Song:
        tracks = list(self.tracks)
        tracks[index] = track
        return replace(self, tracks=tuple(tracks))

    def with_tempo_bpm(self, bpm: float) -> Song:
        """A song with one constant tempo."""
        return replace(self, tempos=(Tempo(0, bpm_to_us(bpm)),))

    def with_key(self, key: Key) -> Song:
        return replace(self, key_signatures=(KeySignature(0, key),))
