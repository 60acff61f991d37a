"""The Qt side of sound: starts the engine and its output, reports the playhead ~30 times a second,
and turns every audio problem into a message. QtCore only; the engine itself knows nothing of Qt."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from musicstudio.audio.engine import PlaybackEngine
from musicstudio.audio.errors import AudioError
from musicstudio.audio.output import AudioOutput
from musicstudio.audio.soundfont import find_soundfont
from musicstudio.audio.synth import Synth
from musicstudio.core.controls import Control
from musicstudio.core.song import Song

POSITION_HZ = 30


class PlaybackController(QObject):
    position_changed = Signal(int)    # tick, while playing
    playing_changed = Signal(bool)
    problem = Signal(str)             # why there is no sound, for the status bar

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.engine: PlaybackEngine | None = None
        self.output: AudioOutput | None = None
        self.reason = "sound is not started"
        self._song = Song()
        self._timer = QTimer(self)
        self._timer.setInterval(1000 // POSITION_HZ)
        self._timer.timeout.connect(self._tick)

    @property
    def available(self) -> bool:
        return self.output is not None and self.output.running

    def start(self, soundfont: str | None = None, device=None, blocksize: int = 256) -> bool:
        """Load the synthesizer and open the output. False (and ``problem``) when there is no sound."""
        self.shutdown()
        try:
            synth = Synth(find_soundfont(soundfont), 44100)
            self.engine = PlaybackEngine(synth)
            self.engine.set_song(self._song)
            self.output = AudioOutput(self.engine, device, blocksize)
            self.output.start()
        except AudioError as e:
            self.output = None
            self.reason = str(e)
            self.problem.emit(self.reason)
            return False
        self.reason = ""
        self._timer.start()
        return True

    def set_song(self, song: Song) -> None:
        self._song = song
        if self.engine is not None:
            self.engine.set_song(song)

    def play(self, from_tick: int, count_in_bars: int = 0) -> bool:
        if not self.available:
            self.problem.emit(f"No playback: {self.reason}")
            return False
        self.engine.play(from_tick, count_in_bars)
        self.playing_changed.emit(True)
        return True

    def stop(self) -> None:
        if self.engine is not None and self.engine.playing:
            self.engine.stop()
            self.playing_changed.emit(False)

    def set_loop(self, span: tuple[int, int] | None) -> None:
        if self.engine is not None:
            self.engine.set_loop(*(span or (None, None)))

    def set_metronome(self, on: bool) -> None:
        if self.engine is not None:
            self.engine.set_metronome(on)

    def set_volume(self, volume: float) -> None:
        if self.engine is not None:
            self.engine.volume = max(0.0, min(1.0, volume))

    def audition(self, pitch: int, velocity: int, program: int = 0, is_drum: bool = False) -> None:
        if self.available:
            self.engine.audition(pitch, velocity, program, is_drum)

    def note_on(self, pitch: int, velocity: int, program: int = 0, is_drum: bool = False) -> None:
        if self.available:
            self.engine.note_on(pitch, velocity, program, is_drum)

    def note_off(self, pitch: int) -> None:
        if self.available:
            self.engine.note_off(pitch)

    def control(self, control: Control) -> None:
        """A pedal, wheel or aftertouch from the keyboard, heard now on the live channel."""
        if self.available:
            self.engine.control(control)

    def _tick(self) -> None:
        if self.output is not None and self.output.problem:
            self.reason = self.output.problem
            self.problem.emit(self.reason)
            self.output.close()
            self.output = None
            self.playing_changed.emit(False)
            return
        engine = self.engine
        if engine is not None and engine.playing:
            if engine.finished:
                self.stop()
            self.position_changed.emit(engine.position_tick)

    def shutdown(self) -> None:
        self._timer.stop()
        if self.output is not None:
            self.output.close()
            self.output = None
        if self.engine is not None:
            self.engine.synth.close()
            self.engine = None
