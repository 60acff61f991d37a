"""The composition root of the GUI: QApplication, the main window, the event loop."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

# Set to 1 (packaging/check_bundle.py does), the app quits with 0 once its window is shown and prints
# "shown: <title> | <notes> notes | <seconds> s", the seconds counted from the start of run_gui.
QUIT_AFTER_SHOWN = "MUSICSTUDIO_QUIT_AFTER_SHOWN"


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
    started = time.perf_counter()
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
    from musicstudio.workers.fine_tune import FineTuneService
    from musicstudio.workers.generation import GenerationService

    # the composition root hands the UI its generation worker, and what makes fine-tune workers
    window.attach_generation(GenerationService(), fine_tunes=FineTuneService)
    window.show()
    window.start_sound()
    # the song a crashed session left is offered first; a file named on the command line opens after it
    window.files.start(Path(path) if path else None)
    if os.environ.get(QUIT_AFTER_SHOWN) == "1":
        from PySide6.QtCore import QTimer

        def report_and_quit() -> None:  # runs once the event loop has shown the window
            print(f"shown: {window.windowTitle()} | {window.document.song.note_count} notes | "
                  f"{time.perf_counter() - started:.2f} s", flush=True)
            app.quit()
        QTimer.singleShot(0, report_and_quit)
    return app.exec()
