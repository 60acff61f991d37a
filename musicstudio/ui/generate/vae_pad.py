"""The VAE studio's pad page: four phrases at the corners of a square (A, B top; C, D bottom); the phrase
at the dot mixes their latent codes by how near each corner is (bilinearly). Dragging re-decodes live,
coalesced to the latest position like the sliders, with ghost notes after the latest corner; letting go
(or a nudge with the arrows) makes it the panel's take, auditioned in the song, and Enter keeps it as one
undo step."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from musicstudio.ui.generate.latent_pad import LatentPad
from musicstudio.ui.generate.vae_phrases import mix_plan, mix_take
from musicstudio.workers.generation_job import GenerationResult, MixCorners

PLACES = {"continue": "After the latest of the four", "new track": "After them, in a new track"}
PAD_INTRO = ("Mix four phrases: set A, B, C and D from selections or takes, then drag the dot. Let go to hear "
             "the phrase there; Enter keeps it.")


class PadPage(QWidget):
    def __init__(self, studio):
        super().__init__()
        self.studio, self.panel = studio, studio.panel
        self.wanted: tuple[float, float] | None = None     # a position waiting for the mix in flight
        self.commit_after = False                          # make it the take once the latest is decoded
        self.notes: tuple | None = None                    # the phrase at the dot (counted from 0)
        self.position = (0.5, 0.5)                         # where ``notes`` were mixed
        self.hint = QLabel(PAD_INTRO)
        self.hint.setWordWrap(True)
        self.pad = LatentPad()
        self.place_box = QComboBox()
        for key, text in PLACES.items():
            self.place_box.addItem(text, key)      # the keys of vae_phrases.PLACES
        self.place_box.setToolTip("The phrase goes after the latest of the four, in A's track or in a new track")
        self.where = QLabel()
        self.where.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.hint)
        form = QFormLayout()
        for which in "ABCD":
            form.addRow(which, studio.corner_row(which))
        form.addRow("Goes", self.place_box)
        layout.addLayout(form)
        row = QHBoxLayout()
        row.addWidget(self.pad)
        row.addWidget(self.where, 1)
        layout.addLayout(row)
        layout.addStretch(1)
        self.pad.moved.connect(self._moved)
        self.pad.released.connect(self._released)
        self.pad.audition_requested.connect(self.panel.audition)
        self.pad.keep_requested.connect(self.panel.keep)
        self.corners_changed()

    @property
    def corners(self):
        c = self.studio.corners
        return None if any(c[k] is None for k in "ABCD") else tuple(c[k] for k in "ABCD")

    def enable(self, vae: bool) -> None:
        self.pad.setEnabled(vae and self.corners is not None)
        self.place_box.setEnabled(vae)

    def corners_changed(self) -> None:
        self.pad.set_filled([self.studio.corners[k] is not None for k in "ABCD"])
        self.notes = None
        missing = [k for k in "ABCD" if self.studio.corners[k] is None]
        self.where.setText(f"Set {', '.join(missing)} to play the pad." if missing else
                           "Drag the dot, or click in the square. Arrows nudge it, Space auditions, Enter keeps.")
        self.enable(self.studio.info is not None)

    # -- mixing -----------------------------------------------------------------------------------
    def _moved(self, x: float, y: float) -> None:
        if self.corners is None or self.studio.info is None:
            return
        self.wanted = (x, y)
        if not self.pad.dragging:
            self.commit_after = True            # a click or a nudge: the take once decoded
        if self.studio.job is None or self.studio.job_kind != "mix":
            self.send()

    def _released(self) -> None:
        if self.studio.job is not None or self.wanted is not None:
            self.commit_after = True
        else:
            self.commit()

    def send(self) -> None:
        (x, y), self.wanted = self.wanted, None
        corners = self.corners
        self.studio.submit("mix", MixCorners(tuple(c.clip for c in corners), x, y), (corners, x, y))

    def mixed(self, payload, result) -> None:
        corners, x, y = payload
        if corners != self.corners:
            return                              # a corner changed meanwhile
        self.notes, self.position = result.phrases[0], (x, y)
        plan = mix_plan(corners, self.place_box.currentData())
        self.panel.roll.set_preview(list(plan.placed(mix_take(self.notes, corners, x, y, self.studio.model_name,
                                                                   self.studio.backend_name))))
        self.where.setText(f"A {_share(corners, x, y, 0)} · B {_share(corners, x, y, 1)} · "
                           f"C {_share(corners, x, y, 2)} · D {_share(corners, x, y, 3)}: {len(self.notes)} "
                           f"note{'' if len(self.notes) == 1 else 's'}.")
        if self.wanted is None and self.commit_after:
            self.commit_after = False
            self.commit()

    def commit(self) -> bool:
        """The phrase at the dot becomes the panel's take (heard at once; Enter keeps it)."""
        corners = self.corners
        if corners is None or self.notes is None:
            return False
        x, y = self.position
        name = self.studio.model_name
        take = mix_take(self.notes, corners, x, y, name, self.studio.backend_name)
        plan = mix_plan(corners, self.place_box.currentData())
        result = GenerationResult([take], self.studio.device or "cpu", 0.0)
        self.panel.show_takes([take], plan, f"{name} pad", result,
                              f"The pad's phrase at ({x:.2f}, {y:.2f}): Space auditions, Enter keeps.", focus=False)
        self.panel.audition()
        return True


def _share(corners, x: float, y: float, i: int) -> str:
    return f"{MixCorners(tuple(c.clip for c in corners), x, y).weights()[i]:.0%}"
