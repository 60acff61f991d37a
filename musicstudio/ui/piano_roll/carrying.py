"""Note edits that take the controllers of their span along ("Move controllers with notes"), as change
values: moving, duplicating, cutting and pasting notes.

With ``carry`` on, the pedal, bends and other controllers under the notes go with them in the same
undo step (program changes stay: they belong to the track). The span of a group of notes runs from
their first start to their last end. At its edges, pedals decide: a pedal lifted where the notes end
belongs to them, one lifted where they start belongs to the notes before; any other event at the end
belongs to what follows. Deleting notes is not here: it leaves the controllers alone.
"""

from __future__ import annotations

from typing import NamedTuple, Sequence

from musicstudio.core.changes import Change, ChangeGroup, ControlChange, NoteChange
from musicstudio.core.controls import CONTROLLER, SUSTAIN, Control
from musicstudio.core.edits import carried_controls
from musicstudio.core.note import Note
from musicstudio.core.track import Track


class Clipboard(NamedTuple):
    """Copied notes and the controllers of their span, moved so that the span starts at tick 0."""

    notes: tuple[Note, ...] = ()
    controls: tuple[Control, ...] = ()


PEDALS = range(SUSTAIN, SUSTAIN + 6)   # sustain, portamento, sostenuto, soft, legato and hold 2: on/off pedals


def span_of(notes: Sequence[Note]) -> tuple[int, int]:
    """The first start and the last end of ``notes``."""
    return min(n.start for n in notes), max(n.end for n in notes)


def _is_lift(c: Control) -> bool:
    return c.kind == CONTROLLER and c.number in PEDALS and c.value < 64


def _carried(track: Track, span: tuple[int, int], ticks: int = 0, semitones: int = 0,
             copy: bool = False) -> tuple[tuple[Control, ...], tuple[Control, ...]]:
    """core.edits.carried_controls over the events that belong to ``span`` (see the module's note on edges)."""
    start, end = span
    inside = [c for c in track.controls if start <= c.tick <= end
              and not (c.tick == start and _is_lift(c)) and not (c.tick == end and not _is_lift(c))]
    return carried_controls(Track(controls=tuple(inside)), start, end + 1, ticks, semitones, copy)


def exact_change(track_index: int, track: Track, removed: Sequence[Control],
                 added: Sequence[Control]) -> ControlChange | None:
    """The change removing ``removed`` and adding ``added``, made so that undoing it gives back the order
    of the events at every tick (ControlChange.of); None when it changes nothing."""
    if tuple(removed) == tuple(added):
        return None
    return ControlChange.of(track_index, track, removed, added)


def moved_controls(track_index: int, track: Track, span: tuple[int, int], ticks: int = 0, semitones: int = 0,
                   copy: bool = False) -> ControlChange | None:
    """The span's controllers moved (or copied) by ``ticks``; None when that changes nothing."""
    return exact_change(track_index, track, *_carried(track, span, ticks, semitones, copy))


def _with(change: NoteChange, controls: ControlChange | None) -> Change:
    return change if controls is None else ChangeGroup((change, controls))


def moved(track_index: int, track: Track, originals: Sequence[Note], ticks: int, semitones: int,
          carry: bool) -> tuple[Change, list[Note]]:
    """``originals`` moved by ``ticks`` and ``semitones`` (and, with ``carry``, their span's controllers):
    the change and the moved notes."""
    notes = [n.moved_by(ticks, semitones) for n in originals]
    controls = moved_controls(track_index, track, span_of(originals), ticks, semitones) if carry else None
    return _with(NoteChange(track_index, tuple(originals), tuple(notes)), controls), notes


def duplicated(track_index: int, track: Track, originals: Sequence[Note], step: int,
               carry: bool, span: tuple[int, int] | None = None) -> tuple[Change, list[Note]]:
    """A copy of ``originals`` right after them, their span (or ``span``, when notes of several tracks are
    copied alike) rounded up to ``step`` ticks: the change and the copies. The controllers copied are those
    of the whole rounded span."""
    start, end = span or span_of(originals)
    length = max(step, -(-(end - start) // step) * step)
    copies = [n.moved_by(length) for n in originals]
    controls = moved_controls(track_index, track, (start, start + length), length, copy=True) if carry else None
    return _with(NoteChange(track_index, (), tuple(copies)), controls), copies


def copied(track: Track, notes: Sequence[Note], carry: bool, start: int | None = None) -> Clipboard:
    """The notes (and with ``carry`` their span's controllers) moved so that ``start`` (by default where
    they start) is tick 0."""
    span = span_of(notes)
    start = span[0] if start is None else start
    controls = _carried(track, span, -start, copy=True)[1] if carry else ()
    return Clipboard(tuple(n.moved_by(-start) for n in notes), tuple(controls))


def cut(track_index: int, track: Track, notes: Sequence[Note], carry: bool) -> Change:
    """The notes taken out, and with ``carry`` the controllers of their span too."""
    controls = exact_change(track_index, track, _carried(track, span_of(notes))[0], ()) if carry else None
    return _with(NoteChange(track_index, tuple(notes), ()), controls)


def pasted(track_index: int, track: Track, clipboard: Clipboard, at: int, carry: bool) -> tuple[Change, list[Note]]:
    """The clipboard put in at tick ``at``: the change and the pasted notes."""
    notes = [n.moved_by(at) for n in clipboard.notes]
    controls = None
    if carry and clipboard.controls:
        controls = exact_change(track_index, track, (), [c.moved_by(at) for c in clipboard.controls])
    return _with(NoteChange(track_index, (), tuple(notes)), controls), notes
