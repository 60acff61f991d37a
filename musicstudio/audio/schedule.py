"""A song as synthesizer events at exact sample frames, and a renderer that plays them.

The renderer splits every block at event frames, so each note starts on its own sample whatever the
block size: the live output callback and the offline WAV render run this same code.
"""

from __future__ import annotations

from typing import NamedTuple, Sequence

import numpy as np

from musicstudio.audio.synth import Synth
from musicstudio.core.song import Song
from musicstudio.io.midi_write import assign_channels
from musicstudio.io.timeline import Timeline

PROGRAM, NOTE_OFF, NOTE_ON = 0, 1, 2  # order of events that fall on one frame


class SynthEvent(NamedTuple):
    frame: int
    kind: int
    channel: int
    pitch: int = 0      # or the program, for PROGRAM
    velocity: int = 0   # or 1 for a drum kit, for PROGRAM


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
        for n in track.notes:
            events.append(SynthEvent(timeline.frame_at(n.start, sample_rate), NOTE_ON, channel, n.pitch, n.velocity))
            events.append(SynthEvent(timeline.frame_at(n.end, sample_rate), NOTE_OFF, channel, n.pitch))
    return sort_events(events)


def sort_events(events: list[SynthEvent]) -> list[SynthEvent]:
    """Playing order: by frame; at one frame programs first, then note-offs, then note-ons."""
    events.sort(key=lambda e: (e.frame, e.kind))
    return events


class Renderer:
    """Plays a list of events through a synthesizer, block by block, sample-accurately."""

    def __init__(self, synth: Synth, events: Sequence[SynthEvent], start_frame: int = 0):
        self.synth = synth
        self.events = events
        self.frame = start_frame
        self._next = 0
        while self._next < len(events) and events[self._next].frame < start_frame:
            self._next += 1

    @property
    def finished(self) -> bool:
        return self._next >= len(self.events)

    def _apply_due(self) -> None:
        events, synth = self.events, self.synth
        while self._next < len(events) and events[self._next].frame <= self.frame:
            e = events[self._next]
            if e.kind == NOTE_ON:
                synth.note_on(e.channel, e.pitch, e.velocity)
            elif e.kind == NOTE_OFF:
                synth.note_off(e.channel, e.pitch)
            else:
                synth.set_program(e.channel, e.pitch, bool(e.velocity))
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
