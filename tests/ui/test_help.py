"""Issue 21: the Help menu's shortcuts sheet lists what the window's actions say (an action added later is
there too), and About names the versions, the installed models with their licences and the SoundFont."""

import importlib.metadata
import platform

from PySide6.QtCore import qVersion
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication

from musicstudio import __version__
from musicstudio.generators.registry import ModelRegistry
from musicstudio.ui.help import AboutBox, ShortcutsSheet, shortcut_rows, soundfont_line
from musicstudio.workers.generation import GenerationService


def help_action(window, starts: str) -> QAction:
    return next(a for a in window.help_menu.actions() if a.text().replace("&", "").startswith(starts))


def open_from_help(qtbot, window, starts: str, kind):
    help_action(window, starts).trigger()
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible())
    qtbot.waitExposed(dialog)
    return dialog


def sheet_rows(sheet: ShortcutsSheet) -> list[tuple[str, str, str]]:
    t = sheet.table
    return [tuple(t.item(r, c).text() for c in range(3)) for r in range(t.rowCount())]


def test_the_shortcuts_sheet_is_read_from_the_actions(qtbot, main_window):
    assert [a.text() for a in main_window.menuBar().actions()][-1] == "&Help"
    sheet = open_from_help(qtbot, main_window, "Keyboard shortcuts", ShortcutsSheet)
    rows = sheet_rows(sheet)
    assert ("Edit", "Undo", QKeySequence(QKeySequence.StandardKey.Undo).toString()) in rows
    assert ("Notes", "Up an octave", "Shift+Up") in rows
    assert ("Transport", "Metronome", "Ctrl+M") in rows
    assert ("Help", "Keyboard shortcuts", "F1") in rows
    assert any(r[1] == "Select" and r[2] == "S" for r in rows)             # a toolbar tool, under Elsewhere
    every = {a for a in main_window.findChildren(QAction) if not a.shortcut().isEmpty()}
    assert len(rows) == len(every) and all(r[2] for r in rows)
    sheet.filter.setText("octave")
    shown = [r for i, r in enumerate(rows) if not sheet.table.isRowHidden(i)]
    assert [r[1] for r in shown] == ["Up an octave", "Down an octave"]
    sheet.close()

    added = QAction("Split the note at the playhead", main_window)       # a new command: the sheet has it
    added.setShortcut(QKeySequence("Ctrl+Shift+K"))
    main_window.view_menu.addAction(added)
    assert ("View", "Split the note at the playhead", "Ctrl+Shift+K") in shortcut_rows(main_window)


def test_about_names_the_versions_models_licences_and_soundfont(qtbot, main_window):
    about = open_from_help(qtbot, main_window, "About", AboutBox)
    assert "Generation is not available in this window" in about.text.toPlainText()
    about.close()
    main_window.attach_generation(GenerationService())
    about = open_from_help(qtbot, main_window, "About", AboutBox)
    text = about.text.toPlainText()
    assert f"Music Studio {__version__}" in text
    assert f"Python {platform.python_version()}" in text and f"Qt {qVersion()}" in text
    assert f"torch {importlib.metadata.version('torch')}" in text
    # issue 25: the build and the device, as --version says them
    import torch
    cuda = bool(torch.version.cuda)
    assert ("CUDA build" in text) == cuda and ("CPU-only build" in text) != cuda
    assert "Generators run on: " in text and "FluidSynth " in text
    models = ModelRegistry().models()
    assert f"Models ({len(models)})" in text
    for model in models:
        assert f"{model.name} ({model.backend}): {model.licence.line}" in text
    assert soundfont_line(main_window.settings.soundfont) in text
    about.close()
