"""Recording a take: timestamped note messages (MIDI input, computer keyboard) become notes.

Times are seconds on one clock (``time.perf_counter``): the moment recording starts (after the
count-in) is tick ``start_tick`` of the song, and the tempo map turns later moments into ticks.
"""

from __future__ import annotations

from dataclasses import dataclass

from musicstudio.core import edits
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.ticks import PPQ
from musicstudio.io.timeline import Timeline


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

    def message(self, clock: float, message) -> None:
        """A mido message (or anything with ``type``, ``note``, ``velocity``)."""
        if message.type == "note_on":
            self.note_on(clock, message.note, message.velocity)
        elif message.type == "note_off":
            self.note_off(clock, message.note)

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

    def replaced_span(self, clock: float) -> tuple[int, int]:
        """The ticks a replacing take covers: from the start to where recording stopped."""
        return self.start_tick, max(self.start_tick + 1, self.tick_at(clock))
