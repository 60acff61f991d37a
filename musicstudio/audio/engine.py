"""The playback engine: the song, the metronome and live notes through one synthesizer.

Pure Python with no Qt: an audio callback (or a test, or an offline render) asks it for the next
block of samples. Note timing comes from the event schedule (sample-accurate), never from a
sleeping thread. The GUI thread only queues requests; the synthesizer is touched in ``render``.
Starting, stopping, looping or editing during playback resets every song channel (pedals up, bend
centred, controllers back to their defaults, notes released), then chases the song's state at the
new position, so nothing hangs and a pedal held across the start is heard.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import NamedTuple

import numpy as np

from musicstudio.audio.schedule import (
    CLICK_CHANNEL,
    NOTE_OFF,
    NOTE_ON,
    PROGRAM,
    Renderer,
    Schedule,
    StartPoint,
    audible_tracks,
    click_events,
    control_event,
    schedule,
    send,
    start_point,
)
from musicstudio.audio.synth import Synth
from musicstudio.core.controls import PROGRAM as PROGRAM_CHANGE
from musicstudio.core.controls import Control
from musicstudio.core.song import Song
from musicstudio.io.timeline import Timeline

# Auditions and played notes, with the selected track's program: a 17th channel, so that no song track
# (a MIDI file's can be on any of the 16) shares it, and stopping or looping the song never cuts them.
LIVE_CHANNEL = 16
MIDI_CHANNELS = 16         # the song's
AUDITION_SECONDS = 0.35
TAIL_SECONDS = 2.0


class LiveNote(NamedTuple):
    on: bool
    pitch: int
    velocity: int = 0
    program: int = 0
    is_drum: bool = False


class PlaybackEngine:
    def __init__(self, synth: Synth):
        self.synth = synth
        self.sample_rate = synth.sample_rate
        self.volume = 0.8
        self.metronome = False
        self._lock = threading.Lock()
        self._live: deque[LiveNote | Control] = deque()
        self._offs: list[tuple[int, int]] = []    # (clock frame due, pitch) for auditions
        self._program = (-1, False)
        self.clock = 0                              # frames rendered since the engine started
        self.song = Song()
        self.timeline = Timeline(self.song.tempos)
        self.events = Schedule.of([])
        self.renderer: Renderer | None = None
        self.playing = False
        self.frame = 0                              # song position, in frames from the song's start
        self.loop: tuple[int, int] | None = None    # frames
        self._loop_start: StartPoint | None = None  # where a loop wraps to, worked out off the audio thread
        self.end_frame = 0
        self._reset_synth = False

    # -- requests from the GUI thread ---------------------------------------------------------------
    def set_song(self, song: Song) -> None:
        """Play this song from now on (an edit during playback is heard at once, from where it is)."""
        events = schedule(song, self.sample_rate, audible_tracks(song))
        timeline = Timeline(song.tempos)
        end = timeline.frame_at(song.end_tick, self.sample_rate)
        events = self._with_clicks(events, 0, song.length_ticks, song)
        loop_start = self._start_of_loop(events, self.loop)
        notes_as_before = _same_notes(self.song, song)    # self.song is only written on this thread
        with self._lock:
            self.song, self.timeline, self.end_frame = song, timeline, end
            self.events, self._loop_start = events, loop_start
            if self.playing:
                # the new renderer chases every lane's value at the playhead; only an edit of the notes
                # (or of what plays them) needs the channels silenced first: a fader moved while playing
                # must not cut the notes that are sounding
                self.renderer = Renderer(self.synth, self.events, self.frame)
                self._reset_synth = self._reset_synth or not notes_as_before

    def _with_clicks(self, events: Schedule, start_tick: int, end_tick: int, song: Song) -> Schedule:
        if not self.metronome:
            return events
        end_tick = max(end_tick, song.meter.bar_start(song.bar_count + 64))
        return events.merged(click_events(song, self.sample_rate, start_tick, end_tick))

    @staticmethod
    def _start_of_loop(events: Schedule, loop: tuple[int, int] | None) -> StartPoint | None:
        return None if loop is None else start_point(events, loop[0])

    def set_metronome(self, on: bool) -> None:
        self.metronome = on
        self.set_song(self.song)

    def play(self, from_tick: int = 0, count_in_bars: int = 0) -> None:
        """Start at ``from_tick``; with a count-in, the metronome clicks that many bars first."""
        start = self.timeline.frame_at(from_tick, self.sample_rate)
        events = self.events
        if count_in_bars:
            meter = self.song.meter
            bar = meter.bar_at(from_tick)
            ticks = meter.signature_at(from_tick).bar_ticks * count_in_bars
            # The count-in is the bar before the start (or a copy of the first bar), played ahead of it.
            count_in = self.timeline.frame_at(ticks, self.sample_rate)
            clicks = click_events(self.song, self.sample_rate, meter.bar_start(bar), meter.bar_start(bar) + ticks,
                                  frame_offset=start - self.timeline.frame_at(meter.bar_start(bar), self.sample_rate)
                                  - count_in)
            events = events.merged(clicks)
            start -= count_in
        renderer = Renderer(self.synth, events, start)
        loop_start = self._start_of_loop(events, self.loop)
        with self._lock:
            self.events, self._loop_start = events, loop_start
            self.frame = start
            self.renderer = renderer
            self.playing = True
            self._reset_synth = True

    def stop(self) -> None:
        with self._lock:
            self.playing = False
            self.renderer = None
            self._reset_synth = True

    def set_loop(self, start_tick: int | None, end_tick: int | None = None) -> None:
        loop = None
        if start_tick is not None and end_tick is not None and end_tick > start_tick:
            loop = (self.timeline.frame_at(start_tick, self.sample_rate),
                    self.timeline.frame_at(end_tick, self.sample_rate))
        events = self.events      # only this (GUI) thread replaces the events
        loop_start = self._start_of_loop(events, loop)
        with self._lock:
            self.loop, self._loop_start = loop, loop_start

    def note_on(self, pitch: int, velocity: int, program: int = 0, is_drum: bool = False) -> None:
        self._live.append(LiveNote(True, pitch, velocity, program, is_drum))

    def note_off(self, pitch: int) -> None:
        self._live.append(LiveNote(False, pitch))

    def control(self, control: Control) -> None:
        """A controller, bend or aftertouch played now (a MIDI keyboard's pedal or wheel), on the channel
        of live notes. Program changes are ignored: live notes take the selected track's program."""
        if control.kind != PROGRAM_CHANGE:
            self._live.append(control)

    def audition(self, pitch: int, velocity: int = 100, program: int = 0, is_drum: bool = False) -> None:
        """Sound a note now, for a moment (a key clicked, a note drawn)."""
        self.note_on(pitch, velocity, program, is_drum)
        self._live.append(LiveNote(False, pitch, -1))  # -1: end it after AUDITION_SECONDS

    @property
    def position_tick(self) -> int:
        return self.timeline.tick_at(max(0, self.frame) / self.sample_rate)

    @property
    def finished(self) -> bool:
        """Played past the end of the song and its release tail (never while looping)."""
        return self.playing and self.loop is None and self.frame > self.end_frame + TAIL_SECONDS * self.sample_rate

    # -- the audio thread ---------------------------------------------------------------------------
    def render(self, out: np.ndarray) -> np.ndarray:
        """Fill ``out`` (frames x 2, float32) with the next block: the callback's whole work."""
        frames = len(out)
        with self._lock:
            if self._reset_synth:
                self._reset_synth = False
                self._reset_song_channels()
                self.synth.all_notes_off_channel(LIVE_CHANNEL)
            self._apply_live(frames)
            if self.playing and self.renderer is not None:
                self._render_song(out)
            else:
                self.synth.render(frames, out)
        self.clock += frames
        if self.volume != 1.0:
            out *= self.volume
        return out

    def _apply_live(self, frames: int) -> None:
        synth = self.synth
        while self._live:
            live = self._live.popleft()
            if isinstance(live, Control):
                send(synth, control_event(live, LIVE_CHANNEL, 0))
            elif live.on:
                if (live.program, live.is_drum) != self._program:
                    synth.set_program(LIVE_CHANNEL, live.program, live.is_drum)
                    self._program = (live.program, live.is_drum)
                synth.note_on(LIVE_CHANNEL, live.pitch, live.velocity)
            elif live.velocity == -1:
                self._offs.append((self.clock + int(AUDITION_SECONDS * self.sample_rate), live.pitch))
            else:
                synth.note_off(LIVE_CHANNEL, live.pitch)
        if self._offs:
            due = [o for o in self._offs if o[0] < self.clock + frames]
            for o in due:
                synth.note_off(LIVE_CHANNEL, o[1])
                self._offs.remove(o)

    def _render_song(self, out: np.ndarray) -> None:
        pos, frames = 0, len(out)
        while pos < frames:
            n = frames - pos
            if self.loop is not None and self.loop[0] <= self.frame < self.loop[1]:
                n = min(n, self.loop[1] - self.frame)
            self.renderer.render(out[pos:pos + n])
            pos += n
            self.frame += n
            if self.loop is not None and self.frame == self.loop[1]:
                self.frame = self.loop[0]
                self.renderer = Renderer(self.synth, self.events, self.frame, self._loop_start)
                self._reset_song_channels()   # before the new renderer chases the loop start's state

    def _reset_song_channels(self) -> None:
        for channel in range(MIDI_CHANNELS):
            self.synth.reset_channel(channel)


__all__ = ["PlaybackEngine", "LiveNote", "LIVE_CHANNEL", "CLICK_CHANNEL", "NOTE_ON", "NOTE_OFF", "PROGRAM"]


def _same_notes(old: Song, new: Song) -> bool:
    """Whether ``new`` plays the same notes, on the same instruments and channels, as ``old`` (its edit
    changed controllers only, such as a mixer fader's tick-0 volume)."""
    return len(old.tracks) == len(new.tracks) and old.tempos == new.tempos and all(
        a.notes == b.notes and (a.program, a.is_drum, a.channel, a.muted, a.solo)
        == (b.program, b.is_drum, b.channel, b.muted, b.solo) for a, b in zip(old.tracks, new.tracks))
