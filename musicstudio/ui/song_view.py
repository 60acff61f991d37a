"""A read-only picture of the whole song: every track's notes over the bar grid.

The first window shows this until the piano-roll editor takes its place.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from musicstudio.core.song import Song

TRACK_COLOURS = ("#4e9af1", "#f1a34e", "#5ec26a", "#d9534f", "#a36ee0", "#e0c84e", "#4ec9c2", "#e06ea8")
BACKGROUND = QColor("#1e1f24")
BAR_LINE = QColor("#3a3c44")
BEAT_LINE = QColor("#2a2b31")


def track_colour(index: int) -> QColor:
    return QColor(TRACK_COLOURS[index % len(TRACK_COLOURS)])


class SongView(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.song = Song()
        self.setMinimumSize(400, 200)

    def set_song(self, song: Song) -> None:
        self.song = song
        self.update()

    def pitch_span(self) -> tuple[int, int]:
        pitches = [n.pitch for t in self.song.tracks for n in t.notes]
        if not pitches:
            return 48, 84
        low, high = min(pitches), max(pitches)
        pad = max(2, (24 - (high - low)) // 2)
        return max(0, low - pad), min(127, high + pad)

    def note_rect(self, pitch: int, start: int, end: int) -> QRectF:
        """Where a note is drawn, in widget pixels."""
        low, high = self.pitch_span()
        rows = high - low + 1
        total = max(self.song.length_ticks, 1)
        w, h = self.width(), self.height()
        row_h = h / rows
        return QRectF(start / total * w, (high - pitch) * row_h, max(2.0, (end - start) / total * w), max(1.0, row_h))

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.fillRect(self.rect(), BACKGROUND)
        song = self.song
        total = max(song.length_ticks, 1)
        w, h = self.width(), self.height()
        meter = song.meter
        for bar in range(song.bar_count + 1):
            x = meter.bar_start(bar) / total * w
            p.setPen(QPen(BAR_LINE, 1))
            p.drawLine(int(x), 0, int(x), h)
            if bar < song.bar_count:
                sig = meter.signature_at(meter.bar_start(bar))
                p.setPen(QPen(BEAT_LINE, 1))
                for beat in range(1, sig.numerator):
                    bx = (meter.bar_start(bar) + beat * sig.beat_ticks) / total * w
                    p.drawLine(int(bx), 0, int(bx), h)
        p.setPen(Qt.PenStyle.NoPen)
        for i, track in enumerate(song.tracks):
            p.setBrush(track_colour(i))
            for n in track.notes:
                p.drawRect(self.note_rect(n.pitch, n.start, n.end))
        if not song.note_count:
            p.setPen(QColor("#8a8d99"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                       "Open a MIDI file (Ctrl+O) or drop one here")
        p.end()
