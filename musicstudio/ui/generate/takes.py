"""The takes of one generation: a list with a mini piano roll each. Keys 1-9 pick a take, Space auditions
it, Enter keeps it, Delete discards them all."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QWidget

from musicstudio.core.drum_map import drum_name
from musicstudio.core.note import pitch_name
from musicstudio.generators.backends import UnknownBackend, backend_named
from musicstudio.generators.capabilities import DrumWriter
from musicstudio.generators.interface import Take, bar_ticks
from musicstudio.ui.generate.mini_roll import SIZE, mini_roll
from musicstudio.ui.generate.own_keys import OwnKeys

DIGITS = {getattr(Qt.Key, f"Key_{i}"): i - 1 for i in range(1, 10)}
TAKE_COLOUR = QColor("#f1a34e")


def is_drum_take(take: Take) -> bool:
    """Whether ``take`` comes from a model that writes drums (its pitches name drums, not notes)."""
    try:
        return backend_named(take.backend).can(DrumWriter)
    except UnknownBackend:
        return False


def describe_take(index: int, take: Take) -> tuple[str, str]:
    """A take's line in the Takes list and its tooltip: its notes and their range; a drum take's hits, the
    tooltip naming each drum as the roll's drum map does, the most hit first."""
    if not take.notes:
        return f"{index + 1}  silence", ""
    count = len(take.notes)
    if is_drum_take(take):
        drums = ", ".join(f"{drum_name(p)} {k}" for p, k in Counter(n.pitch for n in take.notes).most_common())
        return f"{index + 1}  {count} hit{'' if count == 1 else 's'}", drums
    low, high = min(n.pitch for n in take.notes), max(n.pitch for n in take.notes)
    return f"{index + 1}  {count} note{'' if count == 1 else 's'}, {pitch_name(low)}–{pitch_name(high)}", ""


class TakeList(OwnKeys, QListWidget):
    audition_requested = Signal()
    keep_requested = Signal()
    discard_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.takes: list[Take] = []
        self.setIconSize(SIZE)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)   # a narrow list elides the text
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setToolTip("Takes: 1-9 pick one, Space auditions it in the song, Enter keeps it, Delete discards all")

    def set_takes(self, takes: list[Take], lengths: list[int] | None = None) -> None:
        self.clear()
        self.takes = list(takes)
        for i, take in enumerate(self.takes):
            length = lengths[i] if lengths else take.length
            notes = tuple(n for n in take.notes if n.start < length)
            text, tip = describe_take(i, take)
            item = QListWidgetItem(QIcon(mini_roll(notes, length, TAKE_COLOUR, bar=_bar(take))), text)
            if tip:
                item.setToolTip(tip)
            self.addItem(item)
        if self.takes:
            self.setCurrentRow(0)

    @property
    def current_take(self) -> Take | None:
        row = self.currentRow()
        return self.takes[row] if 0 <= row < len(self.takes) else None

    def flip(self, index: int) -> bool:
        if 0 <= index < self.count():
            self.setCurrentRow(index)
            return True
        return False

    # Keys: taken before the window's shortcuts (Space plays the song there)
    OWN_KEYS = frozenset(DIGITS) | {Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Delete,
                                    Qt.Key.Key_Backspace}

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if not self._handles(event):
            super().keyPressEvent(event)
            return
        key = event.key()
        if key in DIGITS:
            self.flip(DIGITS[key])
        elif key == Qt.Key.Key_Space:
            self.audition_requested.emit()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.keep_requested.emit()
        else:
            self.discard_requested.emit()
        event.accept()


def _bar(take: Take) -> int:
    """Ticks in a bar of the meter the take was asked for (takes from before meters: 4/4)."""
    meter = take.request.get("meter") or (4, 4)
    return bar_ticks((int(meter[0]), int(meter[1])))
