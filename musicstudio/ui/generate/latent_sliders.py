"""The VAE studio's sliders: one per named direction of the checkpoint, each showing where the phrase sits
(a marker under the groove) and where it has been moved to. 0 is the training phrases' average; 1 is one
attribute vector along (for an attribute, the step from its bottom quartile to its top quartile).

Keys on a slider: arrows and Page Up/Down move it, Space auditions, Enter keeps, Escape resets."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPolygonF
from PySide6.QtWidgets import QGridLayout, QLabel, QSlider, QStyle, QStyleOptionSlider, QWidget

from musicstudio.ui.generate.own_keys import OwnKeys

SCALE = 100                  # slider steps per unit
LIMIT = 3.0                  # the range shown, widened for a phrase that sits further out
MARKER = QColor("#f1a34e")   # the take colour: where the phrase was

DESCRIPTIONS = {
    "note_density": "How many notes start in the phrase",
    "pitch_height": "How high the phrase sits",
    "pitch_range": "How far apart its lowest and highest notes are",
    "average_interval": "How big the steps between successive notes are",
    "syncopation_8th": "How many notes start on the off-beat eighth (the 'and')",
    "syncopation_16th": "How many notes start on an odd sixteenth",
    "polyphony": "How many notes sound at once (vae-poly)",
    "syncopation": "How many notes start off the beat (vae-poly)",
}


def slider_title(name: str) -> str:
    """``note_density`` -> "Note density", ``syncopation_8th`` -> "Syncopation 8th"."""
    text = name.replace("_", " ")
    return text[:1].upper() + text[1:]


def slider_tip(name: str) -> str:
    what = DESCRIPTIONS.get(name)
    if what is None and name.startswith("component_"):
        what = (f"Principal direction {name.split('_')[-1]} of the encoded training phrases: no musical name, "
                "listen to what it does")
    what = what or "A direction saved with the model"
    return (f"{what}. 0 is the training phrases' average, ±1 a step from their bottom quartile to their top "
            "quartile; the marker shows where the encoded phrase sits.")


class LatentSlider(OwnKeys, QSlider):
    """A horizontal slider in units of ``1 / SCALE`` with a marker at the phrase's own position."""

    audition_requested = Signal()
    keep_requested = Signal()
    reset_requested = Signal()

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.name = name
        self.home = 0.0
        self.setRange(-int(LIMIT * SCALE), int(LIMIT * SCALE))
        self.setSingleStep(10)
        self.setPageStep(50)
        self.setToolTip(slider_tip(name))
        self.setMinimumWidth(120)
        self.setMinimumHeight(26)          # room for the marker under the handle

    @property
    def amount(self) -> float:
        return self.value() / SCALE

    def set_home(self, value: float) -> None:
        """Put the phrase's position (the marker and the handle) at ``value`` without signalling a move."""
        limit = max(LIMIT, math.ceil(abs(value) + 2.0))   # room to move it two units either way
        self.blockSignals(True)
        self.setRange(-int(limit * SCALE), int(limit * SCALE))
        self.home = value
        self.setValue(round(value * SCALE))
        self.blockSignals(False)
        self.update()

    def _x_of(self, value: float) -> float:
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        style = self.style()
        groove = style.subControlRect(QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderGroove, self)
        handle = style.subControlRect(QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle, self)
        span = groove.width() - handle.width()
        pos = QStyle.sliderPositionFromValue(self.minimum(), self.maximum(), round(value * SCALE), span)
        return groove.x() + handle.width() / 2 + pos

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        x, h = self._x_of(self.home), self.height()
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(MARKER)
        p.drawPolygon(QPolygonF([QPointF(x, h - 6), QPointF(x - 5, h), QPointF(x + 5, h)]))   # under the groove
        p.end()

    # Space, Enter and Escape belong to the studio while a slider has the focus (Space plays the song elsewhere)
    OWN_KEYS = frozenset({Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape})

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if not self._handles(event):
            super().keyPressEvent(event)
            return
        key = event.key()
        if key == Qt.Key.Key_Space:
            self.audition_requested.emit()
        elif key == Qt.Key.Key_Escape:
            self.reset_requested.emit()
        else:
            self.keep_requested.emit()
        event.accept()


class LatentSliders(QWidget):
    """A row per slider: its name, the slider, and its value (with how far it moved)."""

    changed = Signal()            # a value changed: dragging, keys or a click on the groove
    released = Signal()           # a drag ended
    audition_requested = Signal()
    keep_requested = Signal()
    reset_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setColumnStretch(1, 1)
        self.sliders: dict[str, LatentSlider] = {}
        self.values_shown: dict[str, QLabel] = {}
        self._rows: list[QWidget] = []

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.sliders)

    def set_names(self, names) -> None:
        if tuple(names) == self.names:
            return
        for w in self._rows:
            self.grid.removeWidget(w)
            w.hide()
            w.setParent(None)
            w.deleteLater()
        self._rows, self.sliders, self.values_shown = [], {}, {}
        for row, name in enumerate(names):
            title = QLabel(slider_title(name))
            title.setToolTip(slider_tip(name))
            slider = LatentSlider(name)
            value = QLabel()
            value.setMinimumWidth(88)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            title.setBuddy(slider)
            self.grid.addWidget(title, row, 0)
            self.grid.addWidget(slider, row, 1)
            self.grid.addWidget(value, row, 2)
            self._rows += [title, slider, value]
            self.sliders[name], self.values_shown[name] = slider, value
            slider.valueChanged.connect(lambda _v, n=name: self._moved(n))
            slider.sliderReleased.connect(self.released)
            slider.audition_requested.connect(self.audition_requested)
            slider.keep_requested.connect(self.keep_requested)
            slider.reset_requested.connect(self.reset_requested)
            self._show(name)

    def set_position(self, position: dict[str, float]) -> None:
        """The encoded phrase's coordinates: markers and handles go there."""
        for name, slider in self.sliders.items():
            slider.set_home(float(position.get(name, 0.0)))
            self._show(name)

    def reset(self) -> None:
        self.set_position(self.position())

    def position(self) -> dict[str, float]:
        return {name: s.home for name, s in self.sliders.items()}

    def values(self) -> dict[str, float]:
        return {name: s.amount for name, s in self.sliders.items()}

    def moved(self) -> dict[str, float]:
        """The sliders moved away from the phrase's position, with their values."""
        return {name: s.amount for name, s in self.sliders.items() if round(s.home * SCALE) != s.value()}

    def set_value(self, name: str, value: float) -> None:
        """Move a slider as the user would (it signals ``changed``)."""
        self.sliders[name].setValue(round(value * SCALE))

    @property
    def dragging(self) -> bool:
        return any(s.isSliderDown() for s in self.sliders.values())

    def _moved(self, name: str) -> None:
        self._show(name)
        self.changed.emit()

    def _show(self, name: str) -> None:
        slider = self.sliders[name]
        delta = slider.amount - slider.home
        moved = f" ({delta:+.2f})" if round(slider.home * SCALE) != slider.value() else ""
        self.values_shown[name].setText(f"{slider.amount:+.2f}{moved}")
