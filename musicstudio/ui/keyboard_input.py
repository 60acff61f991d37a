"""Playing the computer keyboard as a piano, when switched on (or when recording without a MIDI device).

An application-wide event filter takes the piano keys before shortcuts see them, and a status-bar
label shows the layout, the octave and the velocity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QLabel, QLineEdit

from musicstudio.audio.keyboard_piano import KeyboardPiano
from musicstudio.core.note import pitch_name

if TYPE_CHECKING:
    from musicstudio.ui.piano_roll import PianoRoll
    from musicstudio.ui.recording import RecordingSession
    from musicstudio.workers.playback import PlaybackController


class KeyboardInput(QObject):
    """Plays ``playback`` in the sound of ``roll``'s active track, and records into ``recording``."""

    def __init__(self, playback: PlaybackController, roll: PianoRoll, recording: RecordingSession,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.playback, self.roll, self.recording = playback, roll, recording
        self.piano = KeyboardPiano()
        self.enabled = False
        self.held: dict[str, int] = {}   # key -> pitch sounding
        self.label = QLabel()
        self.label.setToolTip("Computer keyboard piano: A S D F G H J K L ; ' play white keys from C, "
                              "W E T Y U O P the black keys. Z/X octave, C/V softer/louder. Ctrl+K switches it.")
        self.label.hide()

    def set_enabled(self, on: bool) -> None:
        if on == self.enabled:
            return
        self.enabled = on
        app = QApplication.instance()
        if on:
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)
            for pitch in self.held.values():
                self.playback.note_off(pitch)
            self.held.clear()
        self.label.setVisible(on)
        self._show()

    def _show(self) -> None:
        low = self.piano.pitch_of("a")
        start = pitch_name(low) if low is not None else ""
        self.label.setText(f"Keyboard piano from {start} · velocity {self.piano.velocity} · Z/X octave · C/V velocity")

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride):
            return False
        if isinstance(QApplication.focusWidget(), (QLineEdit, QAbstractSpinBox)):
            return False  # typing a name or a tempo
        if event.modifiers() not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier):
            return False  # Ctrl+..., Shift+...: shortcuts stay shortcuts
        char = event.text().lower()
        if not char or (self.piano.pitch_of(char) is None and char not in "zxcv"):
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # ours, not a shortcut's
            return True
        if event.isAutoRepeat():
            return True
        clock = self.recording.clock()
        if kind == QEvent.Type.KeyPress:
            if self.piano.control(char):
                self._show()
                return True
            pitch = self.piano.pitch_of(char)
            track = self.roll.active_track
            self.held[char] = pitch
            self.playback.note_on(pitch, self.piano.velocity, track.program if track else 0,
                                         bool(track and track.is_drum))
            self.recording.note_on(clock, pitch, self.piano.velocity)
        else:
            pitch = self.held.pop(char, None)
            if pitch is not None:
                self.playback.note_off(pitch)
                self.recording.note_off(clock, pitch)
        return True
