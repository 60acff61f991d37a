"""The transport bar: play, stop, loop, record and its count-in, position, tempo, time signature and key.

It only emits requests; the audio engine connects to them. Tempo, meter and key edits are undoable
changes of the song.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLabel, QSpinBox, QToolBar, QWidget

from musicstudio.core.changes import TimingChange
from musicstudio.core.key import Key, KeySignature
from musicstudio.core.meter import TimeSignature
from musicstudio.core.tempo import Tempo, bpm_to_us
from musicstudio.ui.document import SongDocument

METERS = ("4/4", "3/4", "2/4", "6/8", "5/4", "7/8", "12/8", "2/2")
KEYS = [Key(s, m) for m in (False, True) for s in range(-7, 8)]


def position_text(song, tick: int) -> str:
    """Bar.beat.tick, counted from 1 as sequencers show it."""
    meter = song.meter
    bar = meter.bar_at(tick)
    sig = meter.signature_at(tick)
    into = tick - meter.bar_start(bar)
    return f"{bar + 1}.{into // sig.beat_ticks + 1}.{into % sig.beat_ticks:03d}"


class TransportBar(QToolBar):
    play_requested = Signal()
    stop_requested = Signal()
    loop_toggled = Signal(bool)
    record_toggled = Signal(bool)
    count_in_changed = Signal(int)   # bars of count-in before a recording starts

    def __init__(self, document: SongDocument, parent: QWidget | None = None):
        super().__init__("Transport", parent)
        self.setObjectName("transport")
        self.document = document
        self.play = QAction("▶ Play", self, shortcut=QKeySequence("Space"), toolTip="Play from the playhead (Space)")
        self.stop = QAction("■ Stop", self, toolTip="Stop")
        self.loop = QAction("⟲ Loop", self, checkable=True, shortcut=QKeySequence("L"), toolTip="Loop (L)")
        self.record = QAction("● Rec", self, checkable=True, shortcut=QKeySequence("R"), toolTip="Record (R)")
        self.play.triggered.connect(self.play_requested)
        self.stop.triggered.connect(self.stop_requested)
        self.loop.toggled.connect(self.loop_toggled)
        self.record.toggled.connect(self.record_toggled)
        for a in (self.play, self.stop, self.loop, self.record):
            self.addAction(a)
        self.count_in = QSpinBox(minimum=0, maximum=8, value=1, suffix=" bar count-in", keyboardTracking=False)
        self.count_in.setObjectName("count_in")
        self.count_in.setToolTip("Bars counted in (shown over the roll, and heard with sound) before recording "
                                 "starts; 0 starts at once")
        self.count_in.valueChanged.connect(self._count_in_edited)
        self.addWidget(self.count_in)
        self.addSeparator()
        self.position = QLabel("1.1.000")
        self.position.setMinimumWidth(70)
        self.addWidget(self.position)
        self.addSeparator()
        self.tempo = QDoubleSpinBox(decimals=1, minimum=20.0, maximum=400.0, suffix=" BPM", keyboardTracking=False)
        self.meter = QComboBox(editable=False)
        self.meter.addItems(METERS)
        self.key = QComboBox()
        self.key.addItems([k.name for k in KEYS])
        for w in (self.tempo, self.meter, self.key):
            self.addWidget(w)
        self.tempo.valueChanged.connect(self._tempo_edited)
        self.meter.currentTextChanged.connect(self._meter_edited)
        self.key.currentIndexChanged.connect(self._key_edited)
        self._filling = False
        document.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        song = self.document.song
        self._filling = True
        self.tempo.setValue(song.tempo_bpm)
        meter = str(song.time_signatures[0])
        if self.meter.findText(meter) < 0:
            self.meter.addItem(meter)
        self.meter.setCurrentText(meter)
        self.key.setCurrentIndex(KEYS.index(song.key))
        self._filling = False

    def _count_in_edited(self, bars: int) -> None:
        self.count_in.setSuffix(" bar count-in" if bars == 1 else " bars count-in")
        self.count_in_changed.emit(bars)

    def show_position(self, tick: int) -> None:
        self.position.setText(position_text(self.document.song, tick))

    def _tempo_edited(self, bpm: float) -> None:
        song = self.document.song
        if self._filling or abs(bpm - song.tempo_bpm) < 0.05:
            return
        tempos = (Tempo(0, bpm_to_us(bpm)),) + song.tempos[1:]
        self.document.edit(TimingChange.of(song, tempos=tempos), "Change tempo")

    def _meter_edited(self, text: str) -> None:
        song = self.document.song
        if self._filling or text == str(song.time_signatures[0]):
            return
        num, den = (int(x) for x in text.split("/"))
        sigs = (TimeSignature(0, num, den),) + song.time_signatures[1:]
        self.document.edit(TimingChange.of(song, time_signatures=sigs), "Change time signature")

    def _key_edited(self, index: int) -> None:
        song = self.document.song
        if self._filling or KEYS[index] == song.key:
            return
        keys = (KeySignature(0, KEYS[index]),) + song.key_signatures[1:]
        self.document.edit(TimingChange.of(song, key_signatures=keys), "Change key")

