"""The velocity lane under the piano roll: a stem per note; drag across stems to set velocities."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from musicstudio.core.note import Note
from musicstudio.ui import palette

if TYPE_CHECKING:
    from musicstudio.ui.piano_roll.editor import PianoRoll

LANE_HEIGHT = 70
HIT_PX = 4
MAX_STEMS = 3000  # zoomed out further, stems would be a solid block: the lane stays empty


class VelocityLane(QWidget):
    def __init__(self, roll: PianoRoll):
        super().__init__(roll)
        self.roll = roll
        self.setFixedHeight(LANE_HEIGHT)
        self.edits: dict[Note, int] = {}   # note -> new velocity, while dragging

    def velocity_at(self, y: float) -> int:
        return max(1, min(127, round((1 - y / (self.height() - 4)) * 127)))

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        roll, g = self.roll, self.roll.geometry
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#17181c"))
        track = roll.active_track
        if track is not None:
            t0, t1 = g.tick_at(0), g.tick_at(self.width()) + 1
            index = roll.index_of(track)
            if index.count_in_span(t0, t1) <= MAX_STEMS:
                colour = palette.track_colour(roll.track_index, track)
                selected = roll.selection_set()
                h = self.height() - 4
                stems: dict[bool, list[QLineF]] = {False: [], True: []}
                heads = []
                for n in index.in_span(t0, t1):
                    v = self.edits.get(n, n.velocity)
                    x = g.x_of(n.start)
                    top = 4 + h * (1 - v / 127)
                    stems[n in selected].append(QLineF(x + 1, self.height(), x + 1, top))
                    heads.append(QRectF(x - 1, top - 2, 5, 4))
                for is_selected, lines in stems.items():
                    p.setPen(QPen(palette.SELECTION_EDGE if is_selected else colour, 2))
                    p.drawLines(lines)
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(colour.lighter(130))
                p.drawRects(heads)
        p.end()

    def _notes_at(self, x: float) -> list[Note]:
        roll, g = self.roll, self.roll.geometry
        track = roll.active_track
        if track is None:
            return []
        lo, hi = g.tick_at(x - HIT_PX), g.tick_at(x + HIT_PX) + 1
        near = [n for n in roll.index_of(track).in_span(lo, hi) if abs(g.x_of(n.start) - x) <= HIT_PX]
        selected = roll.selection_set()
        # Over a selected note, the whole selection follows; otherwise the notes under the mouse.
        if any(n in selected for n in near):
            return list(roll.selection)
        return near

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.edits = {}
        self.mouseMoveEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        v = self.velocity_at(event.position().y())
        for n in self._notes_at(event.position().x()):
            self.edits[n] = v
        self.update()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt's name
        edits, self.edits = self.edits, {}
        changed = [(n, v) for n, v in edits.items() if v != n.velocity]
        if changed:
            self.roll.set_velocity([n for n, _ in changed], [v for _, v in changed])
            self.roll.last_velocity = changed[-1][1]
        self.update()

    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.roll.wheel(event, self)
