"""Colours of the editor: track colours and the dark theme of the piano roll."""

from __future__ import annotations

from PySide6.QtGui import QColor

from musicstudio.core.track import Track

TRACK_COLOURS = ("#4e9af1", "#f1a34e", "#5ec26a", "#d9534f", "#a36ee0", "#e0c84e", "#4ec9c2", "#e06ea8")

BACKGROUND = QColor("#1e1f24")
ROW_BLACK_KEY = QColor("#191a1e")
ROW_IN_SCALE = QColor("#24262d")
ROW_C = QColor("#2a2c34")
BAR_LINE = QColor("#4a4d58")
BEAT_LINE = QColor("#30323a")
GRID_LINE = QColor("#26272d")
GHOST_NOTE = QColor(200, 200, 210, 60)
PLAYHEAD = QColor("#ff5a5a")
LOOP_FILL = QColor(90, 160, 255, 28)
LOOP_EDGE = QColor(90, 160, 255, 160)
SELECTION_EDGE = QColor("#ffffff")
RUBBER_BAND = QColor(255, 255, 255, 40)
TAKE = QColor("#f1a34e")          # a generated take auditioned in place, as in the takes list
TAKE_ON_ORANGE = QColor("#f4f1e8")  # the same for a track whose own colour is that orange


def take_colour(track_colour_now: QColor) -> QColor:
    """How a take is drawn over a track: apart from the track's own notes."""
    return TAKE_ON_ORANGE if track_colour_now.name() == TAKE.name() else TAKE


def track_colour(index: int, track: Track | None = None) -> QColor:
    if track is not None and track.colour:
        colour = QColor(track.colour)
        if colour.isValid():
            return colour
    return QColor(TRACK_COLOURS[index % len(TRACK_COLOURS)])
