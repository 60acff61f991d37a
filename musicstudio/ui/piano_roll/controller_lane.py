"""A controller lane under the piano roll: the active track's events of one lane (a controller, pitch bend,
aftertouch) as steps on the notes' time axis, and the draw, line, erase and span-select gestures on them.

Each gesture is one ControlChange, made when the mouse is released; while it is under way the lane shows
its result. Shift+drag draws a line and a right-button drag erases, whatever the tool.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from musicstudio.ui import palette
from musicstudio.ui.piano_roll.lane_index import LaneIndex, LaneIndexCache
from musicstudio.ui.piano_roll.lane_painter import PAD, PEDAL_TOP, lane_image, visible_columns, y_of
from musicstudio.ui.piano_roll.lane_tools import LaneGesture, replaced
from musicstudio.ui.piano_roll.lanes import SUSTAIN_LANE, Lane

if TYPE_CHECKING:
    from musicstudio.ui.piano_roll.editor import PianoRoll

LANE_HEIGHT = 96
HIT_PX = 3              # how near an event a click with the eraser still takes it
DOTS_UP_TO = 10         # events are marked with a dot while there are fewer than one per this many pixels
BAR_GAP = 12            # zoomed out, the lane's bar lines stay at least this many pixels apart
CENTRE_PX = 4           # within this many pixels of the centre line a value snaps to the centre
FREEHAND_PX = 4         # with snapping off, a drawn event every this many pixels
BACKGROUND = QColor("#17181c")
SPAN_FILL = QColor(255, 255, 255, 34)
ERASE_FILL = QColor(255, 90, 90, 50)
TEXT = QColor("#c8cad4")
READOUT_BACKDROP = QColor(23, 24, 28, 200)
VERBS = {"draw": "Draw", "line": "Draw a line of", "erase": "Erase"}


class ControllerLane(QWidget):
    def __init__(self, roll: PianoRoll):
        super().__init__(roll)
        self.roll = roll
        self.lane: Lane = SUSTAIN_LANE
        self.gesture: LaneGesture | None = None
        self.span: tuple[int, int] | None = None      # the selected ticks [start, end), for Delete
        self.hover: tuple[float, int] | None = None   # x and tick under the mouse
        self._indexes = LaneIndexCache()
        self.setFixedHeight(LANE_HEIGHT)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    # -- state --------------------------------------------------------------------------------------
    def set_lane(self, lane: Lane) -> None:
        self.lane, self.gesture, self.span = lane, None, None
        self.update()

    def index(self) -> LaneIndex | None:
        track = self.roll.active_track
        return None if track is None else self._indexes.get(track, self.lane.key)

    def clear_span(self) -> None:
        if self.span is not None:
            self.span = None
            self.update()

    # -- painting -----------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        roll, g = self.roll, self.roll.geometry
        w, h = self.width(), self.height()
        p = QPainter(self)
        p.fillRect(self.rect(), BACKGROUND)
        roll.canvas.paint_grid(p, g.tick_at(0), g.tick_at(w) + 1, h, lines_from=("beat", "bar"), bar_gap=BAR_GAP)
        if self.lane.centre is not None:
            y = round(y_of(self.lane, self.lane.centre, h)) + 0.5
            p.setPen(QPen(palette.BAR_LINE, 1, Qt.PenStyle.DashLine))
            p.drawLine(QPointF(0, y), QPointF(w, y))
        index = self.index()
        if index is not None and w > 0:
            colour = palette.track_colour(roll.track_index, roll.active_track)
            ticks, values = index.ticks, index.values
            if self.gesture is not None and self.gesture.tool != "select":
                ticks, values = replaced(ticks, values, self.gesture.span(), self.gesture.added())
            columns = visible_columns(ticks, values, g.px_per_tick, g.scroll_x, w)
            p.drawImage(0, 0, lane_image(self.lane, columns, h, colour))
            self._paint_dots(p, ticks, values, colour)
        self._paint_spans(p, h)
        x = g.x_of(roll.playhead)
        p.setPen(QPen(palette.PLAYHEAD, 1.5))
        p.drawLine(QPointF(x, 0), QPointF(x, h))
        self._paint_readout(p, index)
        p.end()

    def _paint_dots(self, p: QPainter, ticks, values, colour: QColor) -> None:
        """Zoomed in far enough, a dot on each event (for a pedal, an edge where it goes down)."""
        g, w, h = self.roll.geometry, self.width(), self.height()
        lo, hi = ticks.searchsorted([g.tick_at(0), g.tick_at(w) + 1])
        if hi - lo > w // DOTS_UP_TO:
            return
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour.lighter(160))
        events = list(zip(ticks[lo:hi].tolist(), values[lo:hi].tolist()))
        if self.lane.pedal:
            p.drawRects([QRectF(g.x_of(t), h * PEDAL_TOP, 2, h) for t, v in events if self.lane.is_down(v)])
        else:
            p.drawRects([QRectF(g.x_of(t) - 2, y_of(self.lane, v, h) - 2, 5, 5) for t, v in events])

    def _paint_spans(self, p: QPainter, h: int) -> None:
        g, gesture = self.roll.geometry, self.gesture
        spans = []
        if self.span is not None:
            spans.append((self.span[0], self.span[1], SPAN_FILL))
        if gesture is not None and gesture.tool in ("select", "erase"):
            first, last = gesture.span()
            spans.append((first, last + 1, SPAN_FILL if gesture.tool == "select" else ERASE_FILL))
        for start, end, fill in spans:
            x0, x1 = g.x_of(start), g.x_of(end)
            p.fillRect(QRectF(x0, 0, max(1.0, x1 - x0), h), fill)
        if gesture is not None and gesture.tool == "line" and not self.lane.pedal:
            p.setPen(QPen(palette.SELECTION_EDGE, 1, Qt.PenStyle.DashLine))
            p.drawLine(QLineF(g.x_of(gesture.press_tick), y_of(self.lane, gesture.press_value, h),
                              g.x_of(gesture.tick), y_of(self.lane, gesture.value, h)))

    def _paint_readout(self, p: QPainter, index: LaneIndex | None) -> None:
        """The lane's name, and the value under the mouse (or being drawn)."""
        text = self.lane.title
        if self.gesture is not None and self.gesture.tool in ("draw", "line") and not self.lane.pedal:
            text += f": {self.lane.label(self.gesture.value)}"
        elif self.hover is not None and index is not None:
            value = index.value_at(self.hover[1])
            text += f": {self.lane.label(value)}" if value is not None else ": nothing yet"
        box = p.fontMetrics().boundingRect(text).adjusted(-3, -1, 3, 1).translated(6, PAD + 11)
        p.fillRect(box, READOUT_BACKDROP)   # readable over a dense curve
        p.setPen(TEXT)
        p.drawText(QPointF(6, PAD + 11), text)

    # -- mouse --------------------------------------------------------------------------------------
    def value_at(self, y: float) -> int:
        lane, h = self.lane, self.height()
        if lane.centre is not None and abs(y - y_of(lane, lane.centre, h)) <= CENTRE_PX:
            return lane.centre
        return lane.value_at(1 - (y - PAD) / (h - 1 - 2 * PAD))

    def _step(self) -> int:
        roll = self.roll
        return roll.snap or max(1, round(FREEHAND_PX / roll.geometry.px_per_tick))

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        roll = self.roll
        if roll.active_track is None or event.button() not in (Qt.MouseButton.LeftButton,
                                                                Qt.MouseButton.RightButton):
            return
        tool = roll.lane_tool
        if event.button() == Qt.MouseButton.RightButton:
            tool = "erase"
        elif event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            tool = "line"
        pos = event.position()
        self.span = None
        # the eraser reaches a few pixels either side of the mouse, so that a click takes the event under it
        reach = math.ceil(HIT_PX / roll.geometry.px_per_tick)
        self.gesture = LaneGesture(tool, self.lane, self._step(), roll.snap, roll.geometry.tick_at(pos.x()),
                                   self.value_at(pos.y()), reach=reach)
        self.update()

    def _drag_to(self, pos: QPointF) -> None:
        x = pos.x()
        tick = self.roll.geometry.tick_at(x)
        self.gesture.move_to(tick, self.value_at(pos.y()))
        self.hover = (x, tick)
        self.update()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.gesture is not None:
            self._drag_to(event.position())
            return
        x = event.position().x()
        self.hover = (x, self.roll.geometry.tick_at(x))
        self.update()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt's name
        gesture, self.gesture = self.gesture, None
        index = self.index()
        if gesture is None or index is None:
            return
        first, last = gesture.span()
        if gesture.tool == "select":
            self.span = (first, last + 1) if last >= first else None
        else:
            verb = "Draw" if self.lane.pedal and gesture.tool != "erase" else VERBS[gesture.tool]
            self._replace(index, first, last, gesture.added(), f"{verb} {self.lane.title.lower()}")
        self.update()

    def _replace(self, index: LaneIndex, first: int, last: int, added: list, text: str) -> None:
        """One edit: the lane's events from ``first`` to ``last`` (ticks, both included) become ``added``.
        The new track's lane index is made from the old one, not read again from every event."""
        self.roll.edit_controls(index.in_span(first, last + 1), added, text)
        track = self.roll.active_track
        if track is not None and track is not index.track:
            self._indexes.put(index.with_span_replaced(track, first, last, added))

    def leaveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.hover = None
        self.update()

    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.roll.wheel(event, self)

    # -- keys: Delete erases the selected span, Escape forgets it ------------------------------------
    def event(self, event) -> bool:
        if (event.type() == QEvent.Type.ShortcutOverride and self.span is not None
                and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Escape)):
            event.accept()   # ours, not the note editor's Delete / Select none
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.span is not None and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.erase_span()
        elif event.key() == Qt.Key.Key_Escape:
            self.clear_span()
        else:
            super().keyPressEvent(event)

    def erase_span(self) -> None:
        """Remove the lane's events in the selected span (one undo step)."""
        index = self.index()
        if self.span is None or index is None:
            return
        (start, end), self.span = self.span, None
        self._replace(index, start, end - 1, [], f"Erase {self.lane.title.lower()}")
        self.update()
