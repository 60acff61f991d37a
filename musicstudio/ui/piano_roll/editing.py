"""The piano roll's note edits, each one undo step through ``document.edit``.

Edits of the selection work on every track it spans (``across`` makes one ChangeGroup of per-track
changes); edits of given notes (a drawn note, a resize, a velocity stroke) work on one track, the current
one unless a track is named.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import musicstudio.ui.piano_roll.across as across
import musicstudio.ui.piano_roll.carrying as carrying
from musicstudio.core import edits
from musicstudio.core.changes import Change, NoteChange
from musicstudio.core.controls import Control
from musicstudio.core.note import Note
from musicstudio.ui.piano_roll.snap import snap_nearest

if TYPE_CHECKING:
    from musicstudio.ui.piano_roll.editor import PianoRoll


class NoteEditing:
    """Mixed into PianoRoll: the edits its gestures, keys and menus make."""

    def _edit(self: PianoRoll, change: Change | None, text: str, select: dict[int, list[Note]] | None) -> None:
        if change is None:
            return
        self.document.edit(change, text)
        if select is not None:
            self.set_selected(select)

    # -- given notes of one track -----------------------------------------------------------------
    def replace_notes(self: PianoRoll, removed: list[Note], added: list[Note], text: str, select: bool = True,
                      track: int | None = None) -> None:
        index = self.track_index if track is None else track
        if not 0 <= index < len(self.document.song.tracks) or (not removed and not added):
            return
        self._edit(NoteChange(index, tuple(removed), tuple(added)), text, {index: list(added)} if select else None)

    def edit_controls(self: PianoRoll, removed: list[Control], added: list[Control], text: str) -> None:
        """One step of a controller lane: ``removed`` events out of the active track, ``added`` in."""
        change = None if self.active_track is None else carrying.exact_change(self.track_index, self.active_track,
                                                                               removed, added)
        self._edit(change, text, None)

    def add_notes(self: PianoRoll, notes: list[Note], text: str = "Add notes") -> None:
        self.replace_notes([], notes, text)

    def delete_notes(self: PianoRoll, notes: list[Note], track: int | None = None) -> None:
        index = self.track_index if track is None else track
        self.replace_notes(notes, [], "Delete notes", select=False, track=index)
        self.set_selected({i: [n for n in sel if i != index or n not in notes] for i, sel in self.selected.items()})

    def move_notes(self: PianoRoll, originals: list[Note], ticks: int = 0, semitones: int = 0,
                   text: str = "Move notes") -> None:
        """``originals`` of the current track moved alike, with the controllers of their span when the
        toggle is on."""
        if originals and self.active_track is not None:
            self.move_selected({self.track_index: originals}, ticks, semitones, text)

    def set_velocity(self: PianoRoll, notes: list[Note], velocities: list[int]) -> None:
        changed = [n.with_velocity(max(1, min(127, v))) for n, v in zip(notes, velocities)]
        self.replace_notes(notes, changed, "Change velocity", select=bool(self.selection))

    # -- the selection, on every track it spans ---------------------------------------------------
    def select_all(self: PianoRoll) -> None:
        """Every note of the current track (and none of the others)."""
        track = self.active_track
        self.set_selection(list(track.notes) if track is not None else [])

    def move_selected(self: PianoRoll, selected: dict[int, list[Note]], ticks: int = 0, semitones: int = 0,
                      text: str = "Move notes") -> None:
        """Notes of several tracks moved alike, as one step."""
        change, after = across.moved(self.document.song, selected, ticks, semitones, self.carry_controls)
        self._edit(change, text, after)

    def replace_selected(self: PianoRoll, before: dict[int, list[Note]], after: dict[int, list[Note]],
                         text: str) -> None:
        """Each track's ``before`` notes replaced by its ``after`` notes, as one step; ``after`` selected."""
        self._edit(across.replaced(before, after), text, after)

    def delete_selection(self: PianoRoll) -> None:
        """The selected notes go; the controllers under them stay."""
        if self.has_selection():
            self._edit(across.deleted(self.selected), "Delete notes", {})

    def nudge(self: PianoRoll, ticks: int = 0, semitones: int = 0) -> None:
        """Move the selection; a move that would leave the song or the pitch range does nothing."""
        notes = self.selected_notes()
        if not notes or min(n.start for n in notes) + ticks < 0:
            return
        if min(n.pitch for n in notes) + semitones < 0 or max(n.pitch for n in notes) + semitones > 127:
            return
        self.move_selected(self.selected, ticks, semitones, "Transpose notes" if semitones else "Move notes")
        if semitones and len(notes) == 1:
            moved = self.selected_notes()[0]
            self.audition(moved.pitch, moved.velocity)

    def transpose_selection(self: PianoRoll, semitones: int) -> bool:
        """The selection moved by ``semitones``; False (and nothing changed) if a note would leave the
        MIDI range."""
        try:
            edits.transpose(self.selected_notes(), semitones)
        except ValueError:
            return False
        self.move_selected(self.selected, 0, semitones, "Transpose notes")
        return True

    def quantize_selection(self: PianoRoll, strength: float = 1.0, swing: float = 0.0) -> None:
        change, after = across.quantized(self.document.song, self.selected,
                                         lambda notes: edits.quantize(notes, self.grid_step, strength, swing),
                                         self.carry_controls)
        self._edit(change, "Quantize notes", after)

    def selection_span(self: PianoRoll) -> tuple[int, int]:
        return across.span_of(self.selected)

    def duplicate_selection(self: PianoRoll) -> None:
        """A copy of the selection right after it (its span rounded up to the grid)."""
        if self.has_selection():
            change, copies = across.duplicated(self.document.song, self.selected, self.grid_step,
                                               self.carry_controls)
            self._edit(change, "Duplicate notes", copies)

    def copy_selection(self: PianoRoll) -> None:
        if self.has_selection():
            self.clipboard = across.copied(self.document.song, self.selected, self.carry_controls)

    def cut_selection(self: PianoRoll) -> None:
        """Copy, then take the notes (and, with the toggle on, their controllers) out in one step."""
        if self.has_selection():
            self.copy_selection()
            self._edit(across.cut(self.document.song, self.selected, self.carry_controls), "Cut notes", {})

    def paste(self: PianoRoll) -> None:
        """The clipboard's notes at the playhead (snapped to the grid): notes of one track into the current
        track, notes of several back into theirs."""
        if self.clipboard and self.active_track is not None:
            at = snap_nearest(self.playhead, self.snap)
            change, notes = across.pasted(self.document.song, self.clipboard, at, self.track_index,
                                          self.carry_controls)
            self._edit(change, "Paste notes", notes)
