"""The model picker: installed models with what their cards say and their licence, the card itself, "Add
model folder…", the folders that cannot be used (a line each, saying why), and the device the models run on,
with a CPU override."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

SHOWN_PROBLEMS = 3

# The model a musician should try first, until they pick another (then the last one used, kept in the
# settings). `lstm` by the figures in docs/: licence-clean (may ship), it continues any seed, chords included
# (the polyphonic events codec), in every meter (onset-position overlap 0.90-0.99 per meter, docs/meters.md),
# with the lowest cross-entropy of the single networks on the licence-clean valid pieces (0.701 nats per event;
# the ensemble of three small ones 0.695 at much the same speed), in about 70-105 ms for 8 bars x 4 takes on a
# CPU (docs/lstm.md, models/lstm/card.md).
FIRST_CHOICE = "lstm"
FINDING_OUT = "Device: finding out…"
GPU_DEVICE_FILES = ("/dev/nvidia0", "/dev/nvidiactl", "/dev/kfd", "/dev/dxg")   # NVIDIA, ROCm, WSL's GPU


def device_at_once(wanted: str) -> str | None:
    """The device the models will run on, when it can be said without asking torch: "CPU" when the CPU is
    asked for, or on Linux when no GPU driver is there at all (no NVIDIA, ROCm or WSL device file); None
    (ask the generation process, which loads torch) elsewhere. A few file lookups: never blocks."""
    if wanted == "cpu":
        return "CPU"
    if sys.platform.startswith("linux") and not any(os.path.exists(f) for f in GPU_DEVICE_FILES):
        return "CPU"
    return None


def first_choice(infos: list) -> int:
    """The index of the model to offer when none was picked: :data:`FIRST_CHOICE`, else a model of its
    backend, else the first."""
    for wanted in (lambda i: i.name == FIRST_CHOICE, lambda i: i.backend == FIRST_CHOICE):
        found = [index for index, info in enumerate(infos) if wanted(info)]
        if found:
            return found[0]
    return 0 if infos else -1


def short_problem(problem: str) -> str:
    """"/a/b/models/x/card.md: why" as "x/card.md: why" (the folder and file, not the whole path)."""
    path, sep, why = problem.partition(": ")
    parts = Path(path).parts
    return f"{'/'.join(parts[-2:])}{sep}{why}" if sep and len(parts) >= 2 else problem


def size_text(size_bytes: int) -> str:
    return f"{size_bytes / 1e6:.1f} MB" if size_bytes >= 1e5 else f"{size_bytes / 1e3:.0f} kB"


class CardDialog(QDialog):
    """A model's card.md, rendered."""

    def __init__(self, info, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Model card: {info.name}")
        self.resize(720, 640)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        try:
            card = Path(info.card).read_text("utf-8")
        except OSError as e:
            card = f"# {info.name}\n\nThis model has no readable card.md ({e.strerror or e})."
        self.text.setSearchPaths([str(info.folder)])   # so the card's loss.png shows
        self.text.setMarkdown(card)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)


class ModelPicker(QWidget):
    """The model box with its card (``header``), and what the card says, its licence, the folders that cannot
    be used, "Add model folder…" and the device (``details``): together here, or apart in the Generate panel."""

    model_changed = Signal()
    folder_added = Signal(str)
    device_changed = Signal()

    def __init__(self, service, parent: QWidget | None = None):
        super().__init__(parent)
        self.service = service
        self.infos: list = []
        self.combo = QComboBox()
        self.combo.setToolTip("The installed models (shipped ones and those in folders you added)")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setMinimumWidth(200)
        self.licence = QLabel()
        self.licence.setWordWrap(True)
        self.licence.setMinimumWidth(200)
        self.licence.setToolTip("The licence follows from the collections that trained the model: weights trained "
                                "on a collection whose terms forbid it are for non-commercial use only "
                                "(docs/licences.md)")
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setMinimumWidth(200)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems.hide()
        self.card_button = QPushButton("Card…")
        self.card_button.setToolTip("The model card: data, training command, metrics")
        self.add_button = QPushButton("Add model folder…")
        self.add_button.setToolTip("A model folder (config.json + weights.safetensors) or a folder of them")
        self.device = QLabel(FINDING_OUT)
        self.cpu = QCheckBox("Use the CPU")
        self.cpu.setToolTip("Run on the CPU even when a GPU is available")
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(16)       # a narrow panel shows the name; the list is wider
        self.header, self.details = QWidget(), QWidget()     # the panel may show them apart
        header = QVBoxLayout(self.header)
        header.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.combo, 1)
        row.addWidget(self.card_button)
        device_row = QHBoxLayout()
        device_row.addWidget(self.device, 1)
        device_row.addWidget(self.cpu)
        header.addLayout(row)
        details = QVBoxLayout(self.details)
        details.setContentsMargins(0, 0, 0, 0)
        for w in (self.summary, self.licence, self.problems, self.add_button):
            details.addWidget(w)
        details.addLayout(device_row)
        details.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.details)
        self.combo.currentIndexChanged.connect(self._show_current)
        self.card_button.clicked.connect(self.show_card)
        self.add_button.clicked.connect(self.ask_folder)
        self.cpu.toggled.connect(self._cpu_toggled)
        service.device_found.connect(self._device_found)
        service.models_checked.connect(self._models_checked)
        self.refresh()

    # -- models -----------------------------------------------------------------------------------
    def refresh(self, select: str | None = None) -> None:
        """The quick list (configs, cards, weight files), then the worker process's rehearsal of each
        load, which only it can do (torch): :meth:`_models_checked` takes out what that refuses."""
        self.infos = self.service.models()
        self._fill(select or (self.current.name if self.current else None), self.service.problems())
        self.service.check_models()

    def _models_checked(self, problems: list[str]) -> None:
        quick = self.service.problems()
        refused = {str(i.folder) for i in self.infos
                   if any(p.startswith(f"{i.folder}{os.sep}") for p in problems)}
        if refused:
            self.infos = [i for i in self.infos if str(i.folder) not in refused]
        self._fill(self.current.name if self.current else None, quick + [p for p in problems if p not in quick])

    def _fill(self, current: str | None, problems: list[str]) -> None:
        self._show_problems(problems)
        self.combo.blockSignals(True)
        self.combo.clear()
        for index, info in enumerate(self.infos):
            self.combo.addItem(f"{info.name}  ({info.backend}, {size_text(info.size_bytes)}, {info.licence.name})")
            self.combo.setItemData(index, f"Licence: {info.licence.line}", Qt.ItemDataRole.ToolTipRole)
        names = [i.name for i in self.infos]
        self.combo.setCurrentIndex(names.index(current) if current in names else first_choice(self.infos))
        self.combo.blockSignals(False)
        self._show_current()

    def _show_problems(self, problems: list[str]) -> None:
        """A line for each folder that cannot be used (its folder and file, and why), at most
        :data:`SHOWN_PROBLEMS` of them; the tooltip holds them all with their full paths."""
        lines = [f"⚠ Cannot use {short_problem(p)}" for p in problems[:SHOWN_PROBLEMS]]
        if len(problems) > SHOWN_PROBLEMS:
            lines.append(f"… and {len(problems) - SHOWN_PROBLEMS} more (hover here to see them all)")
        self.problems.setText("\n".join(lines))
        self.problems.setToolTip("Model folders that were found but cannot be used:\n" + "\n".join(problems))
        self.problems.setVisible(bool(problems))

    @property
    def current(self):
        index = self.combo.currentIndex()
        return self.infos[index] if 0 <= index < len(self.infos) else None

    def select(self, name: str) -> bool:
        names = [i.name for i in self.infos]
        if name in names:
            self.combo.setCurrentIndex(names.index(name))
            return True
        return False

    def _show_current(self) -> None:
        info = self.current
        self.card_button.setEnabled(info is not None)
        if info is None:
            self.summary.setText("No models are installed. Add a model folder, or train one "
                                 "(musicstudio train …).")
            self.licence.setText("")
        else:
            self.summary.setText(f"{info.summary or 'No card summary.'}\n"
                                 f"{info.backend} backend · {info.codec} codec · {size_text(info.size_bytes)}")
            self.summary.setToolTip(str(info.folder))
            self.licence.setText(f"Licence: {info.licence.line}")
        self.model_changed.emit()

    def show_card(self) -> None:
        if self.current is not None:
            CardDialog(self.current, self).exec()

    def ask_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add model folder")
        if folder:
            self.add_folder(folder)

    def add_folder(self, folder: str) -> int:
        """Add a folder of models; returns how many new models it brought."""
        before = {i.name for i in self.infos}
        self.service.add_folder(folder)
        self.refresh()
        added = [i.name for i in self.infos if i.name not in before]
        if added:
            self.select(added[0])
        self.folder_added.emit(folder)
        return len(added)

    # -- device -----------------------------------------------------------------------------------
    @property
    def wanted_device(self) -> str:
        return "cpu" if self.cpu.isChecked() else "auto"

    def find_device(self) -> None:
        """Say the device at once where that can be known here, and ask the generation process, whose answer
        (:meth:`_device_found`) stands."""
        known = device_at_once(self.wanted_device)
        self.device.setText(f"Device: {known}" if known else FINDING_OUT)
        self.device.setToolTip("No GPU driver is installed here" if known and self.wanted_device == "auto" else "")
        self.service.find_device(self.wanted_device)

    def _cpu_toggled(self) -> None:
        self.find_device()
        self.device_changed.emit()

    def _device_found(self, device: str, name: str) -> None:
        self.device.setText(f"Device: {name}")
        self.device.setToolTip(device)
