"""The piano roll: its state (track, selection, snap, playhead, loop, tool) and the edits it makes.

Widgets paint and handle gestures; every change of the song goes through ``document.edit`` as a
core change value, so undo covers all of it. Under the notes, a lane shows their velocities or one
lane of the track's controllers; with "Move controllers with notes" on, edits that move or copy notes
take the controllers of their span along in the same step.
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QScrollBar, QWidget

import musicstudio.ui.piano_roll.carrying as carrying
from musicstudio.core import edits
from musicstudio.core.changes import Change, NoteChange
from musicstudio.core.controls import Control
from musicstudio.core.note import Note
from musicstudio.core.ticks import PPQ
from musicstudio.core.track import Track
from musicstudio.ui.document import SongDocument
from musicstudio.ui.piano_roll.canvas import NoteCanvas
from musicstudio.ui.piano_roll.controller_lane import ControllerLane
from musicstudio.ui.piano_roll.geometry import Geometry
from musicstudio.ui.piano_roll.keyboard import KEYBOARD_WIDTH, Keyboard
from musicstudio.ui.piano_roll.lane_panel import LaneHeader, LaneScale
from musicstudio.ui.piano_roll.lane_tools import TOOLS
from musicstudio.ui.piano_roll.lanes import Lane
from musicstudio.ui.piano_roll.note_index import IndexCache, NoteIndex
from musicstudio.ui.piano_roll.ruler import Ruler
from musicstudio.ui.piano_roll.snap import DEFAULT_SNAP, SNAP_CHOICES, snap_nearest
from musicstudio.ui.piano_roll.velocity_lane import VelocityLane

ZOOM_STEP = 1.25


class PianoRoll(QWidget):
    audition_requested = Signal(int, int)      # pitch, velocity: the audio engine sounds it
    selection_changed = Signal()
    playhead_moved = Signal(int)               # tick
    loop_changed = Signal()

    def __init__(self, document: SongDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.geometry = Geometry()
        self.track_index = 0
        self.selection: list[Note] = []
        self.snap_label = DEFAULT_SNAP
        self.last_length = PPQ
        self.last_velocity = 100
        self.playhead = 0
        self.loop: tuple[int, int] | None = None
        self.tool = "select"
        self.clipboard = carrying.Clipboard()
        self.lane_tool = "draw"         # what a drag in a controller lane does (lane_tools.TOOLS)
        self.carry_controls = True      # moving or copying notes takes their span's controllers along
        self.key_highlight = True
        self.preview: list[Note] = []    # notes being recorded, shown before they are in the song
        self._indexes = IndexCache()

        self.canvas = NoteCanvas(self, document, self.geometry)
        self.keyboard = Keyboard(self)
        self.ruler = Ruler(self)
        self.velocity_lane = VelocityLane(self)
        self.controller_lane = ControllerLane(self)
        self.controller_lane.hide()
        self.lane_header = LaneHeader(self)
        self.lane_scale = LaneScale(self)
        self.hbar = QScrollBar(Qt.Orientation.Horizontal, self)
        self.vbar = QScrollBar(Qt.Orientation.Vertical, self)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.ruler, 0, 1)
        layout.addWidget(self.keyboard, 1, 0)
        layout.addWidget(self.canvas, 1, 1)
        layout.addWidget(self.vbar, 1, 2)
        layout.addWidget(self.lane_header, 2, 0, 1, 3)
        layout.addWidget(self.lane_scale, 3, 0)
        layout.addWidget(self.velocity_lane, 3, 1)
        layout.addWidget(self.controller_lane, 3, 1)
        layout.addWidget(self.hbar, 4, 1)
        layout.setColumnMinimumWidth(0, KEYBOARD_WIDTH)
        layout.setRowStretch(1, 1)
        layout.setColumnStretch(1, 1)
        self.hbar.valueChanged.connect(self._scrolled_x)
        self.vbar.valueChanged.connect(self._scrolled_y)
        document.changed.connect(self._song_changed)
        document.replaced.connect(self._song_replaced)
        self.setFocusProxy(self.canvas)
        self._centred = False

    # -- derived state ----------------------------------------------------------------------------
    @property
    def snap(self) -> int:
        return SNAP_CHOICES[self.snap_label]

    @property
    def grid_step(self) -> int:
        """The step for arrow keys and quantize: the snap, or a 16th when snapping is off."""
        return self.snap or PPQ // 4

    @property
    def active_track(self) -> Track | None:
        tracks = self.document.song.tracks
        return tracks[self.track_index] if 0 <= self.track_index < len(tracks) else None

    def index_of(self, track: Track) -> NoteIndex:
        return self._indexes.get(track)

    def selection_set(self) -> set[Note]:
        return set(self.selection)

    def scale_pitch_classes(self) -> frozenset[int] | None:
        return self.document.song.key.scale() if self.key_highlight else None

    # -- state changes ----------------------------------------------------------------------------
    def set_track(self, index: int) -> None:
        if index != self.track_index:
            self.track_index = index
            self.controller_lane.clear_span()
            self.set_selection([])
            self.refresh()

    def set_selection(self, notes: list[Note]) -> None:
        self.selection = list(notes)
        self.selection_changed.emit()
        self.canvas.update()
        self.velocity_lane.update()

    def set_snap(self, label: str) -> None:
        if label not in SNAP_CHOICES:
            raise ValueError(f"unknown snap {label!r}")
        self.snap_label = label
        self.canvas.update()

    def set_tool(self, tool: str) -> None:
        self.tool = tool

    def set_lane_tool(self, tool: str) -> None:
        if tool not in TOOLS:
            raise ValueError(f"unknown lane tool {tool!r}")
        self.lane_tool = tool

    def set_carry_controls(self, on: bool) -> None:
        self.carry_controls = bool(on)

    def show_lane(self, lane: Lane | None) -> None:
        """Show one controller lane under the notes, or (None) their velocities."""
        self.velocity_lane.setVisible(lane is None)
        self.controller_lane.setVisible(lane is not None)
        if lane is not None:
            self.controller_lane.set_lane(lane)
        self.lane_scale.update()

    def set_playhead(self, tick: int) -> None:
        self.playhead = max(0, tick)
        self.playhead_moved.emit(self.playhead)
        self.canvas.update()
        self.ruler.update()
        self.controller_lane.update()

    def set_loop(self, loop: tuple[int, int] | None) -> None:
        self.loop = loop if loop is None or loop[1] > loop[0] else None
        self.loop_changed.emit()
        self.canvas.update()
        self.ruler.update()

    def set_preview(self, notes: list[Note]) -> None:
        if notes or self.preview:
            self.preview = list(notes)
            self.canvas.update()

    def audition(self, pitch: int, velocity: int = 100) -> None:
        self.audition_requested.emit(pitch, velocity)

    def refresh(self) -> None:
        self._update_scrollbars()
        for w in (self.canvas, self.keyboard, self.ruler, self.velocity_lane, self.controller_lane, self.lane_scale):
            w.update()

    def _song_changed(self) -> None:
        track = self.active_track
        if track is None:
            self.selection = []
        elif self.selection:
            # Keep selected only notes that are still in the track (undo may have taken them away).
            have = Counter(track.notes)
            kept = []
            for n in self.selection:
                if have[n] > 0:
                    have[n] -= 1
                    kept.append(n)
            self.selection = kept
        self.selection_changed.emit()
        self.refresh()

    def _song_replaced(self) -> None:
        self.track_index = 0
        self.selection = []
        self.set_playhead(0)
        self.set_loop(None)
        self.centre_on_notes()

    # -- scrolling and zoom -----------------------------------------------------------------------
    def content_width(self) -> float:
        song = self.document.song
        end = max(song.length_ticks, song.meter.bar_start(8)) + song.meter.bar_start(4)
        return end * self.geometry.px_per_tick

    def _update_scrollbars(self) -> None:
        g = self.geometry
        w, h = self.canvas.width(), self.canvas.height()
        for bar, total, page, value in ((self.hbar, self.content_width(), w, g.scroll_x),
                                        (self.vbar, g.content_height, h, g.scroll_y)):
            bar.blockSignals(True)
            bar.setRange(0, max(0, int(total - page)))
            bar.setPageStep(max(1, page))
            bar.setSingleStep(max(1, int(g.row_height)))
            bar.setValue(int(value))
            bar.blockSignals(False)

    def _scrolled_x(self, value: int) -> None:
        self.geometry.scroll_x = float(value)
        for w in (self.canvas, self.ruler, self.velocity_lane, self.controller_lane):
            w.update()

    def _scrolled_y(self, value: int) -> None:
        self.geometry.scroll_y = float(value)
        self.canvas.update()
        self.keyboard.update()

    def scroll_by(self, dx: float = 0, dy: float = 0) -> None:
        if dx:
            self.hbar.setValue(int(self.hbar.value() + dx))
        if dy:
            self.vbar.setValue(int(self.vbar.value() + dy))

    def zoom(self, factor: float, anchor_x: float | None = None) -> None:
        self.geometry.zoom_x(factor, self.canvas.width() / 2 if anchor_x is None else anchor_x)
        self.refresh()

    def zoom_to_fit(self) -> None:
        """The whole song across the view (at least a bar), from its start."""
        song = self.document.song
        self.geometry.fit_x(max(song.length_ticks, song.meter.bar_start(1)), max(1, self.canvas.width()))
        self.refresh()

    def zoom_rows(self, factor: float, anchor_y: float | None = None) -> None:
        h = self.canvas.height()
        self.geometry.zoom_y(factor, h / 2 if anchor_y is None else anchor_y, h)
        self.refresh()

    def wheel(self, event, widget: QWidget) -> None:
        delta = event.angleDelta()
        mods = event.modifiers()
        steps = (delta.y() or delta.x()) / 120
        if mods & Qt.KeyboardModifier.ControlModifier:
            if mods & Qt.KeyboardModifier.ShiftModifier:
                self.zoom_rows(ZOOM_STEP ** steps, event.position().y())
            else:
                self.zoom(ZOOM_STEP ** steps, event.position().x())
        elif mods & Qt.KeyboardModifier.ShiftModifier or delta.x():
            self.scroll_by(dx=-(delta.x() or delta.y()) / 2)
        else:
            self.scroll_by(dy=-delta.y() / 2)
        event.accept()

    def centre_on_notes(self) -> None:
        track = self.active_track
        pitches = [n.pitch for n in track.notes] if track is not None and track.notes else [60]
        self.geometry.centre_on_pitch((min(pitches) + max(pitches)) // 2, max(1, self.canvas.height()))
        self.geometry.scroll_x = 0.0
        self.refresh()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if not self._centred and self.canvas.height() > 50:
            self._centred = True
            self.centre_on_notes()
        self.geometry.clamp_y(self.canvas.height())
        self._update_scrollbars()

    # -- edits: each one undo step ----------------------------------------------------------------
    def replace_notes(self, removed: list[Note], added: list[Note], text: str, select: bool = True) -> None:
        if self.active_track is None or (not removed and not added):
            return
        self._edit(NoteChange(self.track_index, tuple(removed), tuple(added)), text, added if select else None)

    def _edit(self, change: Change, text: str, select: list[Note] | None) -> None:
        self.document.edit(change, text)
        if select is not None:
            self.set_selection(list(select))

    def edit_controls(self, removed: list[Control], added: list[Control], text: str) -> None:
        """One step of a controller lane: ``removed`` events out of the active track, ``added`` in."""
        change = None if self.active_track is None else carrying.exact_change(self.track_index, self.active_track,
                                                                               removed, added)
        if change is not None:
            self.document.edit(change, text)

    def add_notes(self, notes: list[Note], text: str = "Add notes") -> None:
        self.replace_notes([], notes, text)

    def delete_notes(self, notes: list[Note]) -> None:
        self.replace_notes(notes, [], "Delete notes", select=False)
        self.set_selection([n for n in self.selection if n not in notes])

    def delete_selection(self) -> None:
        """The selected notes go; the controllers under them stay."""
        if self.selection:
            self.replace_notes(self.selection, [], "Delete notes", select=False)
            self.set_selection([])

    def select_all(self) -> None:
        track = self.active_track
        self.set_selection(list(track.notes) if track is not None else [])

    def move_notes(self, originals: list[Note], ticks: int = 0, semitones: int = 0, text: str = "Move notes") -> None:
        """``originals`` moved alike, with the controllers of their span when the toggle is on."""
        if originals and self.active_track is not None:
            change, notes = carrying.moved(self.track_index, self.active_track, originals, ticks, semitones,
                                           self.carry_controls)
            self._edit(change, text, notes)

    def nudge(self, ticks: int = 0, semitones: int = 0) -> None:
        """Move the selection; a move that would leave the song or the pitch range does nothing."""
        sel = self.selection
        if not sel:
            return
        if min(n.start for n in sel) + ticks < 0:
            return
        if min(n.pitch for n in sel) + semitones < 0 or max(n.pitch for n in sel) + semitones > 127:
            return
        self.move_notes(sel, ticks, semitones, "Transpose notes" if semitones else "Move notes")
        if semitones and len(sel) == 1:
            self.audition(self.selection[0].pitch, self.selection[0].velocity)

    def transpose_selection(self, semitones: int) -> bool:
        try:
            edits.transpose(self.selection, semitones)
        except ValueError:
            return False
        self.move_notes(self.selection, 0, semitones, "Transpose notes")
        return True

    def quantize_selection(self, strength: float = 1.0, swing: float = 0.0) -> None:
        if self.selection:
            self.replace_notes(self.selection, edits.quantize(self.selection, self.grid_step, strength, swing),
                               "Quantize notes")

    def set_velocity(self, notes: list[Note], velocities: list[int]) -> None:
        changed = [n.with_velocity(max(1, min(127, v))) for n, v in zip(notes, velocities)]
        self.replace_notes(notes, changed, "Change velocity", select=bool(self.selection))

    def selection_span(self) -> tuple[int, int]:
        return min(n.start for n in self.selection), max(n.end for n in self.selection)

    def duplicate_selection(self) -> None:
        """A copy of the selection right after it (its span rounded up to the grid)."""
        if self.selection and self.active_track is not None:
            change, copies = carrying.duplicated(self.track_index, self.active_track, self.selection,
                                                 self.grid_step, self.carry_controls)
            self._edit(change, "Duplicate notes", copies)

    def copy_selection(self) -> None:
        if self.selection and self.active_track is not None:
            self.clipboard = carrying.copied(self.active_track, self.selection, self.carry_controls)

    def cut_selection(self) -> None:
        """Copy, then take the notes (and, with the toggle on, their controllers) out in one step."""
        if self.selection and self.active_track is not None:
            self.copy_selection()
            self._edit(carrying.cut(self.track_index, self.active_track, self.selection, self.carry_controls),
                       "Cut notes", [])

    def paste(self) -> None:
        """The clipboard's notes at the playhead (snapped to the grid), into the current track."""
        if self.clipboard.notes and self.active_track is not None:
            at = snap_nearest(self.playhead, self.snap)
            change, notes = carrying.pasted(self.track_index, self.active_track, self.clipboard, at,
                                            self.carry_controls)
            self._edit(change, "Paste notes", notes)
