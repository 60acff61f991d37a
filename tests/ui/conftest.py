import pytest
from PySide6.QtWidgets import QApplication

from musicstudio.ui.main_window import MainWindow


@pytest.fixture
def main_window(qtbot):
    """The main window, shown; the test fails if it leaves other windows open behind it."""
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()
    leaked = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not window]
    assert not leaked, f"windows left open: {leaked}"
