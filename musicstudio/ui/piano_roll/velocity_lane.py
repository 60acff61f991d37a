"""The velocity lane under the piano roll: a stem per note; drag across stems to set velocities."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QWidget

from musicstudio.core.note import Note
from musicstudio.ui import palette

if TYPE_CHECKING:
    from musicstudio.ui.piano_roll.editor import PianoRoll

LANE_HEIGHT = 70
HIT_PX = 4
STEMS_UP_TO = 600  # more notes in view than this: one stem per pixel column, the loudest note's


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
            colour = palette.track_colour(roll.track_index, track)
            if index.count_in_span(t0, t1) <= STEMS_UP_TO:
                self._paint_stems(p, index.in_span(t0, t1), colour)
            else:
                self._paint_columns(p, *index.loudest_in_view(t0, t1, g.px_per_tick), colour)
                # what stands out on top: the notes being dragged, and selected notes in view
                over = [n for n in (*self.edits, *roll.selection) if t0 <= n.start < t1]
                if len(over) <= STEMS_UP_TO:
                    self._paint_stems(p, over, colour)
        p.end()

    def _top(self, velocity: int) -> float:
        return 4 + (self.height() - 4) * (1 - velocity / 127)

    def _paint_stems(self, p: QPainter, notes, colour: QColor) -> None:
        """A stem and a head per note, selected notes in the selection's colour."""
        g, selected = self.roll.geometry, self.roll.selection_set()
        stems: dict[bool, list[QLineF]] = {False: [], True: []}
        heads = []
        for n in notes:
            top = self._top(self.edits.get(n, n.velocity))
            x = g.x_of(n.start)
            stems[n in selected].append(QLineF(x + 1, self.height(), x + 1, top))
            heads.append(QRectF(x - 1, top - 2, 5, 4))
        for is_selected, lines in stems.items():
            p.setPen(QPen(palette.SELECTION_EDGE if is_selected else colour, 2))
            p.drawLines(lines)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour.lighter(130))
        p.drawRects(heads)

    def _paint_columns(self, p: QPainter, starts: np.ndarray, velocities: np.ndarray, colour: QColor) -> None:
        """Zoomed out: for each pixel column, one stem as high as the loudest note starting there (notes
        starting at ``starts`` with ``velocities``; see :meth:`NoteIndex.loudest_in_view`)."""
        g, w = self.roll.geometry, self.width()
        if not len(starts):
            return
        x = np.floor(starts * g.px_per_tick - g.scroll_x).astype(np.int64)
        keep = (x >= 0) & (x < w)
        loudest = np.zeros(w, dtype=np.int64)
        np.maximum.at(loudest, x[keep], velocities[keep])
        h = self.height()
        tops = np.ceil(4 + (h - 4) * (1 - loudest / 127)).astype(np.int64)
        tops[loudest == 0] = h
        # one image for every column at once (Qt draws ~1,000 separate lines far slower)
        image = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
        pixels = np.frombuffer(image.bits(), dtype=np.uint32).reshape(h, image.bytesPerLine() // 4)[:, :w]
        argb = (255 << 24) | (colour.red() << 16) | (colour.green() << 8) | colour.blue()
        pixels[:] = np.where(np.arange(h)[:, None] >= tops[None, :], np.uint32(argb), np.uint32(0))
        p.drawImage(0, 0, image)

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
