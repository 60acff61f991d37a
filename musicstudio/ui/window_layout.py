"""Where the main window's docks go, and the layout kept between runs.

The piano roll keeps the window's whole width: at the default 1280×760 with the Generate panel open it is
1,200 pixels wide, 5 bars at the opening zoom (60 pixels a beat). The track list and the Generate panel share
the strip under it, side by side, the panel's settings beside its column of model, Generate and takes
(:mod:`musicstudio.ui.generate.panel_layout`). A musician may move any dock; the layout they leave is kept,
under :data:`LAYOUT_VERSION`, so a layout saved by an older Music Studio (the docks at the sides, which left
the roll 402 pixels) is not brought back.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

DEFAULT_SIZE = (1280, 760)
LAYOUT_VERSION = 2          # QMainWindow.saveState's version: 0 was the docks at the sides (issue 21)
STRIP_HEIGHT = 290          # the strip under the roll, for the tracks and the Generate panel
Area = Qt.DockWidgetArea


def restore(window: QMainWindow, settings) -> bool:
    """The window's size and docks as the settings keep them, or the defaults; whether the docks were kept
    (by this layout's version)."""
    window.resize(*DEFAULT_SIZE)
    if settings.window_geometry:
        window.restoreGeometry(QByteArray.fromBase64(settings.window_geometry.encode()))
    if settings.window_state:
        return window.restoreState(QByteArray.fromBase64(settings.window_state.encode()), LAYOUT_VERSION)
    return False


def save(window: QMainWindow, settings) -> None:
    settings.window_geometry = bytes(window.saveGeometry().toBase64()).decode()
    settings.window_state = bytes(window.saveState(LAYOUT_VERSION).toBase64()).decode()


def place_generate_dock(window: QMainWindow, tracks: QDockWidget, generate: QDockWidget, kept: bool) -> None:
    """Put the Generate dock where the kept layout had it (``kept``: :func:`restore` brought one back), or
    (the default) under the roll beside the tracks."""
    if kept and window.restoreDockWidget(generate):
        return
    window.addDockWidget(Area.BottomDockWidgetArea, generate)
    window.addDockWidget(Area.BottomDockWidgetArea, tracks)
    window.splitDockWidget(tracks, generate, Qt.Orientation.Horizontal)
    window.resizeDocks([tracks, generate], [STRIP_HEIGHT, STRIP_HEIGHT], Qt.Orientation.Vertical)
    window.resizeDocks([tracks], [tracks.widget().minimumSizeHint().width()], Qt.Orientation.Horizontal)


def under_the_roll(window: QMainWindow, dock: QDockWidget) -> bool:
    """Whether ``dock`` lies in a strip above or under the roll (where a wide, short layout fits)."""
    return not dock.isFloating() and window.dockWidgetArea(dock) in (Area.BottomDockWidgetArea,
                                                                       Area.TopDockWidgetArea)
