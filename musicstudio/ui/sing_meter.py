"""What recording from the microphone shows over the piano roll: the input level meter, the count-in, the
time recorded and the notes found so far, and a Stop button."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRectF, QSize
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

FLOOR_DBFS = -60.0
HOT_DBFS = -12.0       # the meter turns yellow above this: loud enough
CLIP_DBFS = -1.0       # and red above this: about to clip
GREEN, YELLOW, RED = QColor("#5ec26a"), QColor("#e0c84e"), QColor("#d9534f")
TRACK, SCALE = QColor("#2a2c34"), QColor("#8a8d98")
BAR_HEIGHT = 14
MARGIN = 12            # from the roll's top right corner


def meter_colour(dbfs: float) -> QColor:
    return RED if dbfs >= CLIP_DBFS else YELLOW if dbfs >= HOT_DBFS else GREEN


def fraction(dbfs: float) -> float:
    """Where ``dbfs`` sits on the meter, 0 (the floor, -60 dBFS) to 1 (full scale)."""
    return min(1.0, max(0.0, (dbfs - FLOOR_DBFS) / -FLOOR_DBFS))


class LevelMeter(QWidget):
    """A horizontal meter: the bar is the RMS level, the bright tick the block's peak and the thin line
    the loudest peak so far, on a dBFS scale marked every 12 dB. Red at the right end means the input
    clips."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("input_level_meter")
        self.rms = self.peak = self.hold = FLOOR_DBFS
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip("Input level: aim for the yellow part when you sing loudest; red means the "
                        "microphone is too loud and the recording clips")

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(260, BAR_HEIGHT + 18)

    def set_level(self, rms_dbfs: float, peak_dbfs: float, hold_dbfs: float) -> None:
        self.rms, self.peak, self.hold = rms_dbfs, peak_dbfs, hold_dbfs
        self.update()

    @property
    def clipping(self) -> bool:
        return self.hold >= CLIP_DBFS

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        width = self.width() - 1
        bar = QRectF(0, 0, width, BAR_HEIGHT)
        painter.fillRect(bar, TRACK)
        painter.fillRect(QRectF(0, 0, width * fraction(self.rms), BAR_HEIGHT), meter_colour(self.rms))
        for dbfs, thickness in ((self.peak, 3), (self.hold, 1)):
            if dbfs > FLOOR_DBFS:
                painter.fillRect(QRectF(width * fraction(dbfs) - thickness, 0, thickness, BAR_HEIGHT),
                                 meter_colour(dbfs).lighter(140))
        painter.setPen(QPen(SCALE, 1))
        font = painter.font()
        font.setPixelSize(9)
        painter.setFont(font)
        for dbfs in range(int(FLOOR_DBFS), 1, 12):
            x = round(width * fraction(dbfs))
            painter.drawLine(x, BAR_HEIGHT, x, BAR_HEIGHT + 3)
            label = f"{dbfs}" if dbfs else "0 dBFS"
            text_width = painter.fontMetrics().horizontalAdvance(label)
            left = min(max(0, x - text_width // 2), width - text_width)
            painter.drawText(left, BAR_HEIGHT + 14, label)
        painter.end()


class SingPanel(QFrame):
    """Shown over the top right of ``roll`` while recording from the microphone."""

    def __init__(self, roll: QWidget):
        super().__init__(roll)
        self.setObjectName("sing_panel")
        self.setAutoFillBackground(False)
        self.setStyleSheet("#sing_panel { background: rgba(20, 20, 24, 225); border: 1px solid #d9534f; "
                           "border-radius: 8px; } QLabel { color: white; }")
        self.title = QLabel("● Recording from the microphone")
        self.title.setStyleSheet("color: #ff7a7a; font-weight: bold;")
        self.meter = LevelMeter()
        self.status = QLabel()
        self.status.setObjectName("sing_status")
        self.hint = QLabel("Sing, hum or play one line. Headphones keep the playback out of the recording.")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #b0b3bd; font-size: 10px;")
        self.stop_button = QPushButton("■ Stop")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(4)
        for widget in (self.title, self.meter, self.status, self.hint, self.stop_button):
            layout.addWidget(widget)
        self.setFixedWidth(300)
        self.hide()
        roll.installEventFilter(self)

    def show_level(self, rms_dbfs: float, peak_dbfs: float, hold_dbfs: float) -> None:
        self.meter.set_level(rms_dbfs, peak_dbfs, hold_dbfs)

    def show_status(self, text: str) -> None:
        self.status.setText(text)

    def show_over_roll(self, device_name: str) -> None:
        self.title.setText(f"● Recording from {device_name}")
        self.adjustSize()
        self._place()
        self.raise_()
        self.show()

    def _place(self) -> None:
        roll = self.parentWidget()
        self.move(max(0, roll.width() - self.width() - MARGIN - 16), MARGIN + 24)   # clear of the ruler and bar

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False


def count_in_text(done: float, beats: int) -> str:
    """The count-in's beat for ``done`` (0..1 of it passed), as the MIDI recording shows it."""
    beat = min(beats, int(done * beats) + 1)
    return f"Count-in  {beat} / {beats}"


def notes_text(count: int) -> str:
    return f"{count} note{'s' if count != 1 else ''}"


def recorded_text(seconds: float, notes: int) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}:{rest:04.1f} recorded · {notes_text(notes)} found"

