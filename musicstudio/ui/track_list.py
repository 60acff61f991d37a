"""The track list: name, instrument, mute, solo and colour of each track; the selected row is edited."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from musicstudio.core.changes import TrackChange
from musicstudio.core.instruments import GM_PROGRAMS
from musicstudio.core.track import Track
from musicstudio.ui.document import SongDocument
from musicstudio.ui.palette import track_colour

COL_COLOUR, COL_NAME, COL_INSTRUMENT, COL_MUTE, COL_SOLO = range(5)
DRUM_ENTRY = len(GM_PROGRAMS)  # the last entry of the instrument menu is the drum kit


class TrackList(QWidget):
    track_selected = Signal(int)
    drag_requested = Signal()

    def __init__(self, document: SongDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels(["", "Track", "Instrument", "M", "S"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        for col, width in ((COL_COLOUR, 10), (COL_INSTRUMENT, 140), (COL_MUTE, 24), (COL_SOLO, 24)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            self.table.setColumnWidth(col, width)
        add = QToolButton(text="+", toolTip="Add a track")
        remove = QToolButton(text="−", toolTip="Remove the selected track")
        drag = QToolButton(text="⇲ MIDI", toolTip="Drag the selected notes (or the whole track) into a DAW or folder")
        add.clicked.connect(self.add_track)
        remove.clicked.connect(self.remove_track)
        drag.pressed.connect(self.drag_requested)
        buttons = QHBoxLayout()
        for b in (add, remove):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(drag)
        self.setMinimumWidth(330)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self._filling = False
        self.instrument_names = [f"{p + 1}. {name}" for p, name in enumerate(GM_PROGRAMS)] + ["Drums"]
        self.table.itemChanged.connect(self._item_changed)
        self.table.currentCellChanged.connect(lambda row, *_: row >= 0 and not self._filling
                                              and self.track_selected.emit(row))
        document.changed.connect(self.refresh)
        self.refresh()

    def set_instrument_names(self, presets: list[tuple[int, int, str]]) -> None:
        """Name the instruments as the SoundFont does (bank 0; General MIDI names where it has none)."""
        names = {program: name for bank, program, name in presets if bank == 0}
        self.instrument_names = [f"{p + 1}. {names.get(p) or gm}" for p, gm in enumerate(GM_PROGRAMS)] + ["Drums"]
        for i in range(self.table.rowCount()):
            combo = self.table.cellWidget(i, COL_INSTRUMENT)
            if combo is not None:
                combo.blockSignals(True)
                for entry, text in enumerate(self.instrument_names):
                    combo.setItemText(entry, text)
                combo.blockSignals(False)

    def current(self) -> int:
        return self.table.currentRow()

    def select(self, index: int) -> None:
        self.table.setCurrentCell(index, COL_NAME)

    def refresh(self) -> None:
        tracks = self.document.song.tracks
        row = self.table.currentRow()
        self._filling = True
        self.table.setRowCount(len(tracks))
        for i, track in enumerate(tracks):
            swatch = QTableWidgetItem()
            swatch.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            swatch.setBackground(QBrush(track_colour(i, track)))
            self.table.setItem(i, COL_COLOUR, swatch)
            name = QTableWidgetItem(track.name or f"Track {i + 1}")
            self.table.setItem(i, COL_NAME, name)
            for col, on in ((COL_MUTE, track.muted), (COL_SOLO, track.solo)):
                item = QTableWidgetItem()
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                              | Qt.ItemFlag.ItemIsSelectable)
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                self.table.setItem(i, col, item)
            combo = self.table.cellWidget(i, COL_INSTRUMENT)
            if combo is None:
                combo = QComboBox()
                combo.addItems(self.instrument_names)
                combo.currentIndexChanged.connect(lambda entry, c=combo: self._instrument_changed(c, entry))
                self.table.setCellWidget(i, COL_INSTRUMENT, combo)
            combo.blockSignals(True)
            combo.setCurrentIndex(DRUM_ENTRY if track.is_drum else track.program)
            combo.blockSignals(False)
        if tracks:
            self.table.setCurrentCell(min(max(row, 0), len(tracks) - 1), COL_NAME)
        self._filling = False

    # -- edits ------------------------------------------------------------------------------------
    def _change(self, index: int, after: Track, text: str) -> None:
        before = self.document.song.tracks[index]
        if after != before or (after.muted, after.solo, after.colour) != (before.muted, before.solo, before.colour):
            self.document.edit(TrackChange(index, before, after), text)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        i = item.row()
        track = self.document.song.tracks[i]
        if item.column() == COL_NAME and item.text() != track.name:
            self._change(i, track.with_name(item.text()), "Rename track")
        elif item.column() in (COL_MUTE, COL_SOLO):
            on = item.checkState() == Qt.CheckState.Checked
            if item.column() == COL_MUTE:
                self._change(i, track.with_mix(muted=on), "Mute track" if on else "Unmute track")
            else:
                self._change(i, track.with_mix(solo=on), "Solo track" if on else "Unsolo track")

    def _instrument_changed(self, combo: QComboBox, entry: int) -> None:
        for i in range(self.table.rowCount()):
            if self.table.cellWidget(i, COL_INSTRUMENT) is combo:
                track = self.document.song.tracks[i]
                after = Track(track.name, 0 if entry == DRUM_ENTRY else entry, entry == DRUM_ENTRY, track.notes,
                              track.muted, track.solo, track.colour)
                self._change(i, after, "Change instrument")
                return

    def add_track(self) -> None:
        index = len(self.document.song.tracks)
        self.document.edit(TrackChange(index, None, Track(f"Track {index + 1}")), "Add track")
        self.select(index)

    def remove_track(self) -> None:
        index = self.current()
        if 0 <= index < len(self.document.song.tracks):
            self.document.edit(TrackChange(index, self.document.song.tracks[index], None), "Remove track")
