"""The Help menu: a sheet of the keyboard shortcuts, read from the window's own actions each time it opens
(so it says what the keys do today, never what they did when it was written), and About: the versions,
the installed models with their licences, and the SoundFont in use."""

from __future__ import annotations

import html
import importlib.metadata
import platform

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from musicstudio import __version__
from musicstudio.audio.errors import AudioError
from musicstudio.audio.soundfont import find_soundfont
from musicstudio.audio.synth import fluidsynth_version

OTHER = "Elsewhere"      # the group of actions with keys that no menu shows (Generate in the roll, tools)


def plain_name(action: QAction) -> str:
    """An action's name as a musician reads it: no mnemonic ampersands, no icon character before it (the
    toolbar's "▶ Play"), no trailing ellipsis."""
    text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").rstrip(".").strip()
    while text and not text[0].isalnum():
        text = text[1:]
    return text.strip()


def keys_text(action: QAction) -> str:
    return ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts() if not k.isEmpty())


def _menu_rows(menu: QMenu, path: str, seen: set[int]) -> list[tuple[str, str, str]]:
    rows = []
    for action in menu.actions():
        if action.menu() is not None:
            rows += _menu_rows(action.menu(), f"{path} › {plain_name(action)}", seen)
        elif not action.isSeparator() and keys_text(action) and id(action) not in seen:
            seen.add(id(action))
            rows.append((path, plain_name(action), keys_text(action)))
    return rows


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str, str]]:
    """(menu, command, keys) for every action of ``window`` that has keys: the menus' in menu order, then
    the rest (toolbar tools, actions that only the piano roll holds) under :data:`OTHER`."""
    seen: set[int] = set()
    rows = []
    for top in window.menuBar().actions():
        if top.menu() is not None:
            rows += _menu_rows(top.menu(), plain_name(top), seen)
    others = sorted({id(a): a for a in window.findChildren(QAction)}.values(), key=plain_name)
    for action in others:
        if id(action) not in seen and keys_text(action) and plain_name(action):
            seen.add(id(action))
            rows.append((OTHER, plain_name(action), keys_text(action)))
    return rows


class ShortcutsSheet(QDialog):
    """The shortcuts in a table, with a box that narrows it to the rows holding a word."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts — Music Studio")
        self.resize(560, 640)
        self.rows = shortcut_rows(window)
        self.filter = QLineEdit(placeholderText="Find a command or a key")
        self.table = QTableWidget(len(self.rows), 3)
        self.table.setHorizontalHeaderLabels(["Menu", "Command", "Keys"])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for row, values in enumerate(self.rows):
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(2)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.filter.textChanged.connect(self._narrow)

    def _narrow(self, text: str) -> None:
        word = text.strip().lower()
        for row, values in enumerate(self.rows):
            self.table.setRowHidden(row, bool(word) and not any(word in v.lower() for v in values))


def torch_line() -> str:
    """torch's version and build from its installed metadata: torch itself is not imported (that takes
    seconds and the UI never does; the generation process loads it). A "+cpu" version is the CPU-only
    build; NVIDIA's runtime packages beside it mean a CUDA build."""
    try:
        version = importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        return "torch: not installed (generating and training need it)"
    if "+cpu" in version:
        build = "CPU-only build"
    elif any((d.metadata["Name"] or "").lower().startswith("nvidia-cuda-runtime") for d in
             importlib.metadata.distributions()):
        build = "CUDA build"
    else:
        build = "build for this platform"
    return f"torch {version} ({build})"


def device_line(window) -> str:
    """Where the generators run, as the Generate panel's worker found out (the UI never asks torch)."""
    panel = getattr(window, "generate", None)
    text = panel.picker.device.text() if panel is not None else ""
    return f"Generators run on: {text.removeprefix('Device: ')}" if text else "Generators: not available here"


def soundfont_line(setting: str | None) -> str:
    try:
        return f"SoundFont: {find_soundfont(setting or None)}"
    except (AudioError, OSError) as e:
        return f"SoundFont: none found ({e})"


def installed_models(window) -> list | None:
    """The models the Generate panel lists (as its worker found them: the UI never reads model folders
    itself, since the registry's module leads to torch), or None without the panel."""
    panel = getattr(window, "generate", None)
    return None if panel is None else list(panel.picker.infos)


def about_html(window) -> str:
    e = html.escape
    versions = [f"Python {platform.python_version()}", f"Qt {qVersion()} (PySide6 {PySide6.__version__})",
                torch_line(), device_line(window), f"FluidSynth {fluidsynth_version()}",
                soundfont_line(window.settings.soundfont)]
    models = installed_models(window)
    if models is None:
        listed = "<h3>Models</h3><p>Generation is not available in this window, so no models are listed.</p>"
    elif not models:
        listed = "<h3>Models (0)</h3><p>No models are installed.</p>"
    else:
        rows = "".join(f"<li><b>{e(m.name)}</b> ({e(m.backend)}): {e(m.licence.line)}</li>" for m in models)
        listed = f"<h3>Models ({len(models)})</h3><ul>{rows}</ul>"
    return (f"<h2>Music Studio {e(__version__)}</h2><p>An offline MIDI composition studio with generative "
            f"models.</p><p>{'<br>'.join(e(v) for v in versions)}</p>" + listed)


class AboutBox(QDialog):
    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.setWindowTitle("About Music Studio")
        self.resize(640, 560)
        self.text = QTextBrowser()
        self.text.setHtml(about_html(window))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)


def build_help_menu(window: QMainWindow, menu: QMenu) -> None:
    """Fill the Help menu; each item opens its window afresh (the sheet reads the actions as they are then)."""
    def show(make) -> QWidget:
        dialog = make(window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    sheet = menu.addAction("&Keyboard shortcuts…")
    sheet.setShortcut(QKeySequence.StandardKey.HelpContents)
    sheet.triggered.connect(lambda: setattr(window, "help_window", show(ShortcutsSheet)))
    about = menu.addAction("&About Music Studio…")
    about.setMenuRole(QAction.MenuRole.AboutRole)
    about.triggered.connect(lambda: setattr(window, "help_window", show(AboutBox)))
