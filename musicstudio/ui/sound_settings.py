"""Sound settings: the SoundFont (with the instruments it holds), the output device and buffer size."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QWidget,
)

from musicstudio.audio.errors import SoundFontError
from musicstudio.audio.output import output_devices
from musicstudio.audio.soundfont import check_soundfont, find_soundfont, soundfont_presets
from musicstudio.io.settings import Settings

BUFFER_SIZES = (64, 128, 256, 512, 1024, 2048)


class SoundSettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Sound settings")
        self.settings = settings
        self.soundfont = QLineEdit(settings.soundfont)
        self.soundfont.setPlaceholderText("found automatically")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.soundfont, 1)
        row.addWidget(browse)
        self.status = QLabel()
        self.instruments = QListWidget()
        self.instruments.setMinimumHeight(160)
        self.device = QComboBox()
        self.device.addItem("System default", "")
        for _index, name in output_devices():
            self.device.addItem(name, name)
        found = self.device.findData(settings.audio_device)
        self.device.setCurrentIndex(max(0, found))
        if self.device.count() == 1:
            self.device.setToolTip("No audio output device was found on this computer.")
        self.buffer = QComboBox()
        for size in BUFFER_SIZES:
            self.buffer.addItem(f"{size} frames ({size / 44.1:.1f} ms)", size)
        self.buffer.setCurrentIndex(max(0, self.buffer.findData(settings.buffer_size)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("SoundFont", row)
        form.addRow("", self.status)
        form.addRow("Instruments", self.instruments)
        form.addRow("Output device", self.device)
        form.addRow("Buffer size", self.buffer)
        form.addRow(buttons)
        self.soundfont.editingFinished.connect(self._show_soundfont)
        self._show_soundfont()

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Choose a SoundFont", self.soundfont.text(), "SoundFont (*.sf2)")
        if name:
            self.soundfont.setText(name)
            self._show_soundfont()

    def _show_soundfont(self) -> None:
        self.instruments.clear()
        try:
            path = check_soundfont(Path(self.soundfont.text())) if self.soundfont.text() else find_soundfont()
            presets = soundfont_presets(path)
        except (SoundFontError, OSError) as e:
            self.status.setText(f"⚠ {e}")
            return
        self.status.setText(f"{path.name}: {len(presets)} instruments")
        self.instruments.addItems([f"{bank:03d}:{program:03d}  {name}" for bank, program, name in presets])

    def accept(self) -> None:
        self.settings.soundfont = self.soundfont.text().strip()
        self.settings.audio_device = self.device.currentData() or ""
        self.settings.buffer_size = self.buffer.currentData()
        super().accept()
