"""A song as synthesizer events at exact sample frames, and a renderer that plays them.

The renderer splits every block at event frames, so each note starts on its own sample whatever the
block size: the live output callback and the offline WAV render run this same code. Besides notes,
a track's controllers, pitch bend, aftertouch and program changes are played at their frames, on
the track's channel. Starting anywhere but the top, the renderer first *chases* what the song set
before that point (the pedal held down, the bend in effect, the volume, the program), so a pedal
held across the start is heard.
"""

from __future__ import annotations

from bisect import bisect_left
from operator import attrgetter
from typing import NamedTuple, Sequence

import numpy as np

from musicstudio.audio.synth import Synth
from musicstudio.core.controls import CHANNEL_PRESSURE, CONTROLLER, PITCH_BEND, POLY_PRESSURE, Control
from musicstudio.core.controls import PROGRAM as PROGRAM_CHANGE
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.io.midi_write import assign_channels
from musicstudio.io.timeline import Timeline

PROGRAM, NOTE_OFF, NOTE_ON, CONTROL, BEND, PRESSURE, KEY_PRESSURE = range(7)
# Order of events that fall on one frame: program changes and controllers (in the track's order), then
# note-offs, then note-ons, then polyphonic aftertouch (it presses a key that is sounding).
RANK = (0, 1, 2, 0, 0, 0, 3)
_SYNTH_KIND = {CONTROLLER: CONTROL, PITCH_BEND: BEND, CHANNEL_PRESSURE: PRESSURE, POLY_PRESSURE: KEY_PRESSURE}
# Controllers chased as a sequence, not by their last value: a parameter number then its data
# (RPN/NRPN: the pitch-bend range, fine tuning) mean something only in the order they came in.
SEQUENCE_CONTROLLERS = frozenset((6, 38, 96, 97, 98, 99, 100, 101))
FIRST_MODE_CONTROLLER = 120   # 120-127 are actions (all notes off ...), not a state to chase


class SynthEvent(NamedTuple):
    frame: int
    kind: int
    channel: int
    pitch: int = 0      # the key; the program for PROGRAM; the controller number for CONTROL
    velocity: int = 0   # the velocity; 1 for a drum kit for PROGRAM; the value for the other kinds


CLICK_CHANNEL = 9
CLICK_DOWNBEAT, CLICK_BEAT = 76, 77   # GM high and low wood block
CLICK_TICKS = 60


def audible_tracks(song: Song) -> list[int]:
    """Indices of the tracks that sound: the soloed ones if any are, else all that are not muted."""
    soloed = [i for i, t in enumerate(song.tracks) if t.solo]
    return soloed or [i for i, t in enumerate(song.tracks) if not t.muted]


def click_events(song: Song, sample_rate: int, start_tick: int, end_tick: int,
                 frame_offset: int = 0) -> list[SynthEvent]:
    """Metronome clicks on every beat in [start_tick, end_tick), louder on the downbeat."""
    timeline = Timeline(song.tempos)
    meter = song.meter
    events = [SynthEvent(frame_offset, PROGRAM, CLICK_CHANNEL, 0, 1)]
    bar = meter.bar_at(start_tick)
    while meter.bar_start(bar) < end_tick:
        sig = meter.signature_at(meter.bar_start(bar))
        for beat in range(sig.numerator):
            tick = meter.bar_start(bar) + beat * sig.beat_ticks
            if start_tick <= tick < end_tick:
                pitch, velocity = (CLICK_DOWNBEAT, 120) if beat == 0 else (CLICK_BEAT, 90)
                on = timeline.frame_at(tick, sample_rate) + frame_offset
                off = timeline.frame_at(tick + CLICK_TICKS, sample_rate) + frame_offset
                events += [SynthEvent(on, NOTE_ON, CLICK_CHANNEL, pitch, velocity),
                           SynthEvent(off, NOTE_OFF, CLICK_CHANNEL, pitch)]
        bar += 1
    return events


def schedule(song: Song, sample_rate: int, tracks: Sequence[int] | None = None) -> list[SynthEvent]:
    """Every event of the song (or of the given track indices) at its frame, in playing order."""
    timeline = Timeline(song.tempos)
    channels = assign_channels(song.tracks)
    events = []
    for index, (track, channel) in enumerate(zip(song.tracks, channels)):
        if tracks is not None and index not in tracks:
            continue
        events.append(SynthEvent(0, PROGRAM, channel, track.program, int(track.is_drum)))
        events += track_control_events(track, channel, timeline, sample_rate)
        for n in track.notes:
            events.append(SynthEvent(timeline.frame_at(n.start, sample_rate), NOTE_ON, channel, n.pitch, n.velocity))
            events.append(SynthEvent(timeline.frame_at(n.end, sample_rate), NOTE_OFF, channel, n.pitch))
    return sort_events(events)


def track_control_events(track: Track, channel: int, timeline: Timeline, sample_rate: int) -> list[SynthEvent]:
    """The track's controllers, bends, aftertouch and program changes at their frames, in its order."""
    frame_of = {}
    events = []
    for c in track.controls:
        frame = frame_of.get(c.tick)
        if frame is None:
            frame = frame_of[c.tick] = timeline.frame_at(c.tick, sample_rate)
        events.append(control_event(c, channel, frame, track.is_drum))
    return events


def control_event(control: Control, channel: int, frame: int, is_drum: bool = False) -> SynthEvent:
    if control.kind == PROGRAM_CHANGE:
        return SynthEvent(frame, PROGRAM, channel, control.value, int(is_drum))
    return SynthEvent(frame, _SYNTH_KIND[control.kind], channel, control.number, control.value)


def sort_events(events: list[SynthEvent]) -> list[SynthEvent]:
    """Playing order: by frame; at one frame programs and controllers first, then note-offs, then
    note-ons, then key pressure; events of one rank keep the order they were given in."""
    rank = RANK
    events.sort(key=lambda e: (e.frame, rank[e.kind]))
    return events


def send(synth: Synth, e: SynthEvent) -> None:
    """Play one event on the synthesizer."""
    kind = e.kind
    if kind == NOTE_ON:
        synth.note_on(e.channel, e.pitch, e.velocity)
    elif kind == NOTE_OFF:
        synth.note_off(e.channel, e.pitch)
    elif kind == CONTROL:
        synth.control_change(e.channel, e.pitch, e.velocity)
    elif kind == BEND:
        synth.pitch_bend(e.channel, e.velocity)
    elif kind == PROGRAM:
        synth.set_program(e.channel, e.pitch, bool(e.velocity))
    elif kind == PRESSURE:
        synth.channel_pressure(e.channel, e.velocity)
    else:
        synth.key_pressure(e.channel, e.pitch, e.velocity)


class StartPoint(NamedTuple):
    """Where a renderer starts: the first event to play and what to send before it."""

    frame: int
    index: int                        # the first event at or after ``frame``
    chase: tuple[SynthEvent, ...]     # the state the events before ``frame`` left, to send first


def start_point(events: Sequence[SynthEvent], frame: int) -> StartPoint:
    """Start at ``frame``: the last program, bend, channel pressure and value of each controller of
    each channel before it (RPN/NRPN sequences whole), in the order they were played, sent at
    ``frame``. Notes, key pressure and mode messages (all notes off ...) before it are not chased."""
    index = bisect_left(events, frame, key=attrgetter("frame"))
    last: dict[object, int] = {}
    for i in range(index):
        e = events[i]
        kind = e.kind
        if kind == NOTE_ON or kind == NOTE_OFF or kind == KEY_PRESSURE:
            continue
        if kind == CONTROL:
            if e.pitch >= FIRST_MODE_CONTROLLER:
                continue
            last[i if e.pitch in SEQUENCE_CONTROLLERS else (CONTROL, e.channel, e.pitch)] = i
        else:
            last[(kind, e.channel)] = i
    chase = tuple(events[i]._replace(frame=frame) for i in sorted(last.values()))
    return StartPoint(frame, index, chase)


class Renderer:
    """Plays a list of events through a synthesizer, block by block, sample-accurately.

    Started after the top (``start_frame`` > the first events), it first sends what the earlier
    events left set (see :func:`start_point`; pass ``start`` to reuse one computed beforehand).
    """

    def __init__(self, synth: Synth, events: Sequence[SynthEvent], start_frame: int = 0,
                 start: StartPoint | None = None):
        if start is None or start.frame != start_frame:
            start = start_point(events, start_frame)
        self.synth = synth
        self.events = events
        self.frame = start_frame
        self._next = start.index
        self._chase = start.chase

    @property
    def finished(self) -> bool:
        return self._next >= len(self.events)

    def _apply_due(self) -> None:
        events, synth = self.events, self.synth
        if self._chase:
            for e in self._chase:
                send(synth, e)
            self._chase = ()
        while self._next < len(events) and events[self._next].frame <= self.frame:
            send(synth, events[self._next])
            self._next += 1

    def render(self, out: np.ndarray) -> np.ndarray:
        """Fill ``out`` (frames x 2, float32) with the next frames."""
        pos, frames = 0, len(out)
        while pos < frames:
            self._apply_due()
            upto = frames - pos
            if self._next < len(self.events):
                upto = min(upto, self.events[self._next].frame - self.frame)
            self.synth.render(upto, out[pos:pos + upto])
            pos += upto
            self.frame += upto
        self._apply_due()
        return out
