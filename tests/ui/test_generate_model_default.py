"""Issue 21: the model box offers the model to try first (lstm, by the docs' figures) until the musician
uses another, which it offers from then on (kept in the settings); the device is said at once where no GPU
driver is installed, without waiting for the generation process."""

import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from musicstudio.generators.registry import ModelRegistry
from musicstudio.io.settings import load_settings
from musicstudio.ui.generate import model_picker
from musicstudio.ui.generate.model_picker import FINDING_OUT, FIRST_CHOICE, device_at_once
from musicstudio.ui.main_window import MainWindow
from musicstudio.workers.generation import GenerationService

NAMES = [m.name for m in ModelRegistry().models()]
needs_models = pytest.mark.skipif(FIRST_CHOICE not in NAMES or len(NAMES) < 2,
                                  reason="the shipped models are not installed")


def pick_with_keys(qtbot, combo, name: str) -> None:
    """Choose ``name`` in the model box as a musician does with the keyboard: focus it, arrow down to it."""
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    for _ in range(combo.count()):
        if combo.currentText().startswith(f"{name} "):
            return
        QTest.keyClick(combo, Qt.Key.Key_Down)
    raise AssertionError(f"{name} is not in the model box")


@needs_models
def test_the_first_model_offered_is_lstm_then_the_last_one_used(qtbot, main_window):
    main_window.attach_generation(GenerationService())
    picker = main_window.generate.picker
    assert picker.current.name == FIRST_CHOICE == "lstm"
    assert main_window.settings.generate_model == ""        # offered, not yet used: nothing remembered
    other = next(name for name in NAMES if name.startswith("markov"))
    pick_with_keys(qtbot, picker.combo, other)
    assert picker.current.name == other and main_window.settings.generate_model == other

    main_window.close()                                     # the settings are saved as the window closes
    settings = load_settings()
    assert settings.generate_model == other
    again = MainWindow(settings)
    qtbot.addWidget(again)
    again.attach_generation(GenerationService())
    assert again.generate.picker.current.name == other
    again.close()


def test_a_remembered_model_that_is_gone_falls_back_to_the_first_choice(qtbot, main_window):
    main_window.settings.generate_model = "a model deleted since"
    main_window.attach_generation(GenerationService())
    current = main_window.generate.picker.current
    assert current is None or current.name == (FIRST_CHOICE if FIRST_CHOICE in NAMES else NAMES[0])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the driver's device files are Linux's")
def test_without_a_gpu_driver_the_device_is_said_at_once(qtbot, main_window, monkeypatch):
    monkeypatch.setattr(model_picker, "GPU_DEVICE_FILES", ("/nonexistent/nvidia0",))
    main_window.attach_generation(GenerationService())
    picker = main_window.generate.picker
    assert picker.device.text() == "Device: CPU"            # before the event loop has run at all
    monkeypatch.setattr(model_picker, "GPU_DEVICE_FILES", (sys.executable,))   # a driver is "there"
    assert device_at_once("auto") is None and device_at_once("cpu") == "CPU"
    picker.cpu.setChecked(True)
    assert picker.device.text() == "Device: CPU"
    picker.cpu.setChecked(False)
    assert picker.device.text() == FINDING_OUT              # only the process can tell which GPU
    with qtbot.waitSignal(main_window.generate.service.device_found, timeout=60_000):
        pass
    assert picker.device.text() != FINDING_OUT
