"""The note area of the piano roll: painting the grid and notes, and the mouse gestures on them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QWidget

from musicstudio.core.note import Note
from musicstudio.ui import palette
from musicstudio.ui.piano_roll.snap import snap_down, snap_nearest

if TYPE_CHECKING:
    from musicstudio.ui.document import SongDocument
    from musicstudio.ui.piano_roll.editor import PianoRoll
    from musicstudio.ui.piano_roll.geometry import Geometry

EDGE_PX = 6                 # how near a note's edge a press resizes instead of moving
RASTER_ABOVE = 600          # more visible notes than this are drawn as one image (faster than rectangles)
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
    base_selection: list[Note] = field(default_factory=list)
    band: QRectF | None = None


class NoteCanvas(QWidget):
    """Draws ``document``'s song as ``geometry`` lays it out; ``roll`` is the editor whose selection, tool,
    snap and edits the gestures use."""

    def __init__(self, roll: PianoRoll, document: SongDocument, geometry: Geometry):
        super().__init__(roll)
        self.roll, self.document, self.geometry = roll, document, geometry
        self.drag: Drag | None = None
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    # -- painting ---------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        roll, g = self.roll, self.geometry
        song = self.document.song
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
        # Many notes on screen go into one image (ghosts below the current track); few are rectangles.
        layers = []
        ghosts = [t for i, t in enumerate(song.tracks) if i != roll.track_index and not t.muted]
        if sum(roll.index_of(t).count_in_span(t0, t1) for t in ghosts) > RASTER_ABOVE:
            layers.append((np.concatenate([roll.index_of(t).array for t in ghosts]), palette.GHOST_NOTE))
        else:
            for track in ghosts:
                self._paint_notes(p, track, palette.GHOST_NOTE, t0, t1, outline=False)
        active = roll.active_track
        colour = palette.track_colour(roll.track_index, active) if active is not None else None
        many = active is not None and roll.index_of(active).count_in_span(t0, t1) > RASTER_ABOVE
        if many:
            layers.append((roll.index_of(active).array, colour))
        if layers:
            self._paint_raster(p, layers)
        if active is not None and not many:
            hidden = self.drag.originals if self.drag and self.drag.kind != "band" else []
            self._paint_notes(p, active, colour, t0, t1, outline=True, hidden=hidden)
        if active is not None:
            previews = (self.drag.preview if self.drag else []) + roll.preview
            for n in previews:
                self._paint_note(p, n, colour, selected=True)
        x = g.x_of(roll.playhead)
        p.setPen(QPen(palette.PLAYHEAD, 1.5))
        p.drawLine(QPointF(x, 0), QPointF(x, h))
        if self.drag and self.drag.band is not None:
            p.setPen(QPen(palette.SELECTION_EDGE, 1, Qt.PenStyle.DashLine))
            p.setBrush(palette.RUBBER_BAND)
            p.drawRect(self.drag.band)
        p.end()

    def _paint_rows(self, p: QPainter, w: int, h: int) -> None:
        g = self.geometry
        p.fillRect(0, 0, w, h, palette.BACKGROUND)
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

    def _paint_notes(self, p: QPainter, track, colour: QColor, t0: int, t1: int, outline: bool,
                     hidden: list[Note] = ()) -> None:
        index = self.roll.index_of(track)
        selected = self.roll.selection_set() if outline else set()
        skip = set(hidden)
        # Rectangles grouped by how they are drawn, so each group is one call to Qt.
        groups: dict[int, list[QRectF]] = {}   # velocity band (0-3), or 4 for selected notes
        for n in index.in_span(t0, t1):
            if n not in skip:
                band = 4 if n in selected else (n.velocity * 4 // 128 if outline else 3)
                groups.setdefault(band, []).append(self._rect(n))
        self._draw_groups(p, groups, colour, outline)

    def _rect(self, n: Note) -> QRectF:
        g = self.geometry
        return QRectF(g.x_of(n.start), g.y_of(n.pitch) + 1, max(2.0, n.duration * g.px_per_tick), g.row_height - 2)

    def _paint_note(self, p: QPainter, n: Note, colour: QColor, selected: bool = False) -> None:
        self._draw_groups(p, {4 if selected else n.velocity * 4 // 128: [self._rect(n)]}, colour, True)

    @staticmethod
    def _draw_groups(p: QPainter, groups: dict[int, list[QRectF]], colour: QColor, outline: bool) -> None:
        """Fill each group in its shade (quieter notes darker, selected lighter), then outline them."""
        for band, rects in sorted(groups.items()):
            fill = QColor(colour)
            if outline:
                fill = fill.lighter(135) if band == 4 else fill.darker(100 + (3 - band) * 15)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(fill)
            p.drawRects(rects)
            if outline:
                p.setPen(QPen(palette.SELECTION_EDGE if band == 4 else fill.darker(160), 1))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRects([r.adjusted(0.5, 0.5, -0.5, -0.5) for r in rects if band == 4 or r.width() > 6])

    def _paint_raster(self, p: QPainter, layers: list[tuple[np.ndarray, QColor]]) -> None:
        """Many notes at once: cover pixel spans per pitch row with numpy, then draw one image.

        The layers are composited at one row per pitch (128 x width) and the visible rows are drawn as one
        image stretched to the rows' height, so the work grows with the width of the view, not with its
        area times the layers.
        """
        g = self.geometry
        w, h = self.width(), self.height()
        if w <= 0 or h <= 0:
            return
        top, bottom = min(127, g.pitch_at(0)), max(0, g.pitch_at(h))
        if top < bottom:
            return
        rows = top - bottom + 1
        by_row = np.zeros((rows, w), dtype=np.uint32)      # row 0 is the top visible pitch
        for arr, colour in layers:
            a = colour.alpha()
            premultiplied = (a << 24) | (colour.red() * a // 255 << 16) | (colour.green() * a // 255 << 8) \
                | (colour.blue() * a // 255)
            by_row[self._covered(arr, w, top, bottom)] = premultiplied
        # One image row per visible pitch, stretched over the rows' pixels by Qt (nearest neighbour):
        # cheaper than spreading it over every pixel row with numpy.
        # Write into the image's own memory: a QImage over a numpy buffer crashes some PySide6 versions.
        image = QImage(w, rows, QImage.Format.Format_ARGB32_Premultiplied)
        pixels = np.frombuffer(image.bits(), dtype=np.uint32).reshape(rows, image.bytesPerLine() // 4)[:, :w]
        pixels[:] = by_row
        p.drawImage(QRectF(0, g.y_of(top), w, rows * g.row_height), image, QRectF(0, 0, w, rows))

    def _covered(self, arr: np.ndarray, w: int, top: int = 127, bottom: int = 0) -> np.ndarray:
        """Which pixel columns of each pitch row from ``top`` down to ``bottom`` ((top - bottom + 1) x w,
        boolean) the notes cover; ``arr`` holds rows of (start, end, pitch, ...)."""
        g = self.geometry
        x0 = np.floor(arr[:, 0] * g.px_per_tick - g.scroll_x).astype(np.int64)
        x1 = np.maximum(np.ceil(arr[:, 1] * g.px_per_tick - g.scroll_x).astype(np.int64), x0 + 1)
        keep = (x1 > 0) & (x0 < w) & (arr[:, 2] <= top) & (arr[:, 2] >= bottom)
        x0, x1, row = np.clip(x0[keep], 0, w), np.clip(x1[keep], 0, w), top - arr[keep, 2]
        rows, width = top - bottom + 1, w + 1
        size = rows * width
        # +1 where a note starts, -1 where it ends; a running sum along each row is then > 0 under notes.
        edges = np.bincount(row * width + x0, minlength=size) - np.bincount(row * width + x1, minlength=size)
        return np.cumsum(edges.reshape(rows, width)[:, :w], axis=1) > 0

    # -- mouse ------------------------------------------------------------------------------------
    def _note_under(self, pos: QPointF) -> tuple[Note | None, str]:
        roll, g = self.roll, self.geometry
        track = roll.active_track
        if track is None:
            return None, ""
        note = roll.index_of(track).at(g.tick_at(pos.x()), g.pitch_at(pos.y()))
        if note is None:
            return None, ""
        left, right = g.x_of(note.start), g.x_of(note.end)
        edge = min(EDGE_PX, (right - left) / 3)
        if pos.x() >= right - edge:
            return note, "resize-right"
        if pos.x() <= left + edge:
            return note, "resize-left"
        return note, "move"

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        pos = event.position()
        if self.drag is None:
            _, kind = self._note_under(pos)
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
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        note, kind = self._note_under(pos)
        if event.button() == Qt.MouseButton.RightButton:
            if note is not None:
                roll.delete_notes([note])
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if note is not None:
            selection = roll.selection
            if shift and note in selection:
                roll.set_selection([n for n in selection if n != note])
                return
            if note not in selection:
                roll.set_selection(selection + [note] if shift else [note])
            self.drag = Drag(kind, tick, pitch, pos, anchor=note, originals=list(roll.selection))
            self.drag.preview = list(self.drag.originals)
            roll.audition(note.pitch, note.velocity)
        elif roll.tool == "draw":
            start = snap_down(tick, roll.snap)
            new = Note(pitch, start, roll.last_length, roll.last_velocity)
            self.drag = Drag("create", tick, pitch, pos, anchor=new, preview=[new])
            roll.audition(pitch, roll.last_velocity)
        else:
            base = list(roll.selection) if shift else []
            roll.set_selection(base)
            self.drag = Drag("band", tick, pitch, pos, base_selection=base, band=QRectF(pos, pos))
        self.update()

    def _drag_to(self, pos: QPointF) -> None:
        roll, g, d = self.roll, self.geometry, self.drag
        tick, pitch = g.tick_at(pos.x()), g.pitch_at(pos.y())
        grid = roll.snap
        if d.kind == "band":
            d.band = QRectF(d.press_pos, pos).normalized()
            lo, hi = g.tick_at(d.band.left()), g.tick_at(d.band.right())
            top, bottom = g.pitch_at(d.band.top()), g.pitch_at(d.band.bottom())
            inside = [n for n in roll.index_of(roll.active_track).in_span(lo, hi + 1) if bottom <= n.pitch <= top]
            roll.set_selection(d.base_selection + [n for n in inside if n not in d.base_selection])
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
            roll.move_notes(d.originals, moved.start - first.start, moved.pitch - first.pitch)
        elif d.kind in ("resize-left", "resize-right") and d.preview != d.originals:
            roll.replace_notes(d.originals, d.preview, "Resize notes")
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
        note, _ = self._note_under(pos)
        if note is not None:
            roll.delete_notes([note])
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
