"""The composition root of the GUI: QApplication, the main window, the event loop."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def display_problem() -> str | None:
    """Why Qt could not open a window here, or None. Qt aborts the process without a display,
    which Python cannot catch, so this is checked first."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")
    ):
        return ("no display found: run Music Studio on a desktop, under xvfb-run, or with "
                "QT_QPA_PLATFORM=offscreen")
    return None


def run_gui(path: str | None = None) -> int:
    problem = display_problem()
    if problem:
        print(f"musicstudio: {problem}", file=sys.stderr)
        return 3
    from PySide6.QtWidgets import QApplication

    from musicstudio import __version__
    from musicstudio.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Music Studio")
    app.setOrganizationName("Music Studio")
    app.setApplicationVersion(__version__)
    window = MainWindow()
    window.show()
    window.start_sound()
    restored = window.files.offer_recovery()
    if path and not restored:
        window.files.open_file(Path(path))
    return app.exec()
