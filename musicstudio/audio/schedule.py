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
from operator import itemgetter
from typing import NamedTuple, Sequence

import numpy as np

from musicstudio.audio.synth import Synth
from musicstudio.core.controls import CHANNEL_PRESSURE, CONTROLLER, PITCH_BEND, POLY_PRESSURE, Control
from musicstudio.core.controls import PROGRAM as PROGRAM_CHANGE
from musicstudio.core.song import Song
from musicstudio.core.ticks import PPQ
from musicstudio.core.track import Track
from musicstudio.io.midi_write import assign_channels
from musicstudio.io.timeline import Timeline

PROGRAM, NOTE_OFF, NOTE_ON, CONTROL, BEND, PRESSURE, KEY_PRESSURE = range(7)
# Order of events that fall on one frame: program changes and controllers (in the track's order), then
# note-offs, then note-ons, then polyphonic aftertouch (it presses a key that is sounding).
RANK = (0, 1, 2, 0, 0, 0, 3)
_SYNTH_KIND = {CONTROLLER: CONTROL, PITCH_BEND: BEND, CHANNEL_PRESSURE: PRESSURE, POLY_PRESSURE: KEY_PRESSURE,
               PROGRAM_CHANGE: PROGRAM}
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


def schedule(song: Song, sample_rate: int, tracks: Sequence[int] | None = None) -> Schedule:
    """Every event of the song (or of the given track indices) at its frame, in playing order.

    Built as columns with numpy: an edit during playback schedules the whole song again, and a
    song with 200,000 controller events must not hold the edit up (see benchmarks/bench_audio.py).
    """
    columns = []
    for index, (track, channel) in enumerate(zip(song.tracks, assign_channels(song.tracks))):
        if tracks is None or index in tracks:
            columns += _track_columns(track, channel)
    if not columns:
        return Schedule.of([])
    ticks, kinds, channels, pitches, values = (np.concatenate(c) for c in zip(*columns))
    frames = frames_at(Timeline(song.tempos), ticks, sample_rate)
    return Schedule.of([(frames, kinds, channels, pitches, values)])


def _column(items: Sequence[tuple], field: int) -> np.ndarray:
    return np.fromiter(map(itemgetter(field), items), np.int64, len(items))


def _track_columns(track: Track, channel: int) -> list[tuple[np.ndarray, ...]]:
    """The track's events as (ticks, kinds, channels, pitches, values) columns, in its order: its program,
    its controls, its note-ons, its note-offs."""
    drum = int(track.is_drum)
    parts = [(np.zeros(1, np.int64), np.array([PROGRAM]), np.array([track.program]), np.array([drum]))]
    controls = track.controls
    if controls:
        kinds = np.fromiter(map(_SYNTH_KIND.__getitem__, map(itemgetter(1), controls)), np.int64, len(controls))
        numbers, values = _column(controls, 2), _column(controls, 3)
        program = kinds == PROGRAM
        parts.append((_column(controls, 0), kinds, np.where(program, values, numbers), np.where(program, drum, values)))
    notes = track.notes
    if notes:
        pitches, starts, ends = _column(notes, 0), _column(notes, 1), _column(notes, 1) + _column(notes, 2)
        parts.append((starts, np.full(len(notes), NOTE_ON), pitches, _column(notes, 3)))
        parts.append((ends, np.full(len(notes), NOTE_OFF), pitches, np.zeros(len(notes), np.int64)))
    return [(ticks, kinds, np.full(len(ticks), channel), pitches, values) for ticks, kinds, pitches, values in parts]


def frames_at(timeline: Timeline, ticks: np.ndarray, sample_rate: int) -> np.ndarray:
    """``timeline.frame_at`` of many ticks at once, to the same frame."""
    tempos = timeline.tempos
    starts = np.array([t.tick for t in tempos], np.int64)
    seconds = np.array([timeline.seconds_at(t.tick) for t in tempos])
    us_per_beat = np.array([t.us_per_beat for t in tempos], np.int64)
    i = np.maximum(np.searchsorted(starts, ticks, side="right") - 1, 0)
    return np.rint((seconds[i] + (ticks - starts[i]) * us_per_beat[i] / (PPQ * 1e6)) * sample_rate).astype(np.int64)


class Schedule(Sequence[SynthEvent]):
    """Synth events in playing order, held as columns (``frames``, ``kinds``, ``channels``, ``pitches``,
    ``values``: lists of ints) and read as :class:`SynthEvent` values: half a million event tuples
    would take half a second to build."""

    def __init__(self, arrays: tuple[np.ndarray, ...]):
        self._arrays = arrays
        self.frames, self.kinds, self.channels, self.pitches, self.values = (a.tolist() for a in arrays)

    @classmethod
    def of(cls, columns: Sequence[tuple[np.ndarray, ...]]) -> Schedule:
        """The events of (frames, kinds, channels, pitches, values) columns, put in playing order: by
        frame; at one frame by :data:`RANK`; events of one rank in the order given."""
        if not columns:
            return cls(tuple(np.zeros(0, np.int64) for _ in range(5)))
        arrays = tuple(np.concatenate([np.asarray(c[i], np.int64) for c in columns]) for i in range(5))
        order = np.lexsort((np.asarray(RANK)[arrays[1]], arrays[0]))
        return cls(tuple(a[order] for a in arrays))

    @classmethod
    def from_events(cls, events: Sequence[SynthEvent]) -> Schedule:
        return cls.of([tuple(np.array([e[i] for e in events], np.int64) for i in range(5))])

    def merged(self, events: Sequence[SynthEvent]) -> Schedule:
        """These events and ``events`` together in playing order (these first where they tie)."""
        extra = tuple(np.array([e[i] for e in events], np.int64) for i in range(5))
        return Schedule.of([self._arrays, extra])

    def __len__(self) -> int:
        return len(self.frames)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return SynthEvent(self.frames[i], self.kinds[i], self.channels[i], self.pitches[i], self.values[i])

    def __iter__(self):
        return map(SynthEvent._make, zip(self.frames, self.kinds, self.channels, self.pitches, self.values))


def control_event(control: Control, channel: int, frame: int, is_drum: bool = False) -> SynthEvent:
    if control.kind == PROGRAM_CHANGE:
        return SynthEvent(frame, PROGRAM, channel, control.value, int(is_drum))
    return SynthEvent(frame, _SYNTH_KIND[control.kind], channel, control.number, control.value)


def send(synth: Synth, e: SynthEvent) -> None:
    """Play one event on the synthesizer."""
    play(synth, e.kind, e.channel, e.pitch, e.velocity)


def play(synth: Synth, kind: int, channel: int, pitch: int, value: int) -> None:
    if kind == NOTE_ON:
        synth.note_on(channel, pitch, value)
    elif kind == NOTE_OFF:
        synth.note_off(channel, pitch)
    elif kind == CONTROL:
        synth.control_change(channel, pitch, value)
    elif kind == BEND:
        synth.pitch_bend(channel, value)
    elif kind == PROGRAM:
        synth.set_program(channel, pitch, bool(value))
    elif kind == PRESSURE:
        synth.channel_pressure(channel, value)
    else:
        synth.key_pressure(channel, pitch, value)


class StartPoint(NamedTuple):
    """Where a renderer starts: the first event to play and what to send before it."""

    frame: int
    index: int                        # the first event at or after ``frame``
    chase: tuple[SynthEvent, ...]     # the state the events before ``frame`` left, to send first


def start_point(events: Schedule, frame: int) -> StartPoint:
    """Start at ``frame``: the last program, bend, channel pressure and value of each controller of
    each channel before it (RPN/NRPN sequences whole), in the order they were played, sent at
    ``frame``. Notes, key pressure and mode messages (all notes off ...) before it are not chased."""
    index = bisect_left(events.frames, frame)
    kinds, channels, numbers = (np.asarray(c[:index], np.int64) for c in (events.kinds, events.channels,
                                                                         events.pitches))
    control = kinds == CONTROL
    state = (kinds != NOTE_ON) & (kinds != NOTE_OFF) & (kinds != KEY_PRESSURE) & ~(
        control & (numbers >= FIRST_MODE_CONTROLLER))
    lane = kinds * 2048 + channels * 128 + np.where(control, numbers, 0)
    sequence = control & np.isin(numbers, list(SEQUENCE_CONTROLLERS))
    lane[sequence] = -1 - np.nonzero(sequence)[0]          # each its own lane: all of them are sent
    played = np.nonzero(state)[0]
    _, last_from_end = np.unique(lane[played][::-1], return_index=True)
    chased = np.sort(played[len(played) - 1 - last_from_end])
    return StartPoint(frame, index, tuple(events[int(i)]._replace(frame=frame) for i in chased))


class Renderer:
    """Plays a list of events through a synthesizer, block by block, sample-accurately.

    Started after the top (``start_frame`` > the first events), it first sends what the earlier
    events left set (see :func:`start_point`; pass ``start`` to reuse one computed beforehand).
    """

    def __init__(self, synth: Synth, events: Sequence[SynthEvent], start_frame: int = 0,
                 start: StartPoint | None = None):
        if not isinstance(events, Schedule):
            events = Schedule.from_events(events)
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
        synth, ev = self.synth, self.events
        if self._chase:
            for e in self._chase:
                send(synth, e)
            self._chase = ()
        frames, count, now, i = ev.frames, len(ev.frames), self.frame, self._next
        while i < count and frames[i] <= now:
            play(synth, ev.kinds[i], ev.channels[i], ev.pitches[i], ev.values[i])
            i += 1
        self._next = i

    def render(self, out: np.ndarray) -> np.ndarray:
        """Fill ``out`` (frames x 2, float32) with the next frames."""
        pos, frames = 0, len(out)
        while pos < frames:
            self._apply_due()
            upto = frames - pos
            if self._next < len(self.events):
                upto = min(upto, self.events.frames[self._next] - self.frame)
            self.synth.render(upto, out[pos:pos + upto])
            pos += upto
            self.frame += upto
        self._apply_due()
        return out
