"""Note edits that take the controllers of their span and their words along ("Move controllers and
words with notes"), as change values: moving, duplicating, cutting and pasting notes.

With ``carry`` on, the pedal, bends and other controllers under the notes go with them in the same
undo step (program changes stay: they belong to the track). The span of a group of notes runs from
their first start to their last end. At its edges, pedals decide: a pedal lifted where the notes end
belongs to them, one lifted where they start belongs to the notes before; any other event at the end
belongs to what follows. The track's words (a lyric, a marker) go with the notes that start at their
tick, as core.words says (not by span: the syllable of a note left in place stays on it). Deleting
notes is not here: it leaves the controllers and the words alone; quantizing moves the words with their notes'
starts and leaves the controllers.
"""

from __future__ import annotations

from typing import NamedTuple, Sequence

from musicstudio.core.changes import Change, ChangeGroup, ControlChange, NoteChange, TextChange
from musicstudio.core.controls import CONTROLLER, SUSTAIN, Control, SongText
from musicstudio.core.edits import carried_controls
from musicstudio.core.note import Note
from musicstudio.core.track import Track
from musicstudio.core.words import carried_words, words_of


class Clipboard(NamedTuple):
    """Copied notes, the controllers of their span and their words, moved so that the span starts at tick 0."""

    notes: tuple[Note, ...] = ()
    controls: tuple[Control, ...] = ()
    texts: tuple[SongText, ...] = ()

    def joined(self, other: Clipboard) -> Clipboard:
        """This clipboard's notes, controllers and words with ``other``'s after them."""
        return Clipboard(self.notes + other.notes, self.controls + other.controls, self.texts + other.texts)


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


def exact_change(track_index: int, track: Track, removed: Sequence, added: Sequence,
                 kind: type[ControlChange] | type[TextChange] = ControlChange) -> ControlChange | TextChange | None:
    """The change removing ``removed`` and adding ``added`` (controllers, or with ``kind`` TextChange words),
    made so that undoing it gives back the order of the events at every tick (ControlChange.of); None when
    it changes nothing."""
    if tuple(removed) == tuple(added):
        return None
    return kind.of(track_index, track, removed, added)


def moved_controls(track_index: int, track: Track, span: tuple[int, int], ticks: int = 0, semitones: int = 0,
                   copy: bool = False) -> ControlChange | None:
    """The span's controllers moved (or copied) by ``ticks``; None when that changes nothing."""
    return exact_change(track_index, track, *_carried(track, span, ticks, semitones, copy))


def moved_words(track_index: int, track: Track, notes: Sequence[Note], ticks: int,
                copy: bool = False) -> TextChange | None:
    """The words of ``notes`` moved (or copied) by ``ticks``; None when that changes nothing."""
    return exact_change(track_index, track, *carried_words(track, notes, ticks, copy), kind=TextChange)


def retimed_words(track_index: int, track: Track, before: Sequence[Note], after: Sequence[Note]) -> TextChange | None:
    """The words of ``before`` (some of the track's notes) moved to where the same notes start in ``after``
    (``before`` retimed, note for note: a quantize); None when no word moves."""
    new_start = {}
    for old, new in zip(before, after):
        new_start.setdefault(old.start, new.start)
    words = [w for w in words_of(track, before) if new_start[w.tick] != w.tick]
    return exact_change(track_index, track, words, [w._replace(tick=new_start[w.tick]) for w in words],
                        kind=TextChange)


def retimed(track_index: int, track: Track, before: Sequence[Note], after: Sequence[Note],
            carry: bool) -> Change:
    """``before`` replaced by ``after`` note for note (a quantize) and, with ``carry``, the words on those
    notes moved with their starts (the controllers stay: the notes keep their places in the bar)."""
    change = NoteChange(track_index, tuple(before), tuple(after))
    return _with(change, retimed_words(track_index, track, before, after)) if carry else change


def _with(change: NoteChange, *carried: ControlChange | TextChange | None) -> Change:
    parts = [change, *(c for c in carried if c is not None)]
    return change if len(parts) == 1 else ChangeGroup(tuple(parts))


def moved(track_index: int, track: Track, originals: Sequence[Note], ticks: int, semitones: int,
          carry: bool) -> tuple[Change, list[Note]]:
    """``originals`` moved by ``ticks`` and ``semitones`` (and, with ``carry``, their span's controllers and
    their words): the change and the moved notes."""
    notes = [n.moved_by(ticks, semitones) for n in originals]
    change = NoteChange(track_index, tuple(originals), tuple(notes))
    if not carry:
        return change, notes
    return _with(change, moved_controls(track_index, track, span_of(originals), ticks, semitones),
                 moved_words(track_index, track, originals, ticks)), notes


def duplicated(track_index: int, track: Track, originals: Sequence[Note], step: int,
               carry: bool, span: tuple[int, int] | None = None) -> tuple[Change, list[Note]]:
    """A copy of ``originals`` right after them, their span (or ``span``, when notes of several tracks are
    copied alike) rounded up to ``step`` ticks: the change and the copies. The controllers copied are those
    of the whole rounded span, the words those of the notes."""
    start, end = span or span_of(originals)
    length = max(step, -(-(end - start) // step) * step)
    copies = [n.moved_by(length) for n in originals]
    change = NoteChange(track_index, (), tuple(copies))
    if not carry:
        return change, copies
    return _with(change, moved_controls(track_index, track, (start, start + length), length, copy=True),
                 moved_words(track_index, track, originals, length, copy=True)), copies


def copied(track: Track, notes: Sequence[Note], carry: bool, start: int | None = None) -> Clipboard:
    """The notes (and with ``carry`` their span's controllers and their words) moved so that ``start`` (by
    default where they start) is tick 0."""
    span = span_of(notes)
    start = span[0] if start is None else start
    clip = Clipboard(tuple(n.moved_by(-start) for n in notes))
    if not carry:
        return clip
    return clip._replace(controls=_carried(track, span, -start, copy=True)[1],
                         texts=carried_words(track, notes, -start, copy=True)[1])


def cut(track_index: int, track: Track, notes: Sequence[Note], carry: bool) -> Change:
    """The notes taken out, and with ``carry`` the controllers of their span and their words too."""
    change = NoteChange(track_index, tuple(notes), ())
    if not carry:
        return change
    return _with(change, exact_change(track_index, track, _carried(track, span_of(notes))[0], ()),
                 exact_change(track_index, track, carried_words(track, notes)[0], (), kind=TextChange))


def pasted(track_index: int, track: Track, clipboard: Clipboard, at: int, carry: bool) -> tuple[Change, list[Note]]:
    """The clipboard put in at tick ``at``: the change and the pasted notes."""
    notes = [n.moved_by(at) for n in clipboard.notes]
    change = NoteChange(track_index, (), tuple(notes))
    if not carry:
        return change, notes
    return _with(change, exact_change(track_index, track, (), [c.moved_by(at) for c in clipboard.controls]),
                 exact_change(track_index, track, (), [w._replace(tick=w.tick + at) for w in clipboard.texts],
                              kind=TextChange)), notes
