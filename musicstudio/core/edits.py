"""Pure edit operations on notes, tracks and songs. Each returns new values; nothing is changed."""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Sequence

from musicstudio.core.clip import Clip
from musicstudio.core.controls import POLY_PRESSURE, PROGRAM, Control
from musicstudio.core.feel import Swing
from musicstudio.core.note import HIGHEST_PITCH, LOWEST_PITCH, Note, pitch_name
from musicstudio.core.song import Song
from musicstudio.core.track import Track


# -- notes ------------------------------------------------------------------------------------------
def quantize(notes: Iterable[Note], grid: int, strength: float = 1.0, swing: float = 0.0,
             ends: bool = False) -> list[Note]:
    """Pull note starts toward the grid.

    ``grid`` is the step in ticks (120 = 16ths at 480 PPQ). ``strength`` 1.0 snaps fully, 0.5 moves
    halfway. ``swing`` delays every second grid point by that fraction of a step (1/3 gives a triplet
    shuffle). With ``ends`` the note ends are quantized too (never shorter than one tick); otherwise
    each note keeps its length.
    """
    if grid <= 0:
        raise ValueError(f"quantize grid must be at least one tick, not {grid}")
    if not 0.0 <= strength <= 1.0:
        raise ValueError(f"quantize strength must be between 0 and 1, not {strength}")
    if not 0.0 <= swing < 1.0:
        raise ValueError(f"swing must be between 0 and 1, not {swing}")
    swung = Swing(swing, grid)

    def target(tick: int) -> int:
        # Nearest point of the swung grid: straight points for even steps, delayed for odd steps.
        k = tick // grid
        candidates = [swung.tick(j * grid) for j in (k - 1, k, k + 1, k + 2) if j >= 0]
        return min(candidates, key=lambda c: (abs(c - tick), c))

    out = []
    for n in notes:
        start = n.start + round((target(n.start) - n.start) * strength)
        start = max(0, start)
        if ends:
            end = n.end + round((target(n.end) - n.end) * strength)
            duration = max(1, end - start)
        else:
            duration = n.duration
        out.append(n._replace(start=start, duration=duration))
    return out


def transpose(notes: Iterable[Note], semitones: int) -> list[Note]:
    """Move notes by ``semitones``. Refuses (ValueError) if any note would leave the MIDI range."""
    notes = list(notes)
    for n in notes:
        p = n.pitch + semitones
        if not LOWEST_PITCH <= p <= HIGHEST_PITCH:
            raise ValueError(f"transposing {pitch_name(n.pitch)} by {semitones:+d} semitones leaves the MIDI range")
    return [n._replace(pitch=n.pitch + semitones) for n in notes]


def notes_in_range(notes: Iterable[Note], start: int, end: int, overlapping: bool = False) -> list[Note]:
    """Notes that start in [start, end); with ``overlapping``, every note sounding in that span."""
    if overlapping:
        return [n for n in notes if n.start < end and n.end > start]
    return [n for n in notes if start <= n.start < end]


def notes_in_bars(song: Song, notes: Iterable[Note], first_bar: int, last_bar: int) -> list[Note]:
    """Notes starting in bars ``first_bar`` .. ``last_bar`` (0-based, inclusive)."""
    start, end = song.meter.bars_to_ticks(first_bar, last_bar)
    return notes_in_range(notes, start, end)


def clip_of(notes: Iterable[Note], start: int, end: int) -> Clip:
    """Cut [start, end) out of a line of notes: notes starting there, shortened to end there."""
    inside = notes_in_range(notes, start, end)
    return Clip(tuple(n._replace(start=n.start - start, duration=min(n.end, end) - n.start) for n in inside),
                end - start)


# -- tracks -----------------------------------------------------------------------------------------
def merge_tracks(tracks: Sequence[Track], name: str | None = None) -> Track:
    """One track holding every note, controller event and word of ``tracks``; it takes the first track's
    program, drum flag and channel."""
    if not tracks:
        raise ValueError("nothing to merge: no tracks given")
    first = tracks[0]
    notes = [n for t in tracks for n in t.notes]
    return Track(name if name is not None else first.name, first.program, first.is_drum, tuple(notes),
                 controls=tuple(c for t in tracks for c in t.controls), channel=first.channel,
                 texts=tuple(x for t in tracks for x in t.texts))


# -- songs ------------------------------------------------------------------------------------------
def _map_slice(events, start: int, end: int):
    """Events of a map in effect in [start, end), moved so that ``start`` becomes tick 0."""
    before = [e for e in events if e.tick <= start]
    inside = [e._replace(tick=e.tick - start) for e in events if start < e.tick < end]
    head = before[-1]._replace(tick=0) if before else None
    return tuple(([head] if head else []) + inside)


def _controls_slice(controls, start: int, end: int) -> tuple[Control, ...]:
    """A track's controller events in [start, end) moved so that ``start`` becomes tick 0, each lane
    starting with the value in effect there (a pedal held down into the slice stays down)."""
    in_effect: dict = {}
    for c in controls:
        if c.tick > start:
            break
        if c.kind != PROGRAM and c.tick < start:
            in_effect[c.lane] = c._replace(tick=0)
    inside = [c._replace(tick=c.tick - start) for c in controls if start <= c.tick < end]
    return tuple(in_effect.values()) + tuple(inside)


def _texts_slice(texts, start: int, end: int) -> tuple:
    """Words in [start, end) moved so that ``start`` becomes tick 0."""
    return tuple(x._replace(tick=x.tick - start) for x in texts if start <= x.tick < end)


def slice_bars(song: Song, first_bar: int, last_bar: int) -> Song:
    """Bars ``first_bar`` .. ``last_bar`` (0-based, inclusive) as a song of their own, starting at tick 0.

    Notes are taken by where they start; a note that rings past the last bar is shortened to end there.
    Controllers (each lane with the value in effect at the first bar) and words, the song's and each
    track's, come along.
    """
    start, end = song.meter.bars_to_ticks(first_bar, last_bar)
    tracks = [replace(t, notes=clip_of(t.notes, start, end).notes, controls=_controls_slice(t.controls, start, end),
                      texts=_texts_slice(t.texts, start, end))
              for t in song.tracks]
    return replace(song, tracks=tuple(tracks), texts=_texts_slice(song.texts, start, end),
                   tempos=_map_slice(song.tempos, start, end),
                   time_signatures=_map_slice(song.time_signatures, start, end),
                   key_signatures=_map_slice(song.key_signatures, start, end))


def join(first: Song, second: Song) -> Song:
    """``second`` appended after the last bar of ``first``.

    Tracks are matched by name, program and drum flag; the second song's unmatched tracks are added.
    The second song's tempo, meter and key changes, controllers and words (the song's and each track's)
    continue after the join point.
    """
    offset = first.length_ticks
    tracks = list(first.tracks)
    used: set[int] = set()
    for t in second.tracks:
        moved = tuple(n._replace(start=n.start + offset) for n in t.notes)
        controls = tuple(c._replace(tick=c.tick + offset) for c in t.controls)
        texts = tuple(x._replace(tick=x.tick + offset) for x in t.texts)
        match = next((i for i, f in enumerate(tracks)
                      if i not in used and (f.name, f.program, f.is_drum) == (t.name, t.program, t.is_drum)), None)
        if match is None:
            tracks.append(replace(t, notes=moved, controls=controls, texts=texts))
            used.add(len(tracks) - 1)
        else:
            tracks[match] = replace(tracks[match], notes=tracks[match].notes + moved,
                                    controls=tracks[match].controls + controls, texts=tracks[match].texts + texts)
            used.add(match)

    def shifted(mine, theirs):
        kept = [e for e in mine if e.tick < offset]
        head_changes = [e._replace(tick=e.tick + offset) for e in theirs]
        # Drop a change at the join point that repeats what is already in effect.
        if head_changes and kept and head_changes[0][1:] == kept[-1][1:]:
            head_changes = head_changes[1:]
        return tuple(kept + head_changes)

    return replace(first, tracks=tuple(tracks),
                   texts=first.texts + tuple(x._replace(tick=x.tick + offset) for x in second.texts),
                   tempos=shifted(first.tempos, second.tempos),
                   time_signatures=shifted(first.time_signatures, second.time_signatures),
                   key_signatures=shifted(first.key_signatures, second.key_signatures))


__all__ = ["quantize", "transpose", "notes_in_range", "notes_in_bars", "clip_of", "merge_tracks",
           "slice_bars", "join"]


# -- controllers that travel with notes ---------------------------------------------------------------
def carried_controls(track: Track, start: int, end: int, ticks: int = 0, semitones: int = 0,
                     copy: bool = False) -> tuple[tuple[Control, ...], tuple[Control, ...]]:
    """The controller events of ``track`` in [start, end) moved (or, with ``copy``, copied) by ``ticks``,
    as (removed, added) for a :class:`~musicstudio.core.changes.ControlChange`.

    What the span plays besides notes goes with its notes: controllers, pitch bend and aftertouch
    (polyphonic aftertouch also follows a transposition). Program changes stay where they are: they
    belong to the track, not to a phrase. Events that would land before the song are dropped.
    """
    span = [c for c in track.controls if start <= c.tick < end and c.kind != PROGRAM]
    moved = []
    for c in span:
        tick = c.tick + ticks
        number = c.number + semitones if c.kind == POLY_PRESSURE else c.number
        if tick >= 0 and 0 <= number <= 127:
            moved.append(c._replace(tick=tick, number=number))
    return (() if copy else tuple(span)), tuple(moved)
