"""Edits of a song as small values: what was there before and what is there after.

Every change of the song goes through one of these, so that undo is the inverse change and a
project file or a test can replay them. They refer to tracks by index and to notes by value
(notes are values, so "this note" means "a note equal to this one").
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, deque
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


class _EventChange(NamedTuple):
    """Remove some of a track's events at ticks (its controls, or its words) and add others, keeping their
    order at each tick: what :class:`ControlChange` and :class:`TextChange` share. A subclass names the
    track's field (``FIELD``) and how a message calls one event and several (``ONE``, ``MANY``)."""

    track: int
    removed: tuple = ()
    added: tuple = ()
    removed_at: tuple[int, ...] = ()
    added_at: tuple[int, ...] = ()
    FIELD, ONE, MANY = "", "", ""   # set by each subclass

    @classmethod
    def of(cls, index: int, track: Track, removed, added):
        """The change of track ``index`` (``track``) that removes and adds these events, with the place of
        each removed event (the first equal one not yet taken), so that undoing it restores the order at
        every tick. Raises ChangeError for an event the track does not hold."""
        removed = tuple(removed)
        return cls(index, removed, tuple(added), _places(getattr(track, cls.FIELD), removed, index, cls.ONE))

    def inverse(self):
        return type(self)(self.track, self.added, self.removed, self.added_at, self.removed_at)

    def apply(self, song: Song) -> Song:
        track = song.tracks[self.track]
        kept = _without(getattr(track, self.FIELD), self.removed, self.removed_at, self.track, self.MANY)
        events = _with_added(kept, self.added, self.added_at)
        return song.with_track(self.track, replace(track, **{self.FIELD: tuple(events)}))


class ControlChange(_EventChange):
    """Remove some controller, bend, aftertouch or program events from a track and add others.

    The order of a track's events at one tick matters (a bank select before its program change), so a
    change can say where its events stand among the events at their tick: ``removed_at`` (for each removed
    event, its index among the track's events at that tick before the change) and ``added_at`` (the same,
    after it). Undo puts removed events back exactly where they were when the change was made with
    :meth:`of`; without places, removed events are matched by value (the last equal one at their tick)
    and added ones go after the events already at their tick.
    """

    __slots__ = ()
    FIELD, ONE, MANY = "controls", "controller event", "controller events"


class TextChange(_EventChange):
    """Remove some of a track's words (lyrics, markers, text, cue points) and add others: a lyric moved with
    its note. Places as in :class:`ControlChange`: the order of words at one tick is kept through undo."""

    __slots__ = ()
    FIELD, ONE, MANY = "texts", "word", "words"


def _places(events: tuple, removed: tuple, index: int, what: str) -> tuple[int, ...]:
    """For each of ``removed`` (events of track ``index``, ``what`` it holds), its index among the events at
    its tick: the first equal one not yet taken."""
    where = _indexes(events, removed)
    ticks = [c.tick for c in events]
    places = []
    for c in removed:
        found = where.get(c)
        if not found:
            raise ChangeError(f"a {what} to remove is not in track {index + 1}")
        places.append(found.popleft() - bisect_left(ticks, c.tick))
    return tuple(places)


def _indexes(controls: tuple, wanted) -> dict:
    """Where each of the ``wanted`` events stands in ``controls``, first to last."""
    wanted = set(wanted)
    where: dict[Control, deque[int]] = {c: deque() for c in wanted}
    for i, c in enumerate(controls):
        if c in wanted:
            where[c].append(i)
    return where


def _without(controls: tuple, removed, places, track: int, what: str) -> list:
    """``controls`` less ``removed``: each at its place among the events at its tick, or else the last
    equal one. Events are controls or words (``what`` the track holds, for the message)."""
    drop = set()
    if places:
        ticks = [c.tick for c in controls]
        for c, place in zip(removed, places):
            at = bisect_left(ticks, c.tick) + place
            if not (at < len(controls) and controls[at] == c and at not in drop):
                raise ChangeError(f"track {track + 1} does not hold the {what} this change expects")
            drop.add(at)
    else:
        where = _indexes(controls, removed)
        for c in removed:
            if where[c]:
                drop.add(where[c].pop())
        if len(drop) < len(removed):
            raise ChangeError(f"{len(removed) - len(drop)} {what} to remove are not in track {track + 1}")
    return [c for i, c in enumerate(controls) if i not in drop] if drop else list(controls)


def _with_added(kept: list[Control], added, places) -> list[Control]:
    """``kept`` (in tick order) with ``added``: each at its place among the events at its tick, or else
    after them, in the order given."""
    if not added:
        return kept
    by_tick: dict[int, list] = {}
    for k, c in enumerate(added):
        by_tick.setdefault(c.tick, []).append((places[k] if places else len(kept), k, c))
    ticks = [c.tick for c in kept]
    out, i = [], 0
    for tick in sorted(by_tick):
        first = bisect_left(ticks, tick, i)
        end = bisect_right(ticks, tick, first)
        out += kept[i:first]
        out += _merged(kept[first:end], sorted(by_tick[tick]))
        i = end
    out += kept[i:]
    return out


def _merged(run: list[Control], placed: list) -> list[Control]:
    """The events of one tick with ``placed`` ((place, order, event), by place) put at their places."""
    out, taken = [], 0
    for place, _, c in placed:
        while len(out) < place and taken < len(run):
            out.append(run[taken])
            taken += 1
        out.append(c)
    return out + run[taken:]


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


Change = Union[NoteChange, ControlChange, TextChange, TrackChange, TimingChange, ChangeGroup]
