"""Recording a seed phrase into the selected track: count-in, live notes, the take as one undo step.

Notes come from a MIDI input port or from the computer keyboard (see keyboard_input.py); both
reach ``note_on``/``note_off`` with a clock time, and the recorder turns times into ticks. The count-in
is shown over the piano roll, beat by beat, and without sound (no sound card, or none started) the
recorder's clock moves the playhead, so recording looks the same with or without audio.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel

from musicstudio.audio.midi_input import MidiInput, control_of, input_ports
from musicstudio.audio.recorder import Recorder, RecordSettings

if TYPE_CHECKING:
    from musicstudio.ui.document import SongDocument
    from musicstudio.ui.piano_roll import PianoRoll
    from musicstudio.workers.playback import PlaybackController

PREVIEW_MS = 33


class RecordingSession(QObject):
    """Records into ``document``'s song at ``roll``'s playhead, in its active track, playing along through
    ``playback``."""

    started = Signal()
    stopped = Signal(int)        # notes recorded
    keyboard_wanted = Signal()   # there is no MIDI input: the computer keyboard should play
    message = Signal(str)        # for the status bar
    counting_in = Signal(int, int)   # the count-in's beat (from 1) and its beats in all; (0, 0) once over

    def __init__(self, document: SongDocument, roll: PianoRoll, playback: PlaybackController,
                 clock: Callable[[], float] = time.perf_counter, parent: QObject | None = None):
        super().__init__(parent)
        self.document, self.roll, self.playback = document, roll, playback
        self.clock = clock
        self.settings = RecordSettings()
        self.recorder: Recorder | None = None
        self.midi = MidiInput(self._midi_message, clock, receive_control=self._midi_control)
        self.port_name: str | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(PREVIEW_MS)
        self._timer.timeout.connect(self._show_preview)
        self.count_label = QLabel(roll)
        self.count_label.setObjectName("count_in_display")
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.count_label.setFont(QFont(self.count_label.font().family(), 28, QFont.Weight.Bold))
        self.count_label.setStyleSheet("background: rgba(20, 20, 20, 200); color: white; border-radius: 8px; "
                                       "padding: 8px 18px;")
        self.count_label.hide()
        self._beat = (0, 0)

    @property
    def active(self) -> bool:
        return self.recorder is not None

    def open_port(self, name: str | None = None, port=None) -> bool:
        """Listen to a MIDI input (the first one present if no name). False if there is none."""
        if port is None:
            names = input_ports()
            name = name if name in names else (names[0] if names else None)
            if name is None:
                return False
        try:
            self.midi.open(name, port)
        except (OSError, IOError) as e:
            self.message.emit(f"MIDI input {name} could not be opened: {e}")
            return False
        self.port_name = name or getattr(port, "name", "MIDI input")
        return True

    def set_count_in_bars(self, bars: int) -> None:
        """Bars counted in before the next recording starts (0: at once)."""
        self.settings = replace(self.settings, count_in_bars=max(0, bars))

    def start(self) -> None:
        if self.roll.active_track is None or self.active:
            return
        start_tick = self.roll.playhead
        self.recorder = Recorder(self.document.song, start_tick, self.clock(), self.settings)
        if self.midi.port is None and not self.open_port():
            self.keyboard_wanted.emit()          # no MIDI device: the computer keyboard plays
        self.playback.play(start_tick, count_in_bars=self.settings.count_in_bars)
        self._timer.start()
        self.started.emit()
        self._show_preview()                     # the count-in's first beat at once

    def count_in_beat(self, clock: float) -> tuple[int, int]:
        """Where the count-in is at ``clock``: (beat from 1, beats in all), or (0, 0) when it is over."""
        recorder = self.recorder
        if recorder is None or recorder.count_in_seconds <= 0 or clock >= recorder.origin:
            return 0, 0
        signature = self.document.song.meter.signature_at(recorder.start_tick)
        beats = max(1, self.settings.count_in_bars * signature.bar_ticks // signature.beat_ticks)
        into = clock - (recorder.origin - recorder.count_in_seconds)
        return min(beats, max(0, int(into / recorder.count_in_seconds * beats)) + 1), beats

    def stop(self) -> int:
        """End the take and add it to the track as one undoable step; returns its note count."""
        recorder, self.recorder = self.recorder, None
        self._timer.stop()
        self._show_count(0, 0)
        roll = self.roll
        self.playback.stop()
        roll.set_preview([])
        if recorder is None:
            return 0
        now = self.clock()
        take = recorder.finish(now)
        track = roll.active_track
        # the notes and the pedal, wheel and aftertouch played with them: one undoable step
        change = recorder.take_change(roll.track_index, track, now) if track is not None else None
        if change is not None:
            self.document.edit(change, "Record take")
            roll.set_selection(list(take))
        self.stopped.emit(len(take))
        return len(take)

    # -- notes arriving -----------------------------------------------------------------------------
    def note_on(self, clock: float, pitch: int, velocity: int) -> None:
        if self.recorder is not None:
            self.recorder.note_on(clock, pitch, velocity)

    def note_off(self, clock: float, pitch: int) -> None:
        if self.recorder is not None:
            self.recorder.note_off(clock, pitch)

    def _midi_message(self, clock: float, message) -> None:
        """From the MIDI input's thread: hear it now, record it, never touch widgets here."""
        track = self.roll.active_track
        on = message.type == "note_on" and message.velocity > 0
        if on:
            self.playback.note_on(message.note, message.velocity, track.program if track else 0,
                                  bool(track and track.is_drum))
        else:
            self.playback.note_off(message.note)
        if self.recorder is not None:
            self.recorder.message(clock, message)

    def _midi_control(self, clock: float, message) -> None:
        """From the MIDI input's thread: a pedal, wheel or aftertouch heard now and recorded."""
        control = control_of(message)
        if control is not None:
            self.playback.control(control)
            if self.recorder is not None:
                self.recorder.message(clock, message)

    def _show_preview(self) -> None:
        """Every frame while recording: the count-in, the notes played so far and, without sound (when
        playback cannot report a position), the playhead from the recorder's clock."""
        recorder = self.recorder
        if recorder is None:
            return
        now = self.clock()
        self._show_count(*self.count_in_beat(now))
        if not self.playback.available:
            self.roll.set_playhead(recorder.tick_at(now) if now >= recorder.origin else recorder.start_tick)
        self.roll.set_preview(recorder.preview(now))

    def _show_count(self, beat: int, beats: int) -> None:
        if (beat, beats) == self._beat:
            return
        self._beat = (beat, beats)
        self.counting_in.emit(beat, beats)
        label = self.count_label
        if not beat:
            label.hide()
            return
        label.setText(f"Count-in  {beat} / {beats}")
        label.adjustSize()
        parent = label.parentWidget()
        label.move(max(0, (parent.width() - label.width()) // 2), max(0, parent.height() // 3 - label.height()))
        label.raise_()
        label.show()
