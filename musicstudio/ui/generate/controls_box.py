"""The per-bar controls in the Generate panel: Density (Any, Low, Mid, High) and Polyphony (Any, 1, 2, 3+),
asked of every bar of a take (MIDI-GPT style control tokens, :mod:`musicstudio.generators.controls`). Enabled
for a model that takes them (its family declares :class:`~musicstudio.generators.capabilities.Controllable` and
its config holds the bins); greyed for the others, the reason in the tooltip."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox

from musicstudio.generators.controls.bins import CONTROLS, NAMES
from musicstudio.generators.controls.support import folder_refusal

TIPS = {"density": "How many onsets each bar of the take has, per quarter note (a chord is one onset): the lowest, "
                   "middle or highest third of the bars the model learnt from",
        "polyphony": "How many notes sound at once at each bar's onsets, on average: a single line (1), two (2), "
                     "three or more (3+)"}


class ControlsBox(QObject):
    """The two boxes (:attr:`boxes`, by control; the parameter form lays them out, a row each) and what they
    ask."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.boxes: dict[str, QComboBox] = {}
        for control in CONTROLS:
            box = self.boxes[control] = QComboBox()
            box.addItem("Any", None)
            for name in NAMES[control]:
                box.addItem(name.capitalize(), name)
            box.currentIndexChanged.connect(self.changed)
        self.reason: str | None = None
        self.show_model(None)

    @property
    def density(self) -> QComboBox:
        return self.boxes["density"]

    @property
    def polyphony(self) -> QComboBox:
        return self.boxes["polyphony"]

    def show_model(self, info) -> None:
        """Enable the boxes for the model ``info`` (a registry ModelInfo; None: no model) when it takes the
        controls; else grey them with the reason as the tooltip."""
        self.reason = "pick a model that takes controls (infill-controls)" if info is None else folder_refusal(info)
        for control, box in self.boxes.items():
            box.setEnabled(self.reason is None)
            box.setToolTip(TIPS[control] if self.reason is None else f"Not for this model: {self.reason}")

    def options(self) -> dict:
        """The request options of the controls chosen (none when the model cannot take them, or all Any)."""
        if self.reason is not None:
            return {}
        return {c: box.currentData() for c, box in self.boxes.items() if box.currentData() is not None}
