"""The note area of the piano roll: painting the grid and notes, and the mouse gestures on them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QWidget

from musicstudio.core.note import Note
from musicstudio.ui import palette
from musicstudio.ui.piano_roll.hint import hint_text, paint_hint
from musicstudio.ui.piano_roll.note_painter import paint_tracks
from musicstudio.ui.piano_roll.saliency_tint import paint_tint
from musicstudio.ui.piano_roll.snap import snap_down, snap_nearest
from musicstudio.ui.piano_roll.word_painter import paint_words

if TYPE_CHECKING:
    from musicstudio.ui.document import SongDocument
    from musicstudio.ui.piano_roll.editor import PianoRoll
    from musicstudio.ui.piano_roll.geometry import Geometry

EDGE_PX = 6                 # how near a note's edge a press resizes instead of moving
BLACK_KEYS = {1, 3, 6, 8, 10}


@dataclass
class Drag:
    kind: str                           # move, resize-left, resize-right, create, band
    press_tick: int
    press_pitch: int
    press_pos: QPointF
    anchor: Note | None = None
    originals: list[Note] = field(default_factory=list)
    preview: list[Note] = field(default_factory=list)
    owners: list[int] = field(default_factory=list)        # the track of each of the originals
    base_selection: dict[int, list[Note]] = field(default_factory=dict)
    band: QRectF | None = None
    every_track: bool = False           # a band that selects in every track shown, not the current one alone

    def by_track(self, notes: list[Note]) -> dict[int, list[Note]]:
        """``notes`` (the originals, or their preview) by the track each original came from."""
        out: dict[int, list[Note]] = {}
        for owner, n in zip(self.owners, notes):
            out.setdefault(owner, []).append(n)
        return out


class NoteCanvas(QWidget):
    """Draws ``document``'s song as ``geometry`` lays it out; ``roll`` is the editor whose selection, tool,
    snap and edits the gestures use."""

    def __init__(self, roll: PianoRoll, document: SongDocument, geometry: Geometry):
        super().__init__(roll)
        self.roll, self.document, self.geometry = roll, document, geometry
        self.drag: Drag | None = None
        self.saliency_tint = None       # a SaliencyTint over a take's seed notes (saliency_tint.py), or None
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    # -- painting ---------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        roll, g = self.roll, self.geometry
        p = QPainter(self)
        w, h = self.width(), self.height()
        t0, t1 = g.tick_at(0), g.tick_at(w) + 1
        self._paint_rows(p, w, h)
        self.paint_grid(p, t0, t1, h)
        if roll.loop is not None:
            x0, x1 = g.x_of(roll.loop[0]), g.x_of(roll.loop[1])
            p.fillRect(QRectF(x0, 0, x1 - x0, h), palette.LOOP_FILL)
            p.setPen(QPen(palette.LOOP_EDGE, 1))
            p.drawLine(QPointF(x0, 0), QPointF(x0, h))
            p.drawLine(QPointF(x1, 0), QPointF(x1, h))
        paint_tracks(self, p, t0, t1)
        paint_words(self, p, t0, t1)
        if self.saliency_tint is not None:
            paint_tint(p, g, self.saliency_tint, w)
        x = g.x_of(roll.playhead)
        p.setPen(QPen(palette.PLAYHEAD, 1.5))
        p.drawLine(QPointF(x, 0), QPointF(x, h))
        if self.drag and self.drag.band is not None:
            p.setPen(QPen(palette.SELECTION_EDGE, 1, Qt.PenStyle.DashLine))
            p.setBrush(palette.RUBBER_BAND)
            p.drawRect(self.drag.band)
        hint = self.hint()
        if hint:
            paint_hint(p, w, h, hint)
        p.end()

    def hint(self) -> str | None:
        """What the empty roll says about getting notes in; None once the song has notes."""
        if any(t.notes for t in self.document.song.tracks) or self.roll.preview or self.drag is not None:
            return None
        return hint_text(self.window())

    def _paint_rows(self, p: QPainter, w: int, h: int) -> None:
        g = self.geometry
        p.fillRect(0, 0, w, h, palette.BACKGROUND)
        if self.roll.is_drum_map():
            for row in range(g.row_at(0), g.row_at(max(0, h - 1)) + 1):
                colour = palette.ROW_IN_SCALE if row < self.roll.drums_used else (
                    palette.ROW_BLACK_KEY if row % 2 else None)
                if colour is not None:
                    p.fillRect(QRectF(0, row * g.row_height - g.scroll_y, w, g.row_height), colour)
            return
        scale = self.roll.scale_pitch_classes()
        top, bottom = g.pitch_at(0), g.pitch_at(h)
        for pitch in range(bottom, top + 1):
            pc = pitch % 12
            colour = palette.ROW_BLACK_KEY if pc in BLACK_KEYS else None
            if scale is not None:
                colour = palette.ROW_IN_SCALE if pc in scale else palette.ROW_BLACK_KEY
            if pc == 0:
                colour = palette.ROW_C
            if colour is not None:
                p.fillRect(QRectF(0, g.y_of(pitch), w, g.row_height), colour)

    def paint_grid(self, p: QPainter, t0: int, t1: int, h: int, lines_from=("grid", "beat", "bar"),
                   bar_gap: float = 4) -> None:
        """Bar, beat and snap-grid lines (those named in ``lines_from``) from tick ``t0`` to ``t1``, ``h``
        pixels tall, bar lines at least ``bar_gap`` pixels apart; the controller lane draws the same lines
        under its curves."""
        g, song = self.geometry, self.document.song
        meter = song.meter
        # Zoomed far out, bar lines every 2, 4, 8 ... bars, so no two are closer than bar_gap pixels.
        step, bar_px = 1, meter.signature_at(t0).bar_ticks * g.px_per_tick
        while step * bar_px < bar_gap and step < 1 << 20:
            step *= 2
        bar = meter.bar_at(t0) // step * step
        snap = self.roll.snap
        lines: dict[str, list[QLineF]] = {"grid": [], "beat": [], "bar": []}
        last_bar_x = -1e9

        def line(kind: str, tick: int) -> None:
            x = round(g.x_of(tick)) + 0.5
            lines[kind].append(QLineF(x, 0, x, h))

        while True:
            start = meter.bar_start(bar)
            if start > t1:
                break
            sig = meter.signature_at(start)
            end = meter.bar_start(bar + 1)   # beat and grid lines only show where bars are wide
            if snap and snap * g.px_per_tick >= 8 and "grid" in lines_from:
                for t in range(start + snap, end, snap):
                    line("grid", t)
            if sig.beat_ticks * g.px_per_tick >= 6:
                for t in range(start + sig.beat_ticks, end, sig.beat_ticks):
                    line("beat", t)
            if g.x_of(start) - last_bar_x >= bar_gap:  # bars of a shorter meter may still come closer
                line("bar", start)
                last_bar_x = g.x_of(start)
            bar += step
        for kind, colour in (("grid", palette.GRID_LINE), ("beat", palette.BEAT_LINE), ("bar", palette.BAR_LINE)):
            if kind not in lines_from:
                continue
            p.setPen(QPen(colour, 1))
            p.drawLines(lines[kind])

    # -- mouse ------------------------------------------------------------------------------------
    def _note_under(self, pos: QPointF) -> tuple[int, Note | None, str]:
        """The track, the note under ``pos`` (the current track's first, then the other shown tracks') and
        what a press there does: move, resize-left or resize-right."""
        roll, g = self.roll, self.geometry
        tracks = self.document.song.tracks
        tick, pitch = g.tick_at(pos.x()), g.pitch_at(pos.y())
        for index in roll.shown_tracks():
            note = roll.index_of(tracks[index]).at(tick, pitch)
            if note is None:
                continue
            left, right = g.x_of(note.start), g.x_of(note.end)
            edge = min(EDGE_PX, (right - left) / 3)
            if pos.x() >= right - edge:
                return index, note, "resize-right"
            if pos.x() <= left + edge:
                return index, note, "resize-left"
            return index, note, "move"
        return roll.track_index, None, ""

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        pos = event.position()
        if self.drag is None:
            _, _, kind = self._note_under(pos)
            cursor = {"resize-left": Qt.CursorShape.SizeHorCursor, "resize-right": Qt.CursorShape.SizeHorCursor,
                      "move": Qt.CursorShape.OpenHandCursor}.get(kind, Qt.CursorShape.ArrowCursor)
            self.setCursor(cursor)
            return
        self._drag_to(pos)
        self.update()

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        roll, g = self.roll, self.geometry
        if roll.active_track is None:
            return
        pos = event.position()
        tick, pitch = g.tick_at(pos.x()), g.pitch_at(pos.y())
        mods = event.modifiers()
        adding = bool(mods & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier))
        index, note, kind = self._note_under(pos)
        if event.button() == Qt.MouseButton.RightButton:
            if note is not None:
                roll.delete_notes([note], track=index)
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if note is not None:
            self._press_note(index, note, kind, tick, pitch, pos, adding)
        elif roll.tool == "draw":
            start = snap_down(tick, roll.snap)
            new = Note(pitch, start, roll.last_length, roll.last_velocity)
            self.drag = Drag("create", tick, pitch, pos, anchor=new, preview=[new])
            roll.audition(pitch, roll.last_velocity)
        else:
            # A band selects in the current track; with Ctrl, in every track shown. Shift adds to the selection.
            base = {i: list(ns) for i, ns in roll.selected.items()} if mods & Qt.KeyboardModifier.ShiftModifier else {}
            roll.set_selected(base)
            self.drag = Drag("band", tick, pitch, pos, base_selection=base, band=QRectF(pos, pos),
                             every_track=bool(mods & Qt.KeyboardModifier.ControlModifier))
        self.update()

    def _press_note(self, index: int, note: Note, kind: str, tick: int, pitch: int, pos: QPointF,
                    adding: bool) -> None:
        """A press on a note: a note of another track makes that track current (with Shift or Ctrl it joins
        the selection instead); Shift or Ctrl on a selected note takes it out of the selection."""
        roll = self.roll
        if index != roll.track_index and not adding:
            rows = self.geometry.rows
            roll.set_track(index)
            if self.geometry.rows != rows:
                # Rows became a drum map (or a keyboard again) under the mouse: select, start no drag.
                roll.set_selected({index: [note]})
                return
        selected = {i: list(ns) for i, ns in roll.selected.items()}
        if adding and note in selected.get(index, ()):
            selected[index] = [n for n in selected[index] if n != note]
            roll.set_selected(selected)
            return
        if note not in selected.get(index, ()):
            roll.set_selected({**selected, index: selected.get(index, []) + [note]} if adding else {index: [note]})
        owners = [i for i, ns in sorted(roll.selected.items()) for _ in ns]
        self.drag = Drag(kind, tick, pitch, pos, anchor=note, originals=roll.selected_notes(), owners=owners)
        self.drag.preview = list(self.drag.originals)
        roll.audition(note.pitch, note.velocity)

    def _band_to(self, pos: QPointF) -> None:
        roll, g, d = self.roll, self.geometry, self.drag
        d.band = QRectF(d.press_pos, pos).normalized()
        lo, hi = g.tick_at(d.band.left()), g.tick_at(d.band.right())
        first, last = g.row_at(d.band.top()), g.row_at(d.band.bottom())
        selected = {i: list(ns) for i, ns in d.base_selection.items()}
        tracks = self.document.song.tracks
        for index in roll.shown_tracks() if d.every_track else [roll.track_index]:
            have = selected.setdefault(index, [])
            inside = [n for n in roll.index_of(tracks[index]).in_span(lo, hi + 1) if first <= g.row_of(n.pitch) <= last]
            have += [n for n in inside if n not in d.base_selection.get(index, ())]
        roll.set_selected(selected)

    def _drag_to(self, pos: QPointF) -> None:
        roll, g, d = self.roll, self.geometry, self.drag
        tick, pitch = g.tick_at(pos.x()), g.pitch_at(pos.y())
        grid = roll.snap
        if d.kind == "band":
            self._band_to(pos)
            return
        a = d.anchor
        dt = tick - d.press_tick
        if d.kind == "move":
            shift_t = snap_nearest(a.start + dt, grid) - a.start
            shift_t = max(shift_t, -min(n.start for n in d.originals))
            dp = pitch - d.press_pitch
            dp = max(-min(n.pitch for n in d.originals), min(127 - max(n.pitch for n in d.originals), dp))
            if d.preview and d.preview[0].pitch != d.originals[0].pitch + dp:
                roll.audition(a.pitch + dp, a.velocity)
            d.preview = [n.moved_by(shift_t, dp) for n in d.originals]
        elif d.kind == "resize-right":
            change = snap_nearest(a.end + dt, grid) - a.end
            least = grid or 1
            d.preview = [n.with_duration(max(least, n.duration + change)) for n in d.originals]
        elif d.kind == "resize-left":
            change = snap_nearest(a.start + dt, grid) - a.start
            out = []
            for n in d.originals:
                c = max(-n.start, min(change, n.duration - 1))
                out.append(n._replace(start=n.start + c, duration=n.duration - c))
            d.preview = out
        elif d.kind == "create":
            end = max(a.start + (grid or 1), snap_nearest(tick, grid) if grid else tick)
            d.preview = [a.with_duration(end - a.start)] if tick > a.start + (grid or 1) else [a]

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt's name
        d, roll = self.drag, self.roll
        self.drag = None
        if d is None:
            return
        if d.kind == "create":
            roll.add_notes(d.preview, "Draw note")
            roll.last_length = d.preview[0].duration
        elif d.kind == "move" and d.preview != d.originals:
            first, moved = d.originals[0], d.preview[0]
            roll.move_selected(d.by_track(d.originals), moved.start - first.start, moved.pitch - first.pitch)
        elif d.kind in ("resize-left", "resize-right") and d.preview != d.originals:
            roll.replace_selected(d.by_track(d.originals), d.by_track(d.preview), "Resize notes")
            roll.last_length = d.preview[d.originals.index(d.anchor)].duration
        self.update()

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Select tool: double-click creates a note, or deletes the one under the mouse. (The draw tool
        creates with a single click and deletes with a right-click.)"""
        roll, g = self.roll, self.geometry
        if roll.tool != "select" or roll.active_track is None or event.button() != Qt.MouseButton.LeftButton:
            return
        self.drag = None
        pos = event.position()
        index, note, _ = self._note_under(pos)
        if note is not None:
            roll.delete_notes([note], track=index)
        else:
            start = snap_down(g.tick_at(pos.x()), roll.snap)
            pitch = g.pitch_at(pos.y())
            roll.add_notes([Note(pitch, start, roll.last_length, roll.last_velocity)], "Add note")
            roll.audition(pitch, roll.last_velocity)

    # -- wheel: scroll, Ctrl zooms ----------------------------------------------------------------
    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.roll.wheel(event, self)

    def event(self, event) -> bool:
        if event.type() == event.Type.NativeGesture and event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture:
            self.roll.zoom(1.0 + event.value(), event.position().x())
            return True
        return super().event(event)
