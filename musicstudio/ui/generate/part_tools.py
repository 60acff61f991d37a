"""The Generate menu's tools that write new tracks beside the song's own (Add drums…, Harmonize…, Add a
part…) or vary a track's part as takes (Vary drums…), each a module of this package named in :data:`TOOLS`
with one function, ``install(window, menu)``: it adds its actions (with shortcuts and tooltips) to ``menu``
and keeps what it needs of ``window`` (the main window: its document, piano roll, Generate panel and status
bar)."""

from __future__ import annotations

from importlib import import_module

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout

TOOLS: tuple[str, ...] = (   # module names under musicstudio.ui.generate, e.g. "add_drums"
    "harmonize",
    "add_drums",
    "drum_vary",
)


def ok_pressed(dialog: QDialog, form: QFormLayout) -> bool:
    """Put OK and Cancel under ``form``, run ``dialog`` (modal) and say whether it was answered with OK: the
    tools' dialogs end alike."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    return dialog.exec() == QDialog.DialogCode.Accepted


def install(window, menu) -> None:
    for name in TOOLS:
        import_module(f"musicstudio.ui.generate.{name}").install(window, menu)
