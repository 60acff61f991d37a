"""The track list: colour, name, instrument, mute, solo, volume and pan of each track; the current row is
the track the piano roll edits, shown in bold and highlighted even when the list has no focus."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QPalette
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
from musicstudio.ui.mixer import PAN, VOLUME, MixFader, PanKnob, faders_for, mix_control, set_mix
from musicstudio.ui.palette import track_colour

COL_COLOUR, COL_NAME, COL_INSTRUMENT, COL_MUTE, COL_SOLO, COL_VOLUME, COL_PAN = range(7)
COLUMN_WIDTHS = ((COL_COLOUR, 10), (COL_INSTRUMENT, 98), (COL_MUTE, 20), (COL_SOLO, 20), (COL_VOLUME, 56),
                 (COL_PAN, 32))
DRUM_ENTRY = len(GM_PROGRAMS)  # the last entry of the instrument menu is the drum kit


class TrackList(QWidget):
    track_selected = Signal(int)
    drag_requested = Signal()

    def __init__(self, document: SongDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.table = QTableWidget(0, 7, self)
        self.table.setHorizontalHeaderLabels(["", "Track", "Instrument", "M", "S", "Volume", "Pan"])
        for col, tip in ((COL_MUTE, "Mute"), (COL_SOLO, "Solo: hear only the soloed tracks"),
                         (COL_VOLUME, "Volume: the track's controller 7 at the start of the song"),
                         (COL_PAN, "Pan: the track's controller 10 at the start of the song")):
            self.table.horizontalHeaderItem(col).setToolTip(tip)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        palette = self.table.palette()   # the current track stays highlighted when the list loses focus
        for role in (QPalette.ColorRole.Highlight, QPalette.ColorRole.HighlightedText):
            palette.setColor(QPalette.ColorGroup.Inactive, role, palette.color(QPalette.ColorGroup.Active, role))
        self.table.setPalette(palette)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        for col, width in COLUMN_WIDTHS:
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
        self.table.currentCellChanged.connect(self._current_changed)
        self.table.cellPressed.connect(self._pressed)
        document.replaced.connect(self._song_replaced)
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
            self._fill_row(i, track)
        now = min(max(row, 0), len(tracks) - 1) if tracks else -1
        if tracks:
            self.table.setCurrentCell(now, COL_NAME)
        self._filling = False
        self._mark_current(now)
        if row >= 0 and now != row and now >= 0:
            self.track_selected.emit(now)   # the current track went away: the roll follows the list

    def _fill_row(self, i: int, track: Track) -> None:
        swatch = QTableWidgetItem()
        swatch.setFlags(Qt.ItemFlag.ItemIsEnabled)   # not selectable: the current row shows its colour too
        colour = track_colour(i, track)
        swatch.setBackground(QBrush(colour))
        swatch.setToolTip(f"Track colour {colour.name()}: its notes in the piano roll")
        self.table.setItem(i, COL_COLOUR, swatch)
        self.table.setItem(i, COL_NAME, QTableWidgetItem(track.name or f"Track {i + 1}"))
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
        combo.setToolTip(f"Instrument: {combo.currentText()}")
        for col, number, value in zip((COL_VOLUME, COL_PAN), (VOLUME, PAN), faders_for(track)):
            fader = self.table.cellWidget(i, col)
            if fader is None:
                fader = mix_control(number)
                fader.moved.connect(lambda v, gesture, f=fader: self._fader_moved(f, v, gesture))
                self.table.setCellWidget(i, col, fader)
            fader.show_value(value)

    def fader(self, index: int, number: int) -> MixFader | PanKnob:
        """Track ``index``'s volume fader (VOLUME) or pan knob (PAN)."""
        return self.table.cellWidget(index, fader_column(number))

    def _current_changed(self, row: int, *_) -> None:
        if not self._filling:
            self._mark_current(row)
            if row >= 0:
                self.track_selected.emit(row)

    def _pressed(self, row: int, column: int) -> None:
        """A press on a row makes its track current, even the current row's (the roll may have moved on)."""
        if column == COL_COLOUR:
            self.select(row)   # the colour is not selectable: select the row's name
        self.track_selected.emit(row)

    def _mark_current(self, row: int) -> None:
        """The current track's name in bold. A font is not an edit: Qt reports it as a changed item, and
        the item may still hold the previous song's name, which must not be given to the new song's track."""
        filling, self._filling = self._filling, True
        try:
            for i in range(self.table.rowCount()):
                item = self.table.item(i, COL_NAME)
                if item is not None and item.font().bold() != (i == row):
                    font = item.font()
                    font.setBold(i == row)
                    item.setFont(font)
        finally:
            self._filling = filling

    def _song_replaced(self) -> None:
        """A new song starts on its first track, as the piano roll does: forget the old song's row."""
        self._filling = True
        self.table.setCurrentCell(-1, -1)
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
                after = replace(track, program=0 if entry == DRUM_ENTRY else entry, is_drum=entry == DRUM_ENTRY)
                self._change(i, after, "Change instrument")
                return

    def _fader_moved(self, fader: MixFader | PanKnob, value: int, gesture: int) -> None:
        for i in range(self.table.rowCount()):
            if self.table.cellWidget(i, fader_column(fader.number)) is fader:
                set_mix(self.document, i, fader.number, value, gesture)
                return

    def add_track(self) -> None:
        index = len(self.document.song.tracks)
        self.document.edit(TrackChange(index, None, Track(f"Track {index + 1}")), "Add track")
        self.select(index)

    def remove_track(self) -> None:
        index = self.current()
        if 0 <= index < len(self.document.song.tracks):
            self.document.edit(TrackChange(index, self.document.song.tracks[index], None), "Remove track")


def fader_column(number: int) -> int:
    return COL_VOLUME if number == VOLUME else COL_PAN
