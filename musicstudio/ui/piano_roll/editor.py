"""The piano roll: its state (track, selection, snap, playhead, loop, tool) and the edits it makes.

Widgets paint and handle gestures; every change of the song goes through ``document.edit`` as a
core change value, so undo covers all of it (the edits are in ``editing``). Every track's notes show,
each in its colour: the current track's opaque, the others dimmer, and a click on one of theirs makes
its track current. The selection may span tracks; edits of it change every track it touches in one
step. Under the notes, a lane shows their velocities or one lane of the track's controllers; with "Move
controllers and words with notes" on, edits that move or copy notes take the controllers of their span and the
words at their starts along in the same step. A drum track's rows follow a drum map (the drums it uses
first) instead of the keyboard.
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QScrollBar, QWidget

from musicstudio.core.drum_map import drum_rows
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.ticks import PPQ
from musicstudio.core.track import Track
from musicstudio.ui.document import SongDocument
from musicstudio.ui.piano_roll.canvas import NoteCanvas
from musicstudio.ui.piano_roll.controller_lane import ControllerLane
from musicstudio.ui.piano_roll.editing import NoteEditing
from musicstudio.ui.piano_roll.geometry import Geometry
from musicstudio.ui.piano_roll.keyboard import DRUM_MAP_WIDTH, KEYBOARD_WIDTH, Keyboard
from musicstudio.ui.piano_roll.lane_panel import LaneHeader, LaneScale
from musicstudio.ui.piano_roll.lane_tools import TOOLS
from musicstudio.ui.piano_roll.lanes import Lane
from musicstudio.ui.piano_roll.note_index import IndexCache, NoteIndex
from musicstudio.ui.piano_roll.ruler import Ruler
from musicstudio.ui.piano_roll.snap import DEFAULT_SNAP, SNAP_CHOICES
from musicstudio.ui.piano_roll.velocity_lane import VelocityLane
from musicstudio.workers.letting_go import let_go

ZOOM_STEP = 1.25
OPENING_BARS = 4    # a song opens zoomed to its length, and to at least this many bars
PREPARE_FROM = 20_000   # tracks with this many notes get their index built off the GUI thread


class PianoRoll(NoteEditing, QWidget):
    audition_requested = Signal(int, int)      # pitch, velocity: the audio engine sounds it
    selection_changed = Signal()
    playhead_moved = Signal(int)               # tick
    loop_changed = Signal(object)              # the loop (start, end) in ticks, or None: set_loop emits it
    track_changed = Signal(int)                # the current track's index, whoever changed it

    def __init__(self, document: SongDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.geometry = Geometry()
        self.track_index = 0
        self.selected: dict[int, list[Note]] = {}   # the selection: selected notes by track index
        self.snap_label = DEFAULT_SNAP
        self.last_length = PPQ
        self.last_velocity = 100
        self.playhead = 0
        self.loop: tuple[int, int] | None = None
        self.tool = "select"
        self.clipboard: dict = {}       # copied notes by the track they came from (across.MultiClipboard)
        self.lane_tool = "draw"         # what a drag in a controller lane does (lane_tools.TOOLS)
        self.carry_controls = True      # moving or copying notes takes their span's controllers along
        self.key_highlight = True
        self.show_words = True          # lyrics under their notes, markers along the top (word_painter)
        self.preview: list[Note] = []    # notes being recorded, shown before they are in the song
        self._indexes = IndexCache()
        self._rows_for: tuple[int, bool] | None = None   # the track (index, is drum) the rows are laid out for
        self.drums_used = 0

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
        self._opening_fit = True        # the view keeps the song's opening fit (through resizes) until the user
                                        # zooms or scrolls

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

    def prepare(self, song: Song) -> None:
        """Build the note indexes of ``song``'s big tracks before it is shown: called on the thread that
        read it (pure Python and NumPy, no widget touched), so that a million notes land in the window
        without stopping it."""
        for track in song.tracks:
            if len(track.notes) >= PREPARE_FROM:
                index = NoteIndex(track)
                index.levels   # noqa: B018 - what a zoomed-out view draws, worked out here rather than in a paint
                self._indexes.put(index)

    @property
    def selection(self) -> list[Note]:
        """The selected notes of the current track (``selected`` holds those of every track)."""
        return self.selected.get(self.track_index, [])

    def selection_set(self, track: int | None = None) -> set[Note]:
        return set(self.selected.get(self.track_index if track is None else track, ()))

    def selected_notes(self) -> list[Note]:
        """The selected notes of every track, track by track."""
        return [n for _, notes in sorted(self.selected.items()) for n in notes]

    def has_selection(self) -> bool:
        return any(self.selected.values())

    def is_drum_map(self) -> bool:
        """Whether the rows show a drum map (the current track is a drum track)."""
        return self.geometry.rows is not None

    def shown_tracks(self) -> list[int]:
        """The tracks whose notes show and can be clicked, current first: every unmuted one on a keyboard's
        rows, the drum tracks alone on a drum map (its rows are drums, not pitches: other tracks' notes
        would land on the wrong rows)."""
        tracks, current = self.document.song.tracks, self.active_track
        drums = self.is_drum_map()
        others = [i for i, t in enumerate(tracks) if i != self.track_index and not t.muted and (t.is_drum or not drums)]
        return ([self.track_index] if current is not None else []) + others

    def scale_pitch_classes(self) -> frozenset[int] | None:
        return self.document.song.key.scale() if self.key_highlight else None

    # -- state changes ----------------------------------------------------------------------------
    def set_track(self, index: int, keep_selection: bool = False) -> None:
        """Make track ``index`` current; its selection (or, with ``keep_selection``, every track's) stays."""
        if index != self.track_index:
            self.track_index = index
            self.controller_lane.clear_span()
            kept = self.selected if keep_selection else {index: self.selected.get(index, [])}
            self._sync_rows()
            self.set_selected(kept)
            self.refresh()
            self.track_changed.emit(index)

    def set_selection(self, notes: list[Note]) -> None:
        """Select ``notes`` of the current track, and nothing in other tracks."""
        self.set_selected({self.track_index: list(notes)})

    def set_selected(self, selected: dict[int, list[Note]]) -> None:
        """Select these notes of each track (by track index)."""
        self.selected = {i: list(notes) for i, notes in selected.items() if notes}
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
        self.loop_changed.emit(self.loop)
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
        tracks = self.document.song.tracks
        kept: dict[int, list[Note]] = {}
        for index, notes in self.selected.items():
            # Keep selected only notes that are still in their track (undo may have taken them away).
            have = Counter(tracks[index].notes) if index < len(tracks) else Counter()
            kept[index] = []
            for n in notes:
                if have[n] > 0:
                    have[n] -= 1
                    kept[index].append(n)
        self.selected = {i: notes for i, notes in kept.items() if notes}
        if self._rows_key() != self._rows_for:
            self._sync_rows()
        self.selection_changed.emit()
        self.refresh()

    def _song_replaced(self) -> None:
        """A new song: track 1, nothing selected, no loop, and the view zoomed to the song's content. The
        indexes of the song before go, their notes freed off the GUI thread (a million at once stop it)."""
        let_go(self._indexes.keep_only(self.document.song.tracks), lambda index: (index.notes, index.starts))
        self.track_index = 0
        self.selected = {}
        self._sync_rows()
        self.set_playhead(0)
        self.set_loop(None)
        self.track_changed.emit(0)
        self.fit_content()

    # -- the rows: a keyboard, or a drum map for drums --------------------------------------------
    def _rows_key(self) -> tuple[int, bool]:
        track = self.active_track
        return self.track_index, track is not None and track.is_drum

    def _sync_rows(self) -> None:
        """Rows as a drum map for a drum track (the drums it uses on top), else as a keyboard. Worked out
        when the track becomes current, so that rows do not jump while the drums are being edited."""
        self._rows_for = self._rows_key()
        track = self.active_track
        drums = track is not None and track.is_drum
        was_drums = self.is_drum_map()
        used = set(self.index_of(track).pitches()) if drums else set()
        self.drums_used = len(used)     # the drum map's rows of drums the track plays, at its top
        self.geometry.set_rows(drum_rows(used) if drums else None)
        width = DRUM_MAP_WIDTH if drums else KEYBOARD_WIDTH
        self.keyboard.setFixedWidth(width)
        self.lane_scale.setFixedWidth(width)
        if drums or was_drums:
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
        self._opening_fit = False
        self.geometry.scroll_x = float(value)
        for w in (self.canvas, self.ruler, self.velocity_lane, self.controller_lane):
            w.update()

    def _scrolled_y(self, value: int) -> None:
        self._opening_fit = False
        self.geometry.scroll_y = float(value)
        self.canvas.update()
        self.keyboard.update()

    def scroll_by(self, dx: float = 0, dy: float = 0) -> None:
        self._opening_fit = False
        if dx:
            self.hbar.setValue(int(self.hbar.value() + dx))
        if dy:
            self.vbar.setValue(int(self.vbar.value() + dy))

    def zoom(self, factor: float, anchor_x: float | None = None) -> None:
        self._opening_fit = False
        self.geometry.zoom_x(factor, self.canvas.width() / 2 if anchor_x is None else anchor_x)
        self.refresh()

    def zoom_to_fit(self, least_bars: int = 1) -> None:
        """The whole song across the view (at least ``least_bars`` bars), from its start."""
        song = self.document.song
        self.geometry.fit_x(max(song.length_ticks, song.meter.bar_start(least_bars)), max(1, self.canvas.width()))
        self.refresh()

    def fit_content(self) -> None:
        """How each song opens: zoomed to its notes (at least OPENING_BARS bars) and centred on them, whatever
        the zoom of the song before. The fit holds while the view is laid out and resized (the window shown,
        a panel opened), until the user zooms or scrolls."""
        self._opening_fit = True
        if self.canvas.width() >= 50 and self.canvas.height() > 50:
            self.zoom_to_fit(OPENING_BARS)
            self.centre_on_notes()

    def zoom_rows(self, factor: float, anchor_y: float | None = None) -> None:
        self._opening_fit = False
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
        """Rows of the current track's notes in the middle (a drum map from its top: the drums used)."""
        track = self.active_track
        g = self.geometry
        if self.is_drum_map():
            g.clamp_y(max(1, self.canvas.height()), 0.0)
        else:
            pitches = self.index_of(track).pitches() if track is not None and track.notes else [60]
            g.centre_on_pitch((pitches[0] + pitches[-1]) // 2, max(1, self.canvas.height()))
        g.scroll_x = 0.0
        self.refresh()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self._opening_fit and self.canvas.width() >= 50 and self.canvas.height() > 50:
            self._centred = True
            self.fit_content()
        elif not self._centred and self.canvas.height() > 50:
            self._centred = True
            self.centre_on_notes()
        self.geometry.clamp_y(self.canvas.height())
        self._update_scrollbars()
