"""The mixer in the track list: a volume fader and a pan knob on each track's row.

Each shows and edits the track's controller value at tick 0 (core/mixer.py), so everything that plays
or writes the song follows it. One gesture (a press, drag and release of the mouse, a key press, a
double-click that resets) is one undo step: the steps of a drag are merged into the first.
"""

from __future__ import annotations

from itertools import count
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent, QUndoCommand, QWheelEvent
from PySide6.QtWidgets import QDial, QSlider, QWidget

from musicstudio.core.changes import ControlChange
from musicstudio.core.controls import PAN, VOLUME
from musicstudio.core.mixer import DEFAULT_VALUE, merged, mix_change, mix_value, pan_text, volume_text
from musicstudio.ui.commands import EditCommand

if TYPE_CHECKING:
    from musicstudio.core.track import Track
    from musicstudio.ui.document import SongDocument

MIX_COMMAND_ID = 2101   # QUndoCommand.id() of fader steps: commands of one gesture merge
_gestures = count(1)


class MixCommand(EditCommand):
    """One step of a fader gesture; the next step of the same gesture merges into it."""

    def __init__(self, document: SongDocument, change: ControlChange, text: str, gesture: int):
        super().__init__(document, change, text)
        self.gesture = gesture

    def id(self) -> int:
        return MIX_COMMAND_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, MixCommand) or other.gesture != self.gesture:
            return False
        self.change = merged(self.change, other.change)
        if self.change.removed == self.change.added:
            self.setObsolete(True)   # the gesture ended where it began: no undo step
        return True


class _MixControl:
    """What the volume fader and the pan knob share: a 0-127 control of one track's tick-0 controller that
    tells each move with its gesture. Double-click resets it to the General MIDI default; the wheel scrolls
    the track list unless the control has the keyboard focus. Mixed into a QAbstractSlider subclass."""

    def _setup(self, number: int) -> None:
        self.number = number
        self.setRange(0, 127)
        self.setPageStep(8)
        self.setValue(DEFAULT_VALUE[number])
        self.setAccessibleName("Volume" if number == VOLUME else "Pan")
        self._gesture = 0
        self._held = False       # the mouse button is down: every move belongs to the press's gesture
        self._resetting = False
        self.valueChanged.connect(self._value_changed)
        self._show(self.value())

    def show_value(self, value: int) -> None:
        """Show the song's value without making an edit."""
        self.blockSignals(True)
        self.setValue(value)
        self.blockSignals(False)
        self._show(value)

    def _show(self, value: int) -> None:
        text = volume_text(value) if self.number == VOLUME else pan_text(value)
        self.setToolTip(f"{text}. Drag to change, double-click to reset to "
                        f"{'100' if self.number == VOLUME else 'centre'}.")

    def _new_gesture(self) -> None:
        self._gesture = next(_gestures)

    def _value_changed(self, value: int) -> None:
        self._show(value)
        if not (self._held or self._resetting):
            self._new_gesture()   # a key press: a gesture of its own
        self.moved.emit(value, self._gesture)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A gesture starts: a knob takes the value under the mouse at once, a fader's groove steps."""
        self._new_gesture()
        self._held = True
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        self._held = False

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """Reset, as one step with the double-click's first click (which may have moved the control)."""
        self._resetting = True
        try:
            self.setValue(DEFAULT_VALUE[self.number])
        finally:
            self._resetting = False
        event.accept()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class MixFader(_MixControl, QSlider):
    """A small horizontal fader: the track's volume (CC7 at tick 0)."""

    moved = Signal(int, int)   # value, gesture: the steps of one drag share their gesture

    def __init__(self, number: int = VOLUME, parent: QWidget | None = None):
        QSlider.__init__(self, Qt.Orientation.Horizontal, parent)
        self._setup(number)


class PanKnob(_MixControl, QDial):
    """A small knob: the track's pan (CC10 at tick 0), centre straight up."""

    moved = Signal(int, int)

    def __init__(self, number: int = PAN, parent: QWidget | None = None):
        QDial.__init__(self, parent)
        self._setup(number)


def mix_control(number: int) -> MixFader | PanKnob:
    """The control for ``number``: a fader for VOLUME, a knob for PAN."""
    return MixFader(number) if number == VOLUME else PanKnob(number)


def set_mix(document: SongDocument, index: int, number: int, value: int, gesture: int) -> None:
    """Set track ``index``'s volume or pan as one step of ``gesture`` (an undo step with its other steps)."""
    track: Track = document.song.tracks[index]
    change = mix_change(index, track, number, value)
    if change is None:
        return
    name = track.name or f"Track {index + 1}"
    text = f"{'Volume' if number == VOLUME else 'Pan'} of {name}"
    document.undo_stack.push(MixCommand(document, change, text, gesture))


def faders_for(track: Track) -> tuple[int, int]:
    """The values the faders show for ``track``: its volume and pan at tick 0."""
    return mix_value(track, VOLUME), mix_value(track, PAN)

