"""Note edits over a selection that spans tracks, as one change value.

A selection is the selected notes of each track, by track index. Each edit makes one change per track
(with that track's controllers and words carried along when "Move controllers and words with notes" is on, as
``carrying`` does for one track) and puts them in one ChangeGroup, so the whole edit is one undo step.
Notes of several tracks move, duplicate and paste alike: by the same ticks, over their common span.
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

import musicstudio.ui.piano_roll.carrying as carrying
from musicstudio.core.changes import Change, ChangeGroup, NoteChange
from musicstudio.core.note import Note
from musicstudio.core.song import Song

Selected = Mapping[int, Sequence[Note]]       # the selected notes of each track, by track index
MultiClipboard = dict[int, carrying.Clipboard]   # copied notes by the index of the track they came from


def grouped(parts: Sequence[Change]) -> Change | None:
    """One change for ``parts``: None for none, the change itself for one, else a ChangeGroup."""
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else ChangeGroup(tuple(parts))


def span_of(selected: Selected) -> tuple[int, int]:
    """The first start and the last end of every selected note."""
    spans = [carrying.span_of(notes) for notes in selected.values() if notes]
    return min(s for s, _ in spans), max(e for _, e in spans)


def _each(selected: Selected, edit: Callable[[int, Sequence[Note]], tuple[Change, list[Note]]]):
    parts, after = [], {}
    for index, notes in sorted(selected.items()):
        if notes:
            change, after[index] = edit(index, notes)
            parts.append(change)
    return grouped(parts), after


def moved(song: Song, selected: Selected, ticks: int, semitones: int, carry: bool):
    """Every selected note moved by ``ticks`` and ``semitones``: the change and the selection after it."""
    return _each(selected, lambda i, notes: carrying.moved(i, song.tracks[i], notes, ticks, semitones, carry))


def replaced(before: Selected, after: Selected) -> Change | None:
    """Each track's ``before`` notes replaced by its ``after`` notes (a quantize, a resize)."""
    return grouped([NoteChange(i, tuple(before.get(i, ())), tuple(after.get(i, ())))
                    for i in sorted(set(before) | set(after)) if before.get(i) or after.get(i)])


def quantized(song: Song, selected: Selected, edit: Callable[[Sequence[Note]], list[Note]], carry: bool):
    """Each track's selected notes retimed by ``edit`` (note for note: a quantize), with ``carry`` their words
    moving with their starts: the change and the selection after it."""
    return _each(selected, lambda i, notes: _retimed(song.tracks[i], i, notes, list(edit(notes)), carry))


def _retimed(track, index: int, notes: Sequence[Note], after: list[Note], carry: bool):
    return carrying.retimed(index, track, notes, after, carry), after


def deleted(selected: Selected) -> Change | None:
    """The selected notes taken out; the controllers under them stay."""
    return replaced(selected, {})


def duplicated(song: Song, selected: Selected, step: int, carry: bool):
    """A copy of the selection right after it, its common span rounded up to ``step``."""
    span = span_of(selected)
    return _each(selected, lambda i, notes: carrying.duplicated(i, song.tracks[i], notes, step, carry, span))


def copied(song: Song, selected: Selected, carry: bool) -> MultiClipboard:
    """The selection as it is, from its first start, kept by the track each note came from."""
    start = span_of(selected)[0]
    return {i: carrying.copied(song.tracks[i], notes, carry, start) for i, notes in selected.items() if notes}


def cut(song: Song, selected: Selected, carry: bool) -> Change | None:
    return grouped([carrying.cut(i, song.tracks[i], notes, carry) for i, notes in sorted(selected.items()) if notes])


def pasted(song: Song, clipboard: MultiClipboard, at: int, current: int, carry: bool):
    """The clipboard put in at tick ``at``: notes copied from one track go into the ``current`` track, notes
    copied from several go back into the tracks they came from (into the current one where such a track is
    gone). The change and the pasted notes by track."""
    if len(clipboard) == 1:
        targets = {current: next(iter(clipboard.values()))}
    else:
        targets = {}
        for source, clip in sorted(clipboard.items()):
            index = source if source < len(song.tracks) else current
            held = targets.get(index, carrying.Clipboard())
            targets[index] = held.joined(clip)
    return _each({i: clip.notes for i, clip in targets.items()},
                 lambda i, _: carrying.pasted(i, song.tracks[i], targets[i], at, carry))
