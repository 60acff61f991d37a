""""Train on my MIDI folder": fine-tune an installed model on the user's MIDI files in the background, with a
progress bar and a live loss curve; the new model is added to the Generate panel's picker when it is saved.

The work runs in a separate process (a :class:`musicstudio.workers.fine_tune.FineTuneService`, which the
app hands in, so that the UI never imports the training side); this dialog only starts it, shows what it
reports, cancels it, and resumes a cancelled one where it stopped.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from musicstudio.generators.fine_tune.spec import DEFAULT_EPOCHS, FineTuneJob, fine_tunable

TRAIN_COLOUR, VALID_COLOUR, BASE_COLOUR = QColor("#4a90d9"), QColor("#e8833a"), QColor("#8a8a8a")


class LossPlot(QWidget):
    """Training and validation loss by epoch, and the base model's validation loss as a dashed line."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: dict[int, tuple[float, float]] = {}   # epoch -> (train, valid)
        self.before: float | None = None
        self.epochs = 1
        self.setMinimumSize(320, 170)

    def clear(self) -> None:
        self.rows, self.before, self.epochs = {}, None, 1
        self.update()

    def add(self, event: dict) -> None:
        self.rows[int(event["epoch"])] = (float(event["train_loss"]), float(event["valid_loss"]))
        self.before = float(event["before"])
        self.epochs = max(self.epochs, int(event["epochs"]))
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), self.palette().base())
        area = QRectF(self.rect()).adjusted(44, 22, -10, -22)
        p.setPen(QPen(self.palette().text().color(), 1))
        p.drawRect(area)
        values = [v for row in self.rows.values() for v in row] + ([self.before] if self.before is not None else [])
        if not values:
            p.drawText(area, Qt.AlignmentFlag.AlignCenter, "The loss curve appears here after the first epoch.")
            p.end()
            return
        low, high = min(values), max(values)
        pad = (high - low) * 0.1 or 0.05
        low, high = low - pad, high + pad

        def point(epoch: float, value: float) -> QPointF:
            x = area.left() + area.width() * epoch / max(self.epochs, 1)
            return QPointF(x, area.bottom() - area.height() * (value - low) / (high - low))

        p.drawText(QRectF(0, area.top() - 8, 40, 16), Qt.AlignmentFlag.AlignRight, f"{high:.2f}")
        p.drawText(QRectF(0, area.bottom() - 8, 40, 16), Qt.AlignmentFlag.AlignRight, f"{low:.2f}")
        p.drawText(QRectF(area.left(), area.bottom() + 2, area.width(), 18), Qt.AlignmentFlag.AlignCenter,
                   f"epoch (of {self.epochs})")
        if self.before is not None:
            pen = QPen(BASE_COLOUR, 1.5, Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawLine(point(0, self.before), point(self.epochs, self.before))
        epochs = sorted(self.rows)
        for column, colour in ((0, TRAIN_COLOUR), (1, VALID_COLOUR)):
            path = QPainterPath()
            start = [(0, self.before)] if column == 1 and self.before is not None else []
            for i, (epoch, value) in enumerate(start + [(e, self.rows[e][column]) for e in epochs]):
                (path.moveTo if i == 0 else path.lineTo)(point(epoch, value))
            p.setPen(QPen(colour, 2))
            p.drawPath(path)
            for e in epochs:
                p.drawEllipse(point(e, self.rows[e][column]), 2.5, 2.5)
        x = area.left()
        for text, colour in (("train", TRAIN_COLOUR), ("validation", VALID_COLOUR), ("base model", BASE_COLOUR)):
            p.setPen(QPen(colour, 2))
            p.drawText(QRectF(x, 2, 110, 18), Qt.AlignmentFlag.AlignLeft, text)
            x += 10 + p.fontMetrics().horizontalAdvance(text) + 12
        p.end()


class FineTuneDialog(QDialog):
    """Pick a base model and a MIDI folder, start; watch the curve; the new model lands in ``picker``."""

    model_saved = Signal(str, str)    # folder, name

    def __init__(self, picker, service, parent: QWidget | None = None):
        """``picker``: the Generate panel's ModelPicker; ``service``: a workers.fine_tune.FineTuneService."""
        super().__init__(parent)
        self.setWindowTitle("Train on my MIDI folder")
        self.picker = picker
        self.service = service
        self.resume_folder = ""     # a cancelled fine-tune's folder
        self.result: dict | None = None
        self.base = QComboBox()
        self.base.setToolTip(f"The model to start from (backends that can be fine-tuned: {', '.join(fine_tunable())})")
        self.folder = QLineEdit()
        self.folder.setPlaceholderText("a folder of .mid files")
        self.choose = QPushButton("Choose…")
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 100)
        self.epochs.setValue(DEFAULT_EPOCHS)
        self.epochs.setToolTip("At most this many passes over your files; the best epoch is kept (the LSTM and "
                               "VAE stop sooner when the validation loss stops improving)")
        self.start_button = QPushButton("Start")
        self.cancel_button = QPushButton("Cancel")
        self.resume_button = QPushButton("Resume")
        self.resume_button.setToolTip("Go on from the last whole epoch of the cancelled fine-tune")
        self.close_button = QPushButton("Close")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status = QLabel("Choose a folder of your MIDI files: the model learns from them and is saved as a new "
                             "model in the picker.")
        self.status.setWordWrap(True)
        self.plot = LossPlot()

        form = QFormLayout()
        form.addRow("Start from", self.base)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(self.choose)
        form.addRow("MIDI folder", row)
        form.addRow("Epochs", self.epochs)
        buttons = QHBoxLayout()
        for b in (self.start_button, self.cancel_button, self.resume_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.plot, 1)
        layout.addLayout(buttons)
        self.resize(560, 460)

        self.choose.clicked.connect(self.ask_folder)
        self.start_button.clicked.connect(lambda: self.start())
        self.resume_button.clicked.connect(self.resume)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.close)
        self.folder.textChanged.connect(self._show_buttons)
        self.service.folder.connect(self._folder)
        self.service.stage.connect(self._say)
        self.service.reading.connect(self._reading)
        self.service.progress.connect(self._progress)
        self.service.epoch.connect(self._epoch)
        self.service.finished.connect(self._finished)
        self.service.failed.connect(self._failed)
        self.service.cancelled.connect(self._cancelled)
        self.fill_models()
        self._show_buttons()

    # -- choices ----------------------------------------------------------------------------------
    def fill_models(self) -> None:
        self.infos = [i for i in self.picker.infos if i.backend in fine_tunable()]
        self.base.clear()
        for info in self.infos:
            self.base.addItem(f"{info.name}  ({info.backend})")
        current = self.picker.current
        names = [i.name for i in self.infos]
        if current is not None and current.name in names:
            self.base.setCurrentIndex(names.index(current.name))
        if not self.infos:
            self._say(f"No installed model can be fine-tuned (backends: {', '.join(fine_tunable())}).", error=True)

    @property
    def base_info(self):
        i = self.base.currentIndex()
        return self.infos[i] if 0 <= i < len(self.infos) else None

    def ask_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder of MIDI files", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def _show_buttons(self) -> None:
        running = self.service.running
        ready = self.base_info is not None and bool(self.folder.text().strip())
        self.start_button.setEnabled(ready and not running)
        self.resume_button.setEnabled(bool(self.resume_folder) and not running)
        self.cancel_button.setEnabled(running)
        for w in (self.base, self.folder, self.choose, self.epochs):
            w.setEnabled(not running)

    # -- running ----------------------------------------------------------------------------------
    def start(self, resume: bool = False) -> bool:
        info = self.base_info
        folder = self.folder.text().strip()
        if info is None or not folder or self.service.running:
            return False
        job = FineTuneJob(str(info.folder), folder, self.resume_folder if resume else None, self.epochs.value(),
                          resume, self.picker.wanted_device)
        self.result = None
        if not resume:
            self.resume_folder = ""
        self.plot.clear()
        self.progress.setValue(0)
        self.service.start(job)
        self._say(f"Starting to fine-tune {info.name}…")
        self._show_buttons()
        return True

    def resume(self) -> bool:
        return self.start(resume=True)

    def cancel(self) -> None:
        if self.service.running:
            self.service.cancel()
            self._say("Cancelling after the current batch…")

    def _folder(self, out: str, name: str) -> None:
        self.resume_folder = out

    def _reading(self, done: int, total: int) -> None:
        self.status.setText(f"Reading MIDI files: {done} of {total}…")

    def _progress(self, epoch: int, epochs: int, done: float) -> None:
        self.progress.setValue(int(1000 * min(1.0, (epoch - 1 + min(done, 1.0)) / max(epochs, 1))))

    def _epoch(self, event: dict) -> None:
        self.plot.add(event)
        self.progress.setValue(int(1000 * event["epoch"] / max(event["epochs"], 1)))
        step = f"Epoch {event['epoch']} of {event['epochs']}" + (f" ({event['label']})" if event.get("label") else "")
        self.status.setText(f"{step}: {event.get('measure', 'validation loss')} {event['valid_loss']:.3f} "
                            f"(the base model: {event['before']:.3f}).")

    def _finished(self, result: dict) -> None:
        self.result, self.resume_folder = result, ""
        self.progress.setValue(1000)
        folder = Path(result["folder"])
        self.add_to_picker(folder, result["name"])
        self._say(f"Saved {result['name']} in {folder} ({result['epochs']} epochs, {result['seconds']:.0f} s): "
                  f"{result.get('measure', 'validation loss')} {result['valid_before']:.3f} → "
                  f"{result['valid_after']:.3f}. "
                  "It is selected in the Generate panel; its card says what it learnt from.")
        self._show_buttons()
        self.model_saved.emit(str(folder), result["name"])

    def add_to_picker(self, folder: Path, name: str) -> None:
        """Show the new model in the picker: its parent folder is added once (and remembered in the
        settings through the picker), then the list is read again and the model selected."""
        root = folder.parent
        known = {Path(f).resolve() for f in self.picker.service.folders}
        if root.resolve() in known:
            self.picker.refresh(select=name)
        else:
            self.picker.add_folder(str(root))
        self.picker.select(name)

    def _failed(self, message: str) -> None:
        self.progress.setValue(0)
        self._say(f"The fine-tune failed: {message}", error=True)
        self._show_buttons()

    def _cancelled(self, folder: str) -> None:
        self.resume_folder = folder
        self._say("Cancelled. " + ("Resume goes on from the last whole epoch." if folder else
                                   "Nothing was saved yet; Start begins again."))
        self._show_buttons()

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet("color: #d9534f;" if error else "")
        self.status.setText(text)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Closing cancels a running fine-tune (it can be resumed from its folder later)."""
        if self.service.running:
            self.service.shutdown()
        super().closeEvent(event)


def open_fine_tune(panel, make_service) -> FineTuneDialog:
    """The dialog for the Generate panel ``panel``, shown (not modal: the app stays usable); one per panel.
    ``make_service()`` gives the FineTuneService it drives (called once)."""
    dialog = getattr(panel, "_fine_tune_dialog", None)
    if dialog is None:
        dialog = FineTuneDialog(panel.picker, make_service(), panel.window())
        dialog.service.setParent(dialog)
        panel._fine_tune_dialog = dialog
    else:
        dialog.fill_models()
    dialog.show()
    dialog.raise_()
    return dialog
