"""The VAE studio's interpolate page: phrases A and B (the selection or a take each), and the phrases the
VAE makes between them (spherical interpolation of their latent codes), which become the panel's takes,
laid end to end in one take or one take each, after the later of A and B in its track or a new one."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from musicstudio.ui.generate.vae_phrases import LAYOUTS, PLACES, interpolation_plan, interpolation_takes
from musicstudio.workers.generation_job import GenerationResult, Interpolate

BLEND_INTRO = ("Blend two phrases: set A and B from selections or from takes, then Interpolate. The phrases between "
               "them become takes.")


class BlendPage(QWidget):
    """Lives in ``studio`` (a VAEStudio), whose phrases A and B, model and jobs it uses."""

    def __init__(self, studio, interpolate_key: str):
        super().__init__()
        self.studio, self.panel = studio, studio.panel
        self.hint = QLabel(BLEND_INTRO)
        self.hint.setWordWrap(True)
        self.between = QSpinBox(minimum=1, maximum=14, value=6)
        self.between.setToolTip("How many phrases to make between A and B")
        self.ends = QCheckBox("with A and B at the ends", checked=True)
        self.ends.setToolTip("Start with the VAE's A and end with its B, so the blend is heard from end to end")
        self.layout_box = QComboBox()
        for key, text in LAYOUTS.items():
            self.layout_box.addItem(text, key)
        self.place_box = QComboBox()
        for key, text in PLACES.items():
            self.place_box.addItem(text, key)
        self.place_box.setToolTip("The phrases go after the later of A and B, in B's track or in a new track")
        self.interpolate_button = QPushButton("Interpolate")
        self.interpolate_button.setToolTip(f"Make the phrases between A and B as takes ({interpolate_key})")
        self.interpolate_button.clicked.connect(self.interpolate)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.hint)
        form = QFormLayout()
        layout.addLayout(form)
        layout.addStretch(1)
        for which in "AB":
            form.addRow(which, studio.corner_row(which))
        steps = QHBoxLayout()
        steps.addWidget(self.between)
        steps.addWidget(self.ends, 1)
        form.addRow("Between", steps)
        form.addRow("Lay out", self.layout_box)
        form.addRow("Goes", self.place_box)
        form.addRow(self.interpolate_button)

    def enable(self, vae: bool) -> None:
        for w in (self.between, self.ends, self.layout_box, self.place_box):
            w.setEnabled(vae)
        self.interpolate_button.setEnabled(vae and self.studio.a is not None and self.studio.b is not None)

    def interpolate(self) -> int | None:
        studio = self.studio
        a, b = studio.a, studio.b
        if studio.info is None or a is None or b is None:
            self.panel.say("Set phrases A and B first (Selection or Take beside each).", error=True)
            return None
        payload = (a, b, self.layout_box.currentData(), self.place_box.currentData(), self.ends.isChecked())
        studio.sliders_page.forget_waiting()
        studio.submit("interpolate", Interpolate(a.clip, b.clip, self.between.value() + 2), payload)
        self.panel.say(f"Interpolating {self.between.value()} phrases between A and B with {studio.model_name}…")
        return studio.job

    def interpolated(self, payload, result) -> None:
        a, b, layout, place, ends = payload
        name = self.studio.model_name
        takes = interpolation_takes(result.phrases, a, b, name, layout, ends, self.studio.backend_name)
        plan = interpolation_plan(a, b, place)
        between = len(result.phrases) - 2
        generation = GenerationResult(takes, result.device, result.seconds, [], result.loaded)
        what = (f"one take of {len(result.phrases) if ends else between} phrases end to end" if layout == "end to end"
                else f"{len(takes)} takes")
        self.panel.show_takes(
            takes, plan, f"{name} blend", generation,
            f"{between} phrases between A and B from {name} in {result.seconds * 1000:.0f} ms: {what}. "
            "1-9 flip, Space auditions, Enter keeps.")
