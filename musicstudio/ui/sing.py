"""Record from the microphone: sing, hum or play one line and it becomes notes in the current track.

Like a MIDI take (ui/recording.py) it starts at the playhead, with the same count-in and metronome, and
lands as one undoable step; the notes found so far show in the roll while recording goes on, and a
level meter says whether the microphone hears enough. The audio thread only hands blocks to the take
(:class:`~musicstudio.audio.voice_take.VoiceTake`), which transcribes them in a thread of its own; this
object polls it ~30 times a second. No microphone, a silent or clipped take, or no pitched sound: a
sentence, and the song as it was.

main_window creates one ``SingController`` and puts its two actions and its quantize menu in its menus.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from musicstudio.audio.microphone import Microphone, MicrophoneError
from musicstudio.audio.recorder import Recorder
from musicstudio.audio.voice_take import VoiceTake
from musicstudio.core import edits
from musicstudio.core.changes import NoteChange
from musicstudio.io.timeline import Timeline
from musicstudio.ui.sing_import import AudioImport, QuantizeChoice, Transcribers, default_transcribers, tempo_at
from musicstudio.ui.sing_meter import SingPanel, count_in_text, notes_text, recorded_text

if TYPE_CHECKING:
    from musicstudio.ui.document import SongDocument
    from musicstudio.ui.piano_roll import PianoRoll
    from musicstudio.ui.recording import RecordingSession
    from musicstudio.workers.playback import PlaybackController

FRAME_MS = 33
RECORD_SHORTCUT = "Shift+R"      # R records from MIDI; Shift+R from the microphone


class SingController(QObject):
    """Records from the microphone into ``roll``'s current track, counting in and playing along as
    ``recording`` (the MIDI recording session) is set to."""

    started = Signal()
    stopped = Signal(int)      # notes added to the track
    message = Signal(str)      # for the status bar

    def __init__(self, document: SongDocument, roll: PianoRoll, playback: PlaybackController,
                 recording: RecordingSession, parent: QWidget,
                 microphone: Callable[..., Microphone] = Microphone, transcribers: Transcribers | None = None):
        super().__init__(parent)
        self.document, self.roll, self.playback, self.recording = document, roll, playback, recording
        self.window = parent
        self.make_microphone = microphone
        self.transcribers = transcribers or default_transcribers()
        self.mic: Microphone | None = None
        self.take: VoiceTake | None = None
        self.track_index = -1
        self.beats = 0
        self.record_action = QAction("Record from &microphone", parent, checkable=True,
                                     shortcut=QKeySequence(RECORD_SHORTCUT),
                                     toolTip=f"Sing, hum or play one line into the microphone ({RECORD_SHORTCUT})")
        self.record_action.toggled.connect(self._toggled)
        self.quantize = QuantizeChoice(roll, parent)
        self.quantize_menu = self.quantize.menu
        self.importer = AudioImport(document, roll, parent, self.transcribers, self.quantize)
        self.importer.message.connect(self.message)
        self.import_action = self.importer.action
        self.panel = SingPanel(roll)
        self.panel.stop_button.clicked.connect(lambda: self.record_action.setChecked(False))
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self.show_progress)

    @property
    def active(self) -> bool:
        return self.take is not None

    def _toggled(self, on: bool) -> None:
        if on and not self.active:
            if not self.start():
                self.record_action.setChecked(False)
        elif not on and self.active:
            self.stop()

    # -- start --------------------------------------------------------------------------------------
    def start(self) -> bool:
        """Open the microphone and start the count-in; False (and a message) when recording cannot start."""
        if self.recording.active:
            self._say("Stop the MIDI recording before recording from the microphone.")
            return False
        if self.roll.active_track is None:
            self._say("Add a track first: the notes from the microphone go into the current track.")
            return False
        song, start_tick = self.document.song, self.roll.playhead
        settings = self.recording.settings
        mic = self.make_microphone(self._heard)
        try:
            device = mic.choose()
            count_in = Recorder(song, start_tick, 0.0, settings).count_in_seconds
            transcriber = self.transcribers.live(mic.sample_rate, tempo_at(song, start_tick), self.quantize.grid(),
                                                 self.quantize.strength)
            latency = self.playback.output.latency_seconds if self.playback.available else 0.0
            self.take = VoiceTake(transcriber, mic.sample_rate, start_tick, count_in, latency)
            self.mic = mic
            mic.open()
        except MicrophoneError as e:
            self._drop_take()
            self._refuse(str(e))
            return False
        signature = song.meter.signature_at(start_tick)
        self.beats = max(1, settings.count_in_bars * signature.bar_ticks // signature.beat_ticks)
        self.track_index = self.roll.track_index
        if not self.record_action.isChecked():       # started by a call, not by the action
            self.record_action.blockSignals(True)
            self.record_action.setChecked(True)
            self.record_action.blockSignals(False)
        self.playback.play(start_tick, count_in_bars=settings.count_in_bars)
        self.panel.show_over_roll(device.name)
        self._timer.start()
        self.show_progress()
        self.started.emit()
        return True

    def _heard(self, block) -> None:
        """From the audio thread: the block goes to the take at once, nothing else happens here."""
        take = self.take
        if take is not None:
            take.push(block)

    # -- while recording ----------------------------------------------------------------------------
    def show_progress(self) -> None:
        """Every frame: the level, the count-in or the time recorded, the notes found so far in the
        roll and, without sound to follow, the playhead at the time recorded."""
        take, mic = self.take, self.mic
        if take is None or mic is None:
            return
        problem = mic.check()
        if problem is not None:
            self.stop(problem)                       # keeping what was heard
            return
        level = mic.level
        self.panel.show_level(level.rms_dbfs, level.peak_dbfs, mic.peak_hold)
        found = take.notes_so_far()
        if take.counting_in:
            self.panel.show_status(count_in_text(take.count_in_done, self.beats))
        else:
            self.panel.show_status(recorded_text(take.seconds, len(found)))
        if not self.playback.available:
            self.roll.set_playhead(self._tick_after(take))
        self.roll.set_preview(found)

    # -- stop ---------------------------------------------------------------------------------------
    def stop(self, problem: str | None = None) -> int:
        """End the take; its notes go into the track as one undoable step. Returns how many. ``problem``:
        why it ended by itself (the microphone was unplugged), said first."""
        take, mic = self.take, self.mic
        if take is None or mic is None:
            return 0
        mic.close()                    # the last blocks reach the take before this returns
        self.take = self.mic = None
        self._timer.stop()
        self.playback.stop()
        self.panel.hide()
        self.roll.set_preview([])
        if self.record_action.isChecked():
            self.record_action.setChecked(False)
        try:
            result = take.finish()
        except Exception as e:  # the transcriber failed: said, and the song stays as it was
            self._refuse(f"The recording could not be turned into notes ({type(e).__name__}: {e}). The song is "
                         "unchanged.")
            self.stopped.emit(0)
            return 0
        span = (take.start_tick, self._tick_after(take))
        warnings = result.warnings if problem is None else (problem, *result.warnings)
        count = self.add_notes(self.track_index, span, result.notes, warnings, take.seconds)
        self.stopped.emit(count)
        return count

    def _tick_after(self, take: VoiceTake) -> int:
        """The song's tick the take has reached."""
        timeline = Timeline(self.document.song.tempos)
        return timeline.tick_at(timeline.seconds_at(take.start_tick) + take.seconds)

    def add_notes(self, track_index: int, span: tuple[int, int], notes, warnings, seconds: float) -> int:
        """Put a take's notes into the track as one undo step (replacing the notes in ``span``, the ticks
        it was recorded over, when the recording is set to replace) and say how it went."""
        tracks = self.document.song.tracks
        if not notes or not 0 <= track_index < len(tracks):
            reason = warnings[0] if warnings else ("No notes were found in the recording: sing, hum or play one "
                                                   "line, each note clearly pitched.")
            self._refuse(f"{reason} The song is unchanged.")
            return 0
        removed = ()
        if not self.recording.settings.overdub:
            removed = tuple(edits.notes_in_range(tracks[track_index].notes, *span))
        self.document.edit(NoteChange(track_index, removed, tuple(notes)), "Record from microphone")
        if self.roll.track_index == track_index:
            self.roll.set_selection(list(notes))
        said = f"Recorded {notes_text(len(notes))} from the microphone ({seconds:.1f} s)."
        self.message.emit(" ".join([said, *warnings]))
        return len(notes)

    # -- messages -----------------------------------------------------------------------------------
    def _say(self, text: str) -> None:
        self.message.emit(text)

    def _refuse(self, text: str) -> None:
        """Nothing was recorded or added: a box the user must read, and the status bar."""
        self.message.emit(text)
        QMessageBox.warning(self.window, "Record from the microphone", text)

    def _drop_take(self) -> None:
        take, self.take, self.mic = self.take, None, None
        if take is not None:
            take.cancel()

    def shutdown(self) -> None:
        """The window closes: stop recording without adding anything."""
        mic = self.mic
        if mic is not None:
            mic.close()
        self._timer.stop()
        self._drop_take()
        self.importer.cancel()
