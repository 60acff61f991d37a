"""Recording a take: timestamped note messages (MIDI input, computer keyboard) become notes, and a
MIDI keyboard's pedals, wheels, knobs and aftertouch become the take's controller events.

Times are seconds on one clock (``time.perf_counter``): the moment recording starts (after the
count-in) is tick ``start_tick`` of the song, and the tempo map turns later moments into ticks.
What is played during the count-in lands on the first beat (a pedal pressed before the first note).
Controllers are kept as played (quantizing moves notes only), and a take never ends with a pedal
held or the wheel bent: those are let go where recording stopped.
"""

from __future__ import annotations

from dataclasses import dataclass

from musicstudio.audio.midi_input import control_of
from musicstudio.core import edits
from musicstudio.core.changes import ChangeGroup, ControlChange, NoteChange
from musicstudio.core.controls import CONTROLLER, PITCH_BEND, PROGRAM, SUSTAIN, Control, in_tick_order
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.ticks import PPQ
from musicstudio.core.track import Track
from musicstudio.io.timeline import Timeline

PEDALS = (SUSTAIN, 66, 67)   # sustain, sostenuto and soft: down at 64 and over


@dataclass(frozen=True)
class RecordSettings:
    count_in_bars: int = 1
    quantize_grid: int = 0      # ticks; 0 keeps the notes as played
    overdub: bool = True        # False replaces the notes in the recorded span


class Recorder:
    def __init__(self, song: Song, start_tick: int, started_at: float, settings: RecordSettings = RecordSettings()):
        """``started_at`` is the clock time at which the count-in began."""
        self.settings = settings
        self.start_tick = start_tick
        self.timeline = Timeline(song.tempos)
        bar_ticks = song.meter.signature_at(start_tick).bar_ticks
        tempo_us = song.tempos[0].us_per_beat
        for t in song.tempos:
            if t.tick <= start_tick:
                tempo_us = t.us_per_beat
        count_in = settings.count_in_bars * bar_ticks * tempo_us / (PPQ * 1e6)
        self.count_in_seconds = count_in
        self.origin = started_at + count_in           # clock time of start_tick
        self._origin_seconds = self.timeline.seconds_at(start_tick)
        self._open: dict[int, tuple[int, int]] = {}   # pitch -> (start tick, velocity)
        self.notes: list[Note] = []
        self.controls: list[Control] = []             # in the order played

    def tick_at(self, clock: float) -> int:
        return self.timeline.tick_at(max(0.0, self._origin_seconds + clock - self.origin))

    def note_on(self, clock: float, pitch: int, velocity: int) -> None:
        if velocity == 0:
            self.note_off(clock, pitch)
            return
        if pitch in self._open:
            self.note_off(clock, pitch)
        # A note struck during the count-in belongs to the first beat.
        self._open[pitch] = (max(self.start_tick, self.tick_at(clock)), velocity)

    def note_off(self, clock: float, pitch: int) -> None:
        opened = self._open.pop(pitch, None)
        if opened is not None:
            start, velocity = opened
            self.notes.append(Note(pitch, start, max(1, self.tick_at(clock) - start), velocity))

    def control(self, clock: float, kind: str, number: int, value: int) -> None:
        """A controller (``number``: which), pitch bend (-8192..8191), channel aftertouch, or polyphonic
        aftertouch (``number``: the key) played at ``clock``."""
        self.controls.append(Control(max(self.start_tick, self.tick_at(clock)), kind, number, value))

    def message(self, clock: float, message) -> None:
        """A mido message: notes, control changes, pitch wheel and aftertouch are recorded; program
        changes and system messages are not (live notes take the track's program)."""
        if message.type == "note_on":
            self.note_on(clock, message.note, message.velocity)
        elif message.type == "note_off":
            self.note_off(clock, message.note)
        else:
            control = control_of(message)
            if control is not None:
                self.control(clock, control.kind, control.number, control.value)

    def preview(self, clock: float) -> list[Note]:
        """What was played so far, held notes lasting until ``clock``: to show while recording."""
        now = self.tick_at(clock)
        held = [Note(p, s, max(1, now - s), v) for p, (s, v) in self._open.items()]
        return self.notes + held

    def finish(self, clock: float) -> list[Note]:
        """End every held note and give the take, quantized if asked."""
        for pitch in list(self._open):
            self.note_off(clock, pitch)
        notes = list(self.notes)
        if self.settings.quantize_grid:
            notes = edits.quantize(notes, self.settings.quantize_grid, ends=True)
        return sorted(notes, key=lambda n: (n.start, n.pitch))

    def finish_controls(self, clock: float) -> tuple[Control, ...]:
        """The take's controller events in tick order, with a pedal still held or a wheel still bent at
        ``clock`` let go there."""
        tick = max(self.start_tick, self.tick_at(clock))
        last: dict[tuple[str, int], int] = {}
        for c in self.controls:
            last[c.lane] = c.value
        held = [Control(tick, CONTROLLER, n, 0) for n in PEDALS if last.get((CONTROLLER, n), 0) >= 64]
        if last.get((PITCH_BEND, 0), 0) != 0:
            held.append(Control(tick, PITCH_BEND, 0, 0))
        return in_tick_order(self.controls + held)

    def take_change(self, track_index: int, track: Track, clock: float) -> NoteChange | ChangeGroup | None:
        """The take, stopped at ``clock``, as one change of track ``track_index`` (``track`` as it is now):
        its notes and controller events added and, when not overdubbing, the track's notes and
        controller events in the replaced span removed (those outside it stay). None when nothing was
        played."""
        notes, controls = self.finish(clock), self.finish_controls(clock)
        if not notes and not self.controls:
            return None
        start, end = self.replaced_span(clock)
        removed_notes: tuple[Note, ...] = ()
        removed_controls: tuple[Control, ...] = ()
        if not self.settings.overdub:
            removed_notes = tuple(edits.notes_in_range(track.notes, start, end))
            removed_controls = tuple(c for c in track.controls if start <= c.tick < end and c.kind != PROGRAM)
        change = NoteChange(track_index, removed_notes, tuple(notes))
        if not controls and not removed_controls:
            return change
        return ChangeGroup((change, ControlChange.of(track_index, track, removed_controls, controls)))

    def replaced_span(self, clock: float) -> tuple[int, int]:
        """The ticks a replacing take covers: from the start to where recording stopped."""
        return self.start_tick, max(self.start_tick + 1, self.tick_at(clock))
