"""Drawing the notes of every shown track on the note canvas, each track in its colour.

The current track's notes are opaque, shaded by velocity and outlined; the other tracks' are their colour,
dimmer (still clickable); selected notes of any track are lighter, with a white edge. Many notes on screen
go into one image (``raster``) instead of rectangles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from musicstudio.core.note import Note
from musicstudio.ui import palette
from musicstudio.ui.piano_roll.raster import paint_raster

if TYPE_CHECKING:
    from musicstudio.ui.piano_roll.canvas import NoteCanvas
    from musicstudio.ui.piano_roll.geometry import Geometry

RASTER_ABOVE = 600          # more visible notes than this are drawn as one image (faster than rectangles)
OTHER_TRACK_ALPHA = 110     # other tracks' notes: their colour, dimmer than the current track's


def track_colour(canvas: NoteCanvas, index: int) -> QColor:
    """Track ``index``'s colour: opaque for the current track, dimmer for the others."""
    colour = palette.track_colour(index, canvas.document.song.tracks[index])
    if index != canvas.roll.track_index:
        colour.setAlpha(OTHER_TRACK_ALPHA)
    return colour


def paint_tracks(canvas: NoteCanvas, p: QPainter, t0: int, t1: int) -> None:
    """Every shown track's notes in [t0, t1), the current track's on top, then what is being dragged or
    recorded."""
    roll, tracks, drag = canvas.roll, canvas.document.song.tracks, canvas.drag
    shown = roll.shown_tracks()[::-1]        # the current track last, over the others
    if sum(roll.index_of(tracks[i]).count_in_span(t0, t1) for i in shown) > RASTER_ABOVE:
        g = canvas.geometry
        paint_raster(p, g, canvas.width(), canvas.height(),
                     [(roll.index_of(tracks[i]).rows_in_view(t0, t1, g.px_per_tick), track_colour(canvas, i))
                      for i in shown])
    else:
        hidden: dict[int, list[Note]] = {}
        if drag and drag.kind != "band":
            for owner, n in zip(drag.owners, drag.originals):
                hidden.setdefault(owner, []).append(n)
        for i in shown:
            _paint_notes(canvas, p, i, t0, t1, hidden.get(i, ()))
    previews = list(zip(drag.owners, drag.preview)) if drag and drag.owners else \
        [(roll.track_index, n) for n in (drag.preview if drag else [])]
    for owner, n in previews:          # notes being dragged or drawn: in their track's colour
        if owner < len(tracks):
            draw_groups(p, {4: [note_rect(canvas.geometry, n)]}, palette.track_colour(owner, tracks[owner]), True)
    if roll.preview and roll.track_index < len(tracks):   # a take auditioned in place: in the take colour
        colour = palette.take_colour(palette.track_colour(roll.track_index, tracks[roll.track_index]))
        draw_groups(p, {4: [note_rect(canvas.geometry, n) for n in roll.preview]}, colour, True)


def _paint_notes(canvas: NoteCanvas, p: QPainter, index: int, t0: int, t1: int, hidden=()) -> None:
    roll, track = canvas.roll, canvas.document.song.tracks[index]
    current = index == roll.track_index
    selected = roll.selection_set(index)
    skip = set(hidden)
    # Rectangles grouped by how they are drawn, so each group is one call to Qt.
    groups: dict[int, list[QRectF]] = {}   # velocity band (0-3), or 4 for selected notes
    for n in roll.index_of(track).in_span(t0, t1):
        if n not in skip:
            band = 4 if n in selected else (n.velocity * 4 // 128 if current else 3)
            groups.setdefault(band, []).append(note_rect(canvas.geometry, n))
    if current:
        draw_groups(p, groups, track_colour(canvas, index), True)
        return
    chosen = groups.pop(4, [])
    draw_groups(p, groups, track_colour(canvas, index), False)
    if chosen:
        draw_groups(p, {4: chosen}, palette.track_colour(index, track), True)


def note_rect(g: Geometry, n: Note) -> QRectF:
    return QRectF(g.x_of(n.start), g.y_of(n.pitch) + 1, max(2.0, n.duration * g.px_per_tick), g.row_height - 2)


def draw_groups(p: QPainter, groups: dict[int, list[QRectF]], colour: QColor, outline: bool) -> None:
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
