import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from musicstudio.io.settings import Settings
from musicstudio.ui.main_window import MainWindow


@pytest.fixture
def app_dirs(tmp_path, monkeypatch):
    """Settings and autosave go to a temporary folder, never to the user's."""
    monkeypatch.setenv("MUSICSTUDIO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("MUSICSTUDIO_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


@pytest.fixture
def main_window(qtbot, app_dirs, monkeypatch):
    """The main window, shown; the test fails if it leaves other windows open behind it.
    Questions (unsaved changes, restore) answer Discard / No unless a test says otherwise."""
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    window = MainWindow(Settings())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.roll.setFocus()
    yield window
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    window.close()
    leaked = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    for w in leaked:
        w.hide()
    assert not leaked, f"windows left open: {leaked}"


@pytest.fixture(scope="module")
def shipped_service():
    """A generation service over the shipped models, one per test module (its child process starts once)."""
    from musicstudio.workers.generation import GenerationService

    service = GenerationService()
    yield service
    assert service.shutdown(30_000)     # the generation child may still be starting on a busy machine
