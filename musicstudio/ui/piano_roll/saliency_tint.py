"""The saliency tint: the seed's notes drawn over in a colour ramp by how much each shaped a take ("Which
notes shaped this take?"), with a legend that gives the figures. Pure painting: the scores come from
:mod:`musicstudio.workers.saliency`; the canvas calls :func:`paint_tint` after the notes when a tint is set.

The ramp runs from a cool dark blue (the note barely counted, or made the take less likely) through teal
and green to a warm yellow (the note that counted most), after the viridis map (van der Walt & Smith,
matplotlib 2015), whose steps look evenly spaced and read in grey too; each note also gets a bar of its
strength along its bottom edge, so the order is readable without colour.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPen

from musicstudio.core.note import Note, pitch_name

RAMP = ((0.0, (68, 1, 84)), (0.25, (59, 82, 139)), (0.5, (33, 145, 140)), (0.75, (94, 201, 98)),
        (1.0, (253, 231, 37)))
LEGEND_WIDTH, LEGEND_HEIGHT = 340, 80     # room for "integrated gradients + copy" and a summary of two lines


def ramp_colour(strength: float, alpha: int = 230) -> QColor:
    """The ramp's colour at ``strength`` (0 .. 1, clipped)."""
    s = min(1.0, max(0.0, float(strength)))
    for (a, ca), (b, cb) in zip(RAMP, RAMP[1:]):
        if s <= b:
            t = (s - a) / (b - a)
            return QColor(*(round(x + (y - x) * t) for x, y in zip(ca, cb)), alpha)
    return QColor(*RAMP[-1][1], alpha)


@dataclass(frozen=True)
class SaliencyTint:
    """The seed's notes where they are in the song (ticks), each with its strength (0 .. 1) and score."""

    notes: tuple[Note, ...]
    strengths: tuple[float, ...]
    scores: tuple[float, ...]
    model: str
    method: str

    def colour_of(self, note: Note) -> QColor | None:
        """The tint of ``note`` (a seed note as placed), None when it is not one of them."""
        for n, s in zip(self.notes, self.strengths):
            if n == note:
                return ramp_colour(s)
        return None

    def summary(self) -> str:
        """The figure in words: the note that counted most, its score and its share of the positive scores."""
        if not self.notes:
            return "no seed notes"
        top = max(range(len(self.scores)), key=lambda i: self.scores[i])
        positive = sum(s for s in self.scores if s > 0)
        share = self.scores[top] / positive if positive > 0 else 0.0
        return (f"most: the {pitch_name(self.notes[top].pitch)}, {self.scores[top]:+.2f} nats "
                f"({share:.0%} of the positive total of {len(self.notes)} notes)")


def paint_tint(p: QPainter, geometry, tint: SaliencyTint, width: int) -> None:
    """Each seed note in view filled with its colour and underlined by its strength; then the legend."""
    g = geometry
    t0, t1 = g.tick_at(0), g.tick_at(width) + 1
    h = g.row_height
    p.setPen(Qt.PenStyle.NoPen)
    for n, s in zip(tint.notes, tint.strengths):
        if n.end < t0 or n.start > t1:
            continue
        x, y = g.x_of(n.start), g.y_of(n.pitch)
        w = max(2.0, n.duration * g.px_per_tick)
        p.fillRect(QRectF(x, y, w, h), ramp_colour(s))
        p.fillRect(QRectF(x, y + h - 2, w * max(0.08, s), 2), QColor(255, 255, 255, 220))
    paint_legend(p, tint, width)


def paint_legend(p: QPainter, tint: SaliencyTint, width: int) -> None:
    """A small box at the top right: the ramp from "less" to "more", the model and method, the figure."""
    box = QRectF(width - LEGEND_WIDTH - 10, 8, LEGEND_WIDTH, LEGEND_HEIGHT)
    p.fillRect(box, QColor(20, 21, 26, 225))
    p.setPen(QPen(QColor(120, 124, 140), 1))
    p.drawRect(box)
    bar = QRectF(box.left() + 44, box.top() + 8, box.width() - 88, 10)
    gradient = QLinearGradient(bar.left(), 0, bar.right(), 0)
    for stop, colour in RAMP:
        gradient.setColorAt(stop, QColor(*colour))
    p.fillRect(bar, gradient)
    p.setPen(QColor(220, 222, 230))
    p.drawText(QRectF(box.left() + 4, bar.top() - 3, 38, 16), Qt.AlignmentFlag.AlignRight, "less")
    p.drawText(QRectF(bar.right() + 4, bar.top() - 3, 40, 16), Qt.AlignmentFlag.AlignLeft, "more")
    p.drawText(QRectF(box.left() + 6, bar.bottom() + 3, box.width() - 12, box.bottom() - bar.bottom() - 4),
               Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap,
               f"Shaped the take: {tint.model}, {tint.method}\n{tint.summary()}")
