"""Plain keys a focused widget takes before the window's shortcuts (Space plays the song elsewhere), and the
buttons that do the same as those keys."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt

PLAIN = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)


class OwnKeys:
    """Mix in before the Qt widget class; ``OWN_KEYS`` are the keys (without modifiers) the widget handles
    itself, so its ``keyPressEvent`` sees them instead of a window shortcut."""

    OWN_KEYS: frozenset = frozenset()

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and self._handles(event):
            event.accept()
            return True
        return super().event(event)

    def _handles(self, event) -> bool:
        return event.modifiers() in PLAIN and event.key() in self.OWN_KEYS


def connect_buttons(actions) -> None:
    """``actions``: (button, key signal, action) each; a click on the button or the widget's key does it."""
    for button, key, action in actions:
        button.clicked.connect(lambda _=False, act=action: act())
        key.connect(action)
