"""Edits of a song as small values: what was there before and what is there after.

Every change of the song goes through one of these, so that undo is the inverse change and a
project file or a test can replay them. They refer to tracks by index and to notes by value
(notes are values, so "this note" means "a note equal to this one").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import NamedTuple, Union

from musicstudio.core.controls import Control
from musicstudio.core.key import KeySignature
from musicstudio.core.meter import TimeSignature
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.tempo import Tempo
from musicstudio.core.track import Track


class ChangeError(ValueError):
    """A change that does not fit the song it is applied to (a bug, never a user error)."""


class NoteChange(NamedTuple):
    """Remove some notes from a track and add others (a move is both)."""

    track: int
    removed: tuple[Note, ...] = ()
    added: tuple[Note, ...] = ()

    def inverse(self) -> NoteChange:
        return NoteChange(self.track, self.added, self.removed)

    def apply(self, song: Song) -> Song:
        track = song.tracks[self.track]
        left = Counter(self.removed)
        kept = []
        for n in track.notes:
            if left[n] > 0:
                left[n] -= 1
            else:
                kept.append(n)
        if +left:
            raise ChangeError(f"{sum(left.values())} notes to remove are not in track {self.track + 1}")
        return song.with_track(self.track, track.with_notes(kept + list(self.added)))


class ControlChange(NamedTuple):
    """Remove some controller, bend, aftertouch or program events from a track and add others."""

    track: int
    removed: tuple[Control, ...] = ()
    added: tuple[Control, ...] = ()

    def inverse(self) -> ControlChange:
        return ControlChange(self.track, self.added, self.removed)

    def apply(self, song: Song) -> Song:
        track = song.tracks[self.track]
        left = Counter(self.removed)
        kept = []
        for c in track.controls:
            if left[c] > 0:
                left[c] -= 1
            else:
                kept.append(c)
        if +left:
            raise ChangeError(f"{sum(left.values())} controller events to remove are not in track {self.track + 1}")
        return song.with_track(self.track, track.with_controls(kept + list(self.added)))


class TrackChange(NamedTuple):
    """Add (before None), remove (after None) or change (both) the track at ``index``."""

    index: int
    before: Track | None
    after: Track | None

    def inverse(self) -> TrackChange:
        return TrackChange(self.index, self.after, self.before)

    def apply(self, song: Song) -> Song:
        tracks = list(song.tracks)
        if self.before is None:
            tracks.insert(self.index, self.after)
        else:
            if tracks[self.index] != self.before:
                raise ChangeError(f"track {self.index + 1} is not the one this change expects")
            if self.after is None:
                del tracks[self.index]
            else:
                tracks[self.index] = self.after
        return song.with_tracks(tracks)


class TimingChange(NamedTuple):
    """Replace the tempo, time-signature and key maps and the title."""

    before: tuple[tuple[Tempo, ...], tuple[TimeSignature, ...], tuple[KeySignature, ...], str]
    after: tuple[tuple[Tempo, ...], tuple[TimeSignature, ...], tuple[KeySignature, ...], str]

    @staticmethod
    def of(song: Song, **changes) -> TimingChange:
        """The change from ``song`` to the same song with ``tempos=`` / ``time_signatures=`` /
        ``key_signatures=`` / ``title=`` replaced."""
        before = (song.tempos, song.time_signatures, song.key_signatures, song.title)
        changed = replace(song, **changes)
        after = (changed.tempos, changed.time_signatures, changed.key_signatures, changed.title)
        return TimingChange(before, after)

    def inverse(self) -> TimingChange:
        return TimingChange(self.after, self.before)

    def apply(self, song: Song) -> Song:
        tempos, meters, keys, title = self.after
        return replace(song, tempos=tempos, time_signatures=meters, key_signatures=keys, title=title)


class ChangeGroup(NamedTuple):
    """Several changes made as one, in order (a take dealt out to several tracks); undone in reverse."""

    parts: tuple[Change, ...]

    def inverse(self) -> ChangeGroup:
        return ChangeGroup(tuple(part.inverse() for part in reversed(self.parts)))

    def apply(self, song: Song) -> Song:
        for part in self.parts:
            song = part.apply(song)
        return song


Change = Union[NoteChange, ControlChange, TrackChange, TimingChange, ChangeGroup]
