"""The song's render with each track's pan applied to its own output pair (see :mod:`~musicstudio.audio.pan_law`).

One FluidSynth instance renders every channel, but channel c sounds on output c % N, each output with its
own reverb and chorus (FluidSynth's audio and effects groups, 2.2 or newer): the multi-output instrument of
a DAW, one SoundFont in memory and the voices played once. CC10 never reaches the synthesizer (every voice
stays at its sample's own pan); each output's pair is panned by its lane and the pairs are summed. N is as
small as the channels' pans allow (:func:`~musicstudio.audio.pan_law.output_count`), and an output that no
channel uses runs no effects: each output with effects costs about 3.5 ms of CPU a second of song here
(2 cores shared with other work), against about 20 ms for the whole one-output render.

A song whose tracks all stay at centre is rendered as before, through one output with CC10 passed on.
Reverb and chorus are linear, so N outputs at centre sum to the one-output render (tests/audio).
"""

from __future__ import annotations

import ctypes
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np

from musicstudio.audio.errors import SynthUnavailable
from musicstudio.audio.pan_law import PanLane, add_panned, output_count
from musicstudio.audio.schedule import CONTROL, Renderer, Schedule, audible_tracks, schedule
from musicstudio.audio.synth import Synth, _load_fluidsynth
from musicstudio.core.controls import PAN
from musicstudio.core.song import Song

_EFFECTS = 2          # FluidSynth's effects channels in each group: reverb, then chorus
_PARTS = 1 + _EFFECTS  # what an output's pair is summed from: dry, reverb, chorus
_api = None


def _fluid_api():
    """fluid_synth_process and the per-group effects switches (FluidSynth 2.2 or newer)."""
    global _api
    if _api is None:
        fluidsynth = _load_fluidsynth()
        synth, count = ("synth", ctypes.c_void_p, 1), ("n", ctypes.c_int, 1)
        _api = (fluidsynth.cfunc("fluid_synth_process", ctypes.c_int, synth, ("len", ctypes.c_int, 1),
                                 ("nfx", ctypes.c_int, 1), ("fx", ctypes.c_void_p, 1), count,
                                 ("out", ctypes.c_void_p, 1)),
                fluidsynth.cfunc("fluid_synth_count_effects_groups", ctypes.c_int, synth),
                fluidsynth.cfunc("fluid_synth_reverb_on", ctypes.c_int, synth, ("group", ctypes.c_int, 1), count),
                fluidsynth.cfunc("fluid_synth_chorus_on", ctypes.c_int, synth, ("group", ctypes.c_int, 1), count))
    return _api


class Outputs:
    """Frames ``[start, start + length)`` of a buffer of every output's parts, planar float32
    (outputs x parts x 2 x frames): what :class:`OutputSynth` renders into. Sliced as a frames x 2 block is,
    so that :class:`~musicstudio.audio.schedule.Renderer` splits it at event frames."""

    def __init__(self, buffer: np.ndarray, start: int = 0, length: int | None = None):
        self.buffer, self.start = buffer, start
        self.length = buffer.shape[-1] - start if length is None else length

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, part: slice) -> Outputs:
        start, stop, _ = part.indices(self.length)
        return Outputs(self.buffer, self.start + start, max(0, stop - start))


class OutputSynth(Synth):
    """A synthesizer whose channel c sounds on output c % ``outputs``, each with its own reverb and chorus;
    the outputs no channel in ``used`` reaches run no effects. Single-threaded: FluidSynth runs the effects
    groups in OpenMP threads that spin at every 64-frame block, many times slower on a busy machine."""

    def __init__(self, soundfont: Path, sample_rate: int, outputs: int, used: set[int]):
        groups = {"synth.audio-groups": outputs, "synth.audio-channels": outputs, "synth.effects-groups": outputs}
        super().__init__(soundfont, sample_rate, threads=1, settings=groups)
        process, count_groups, reverb_on, chorus_on = _fluid_api()
        if process is None or count_groups is None or count_groups(self._fs.synth) != outputs:
            self.close()
            raise SynthUnavailable("panning tracks in a WAV export needs FluidSynth 2.2 or newer (effects groups)")
        for group in set(range(outputs)) - used:
            reverb_on(self._fs.synth, group, 0)
            chorus_on(self._fs.synth, group, 0)
        self.outputs = outputs
        self._process = process
        self._addresses: tuple[tuple[int, int], np.ndarray, np.ndarray] | None = None

    def _pointers(self, buffer: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The addresses of the dry pairs (output i: left, right) and of the effects pairs (output k:
        reverb left, right, chorus left, right) at frame 0 of ``buffer``, kept while the buffer is."""
        key = (buffer.ctypes.data, buffer.shape[-1])
        if self._addresses is None or self._addresses[0] != key:
            rows = buffer.ctypes.data + np.arange(self.outputs * _PARTS * 2, dtype=np.uint64).reshape(
                self.outputs, _PARTS, 2) * np.uint64(buffer.strides[2])
            self._addresses = (key, rows[:, 0].ravel(), rows[:, 1:].ravel())
        return self._addresses[1], self._addresses[2]

    def render(self, frames: int, out: Outputs) -> Outputs:
        """Add the next ``frames`` frames of every output into ``out`` (zeroed by the caller)."""
        if frames:
            dry, effects = self._pointers(out.buffer)
            offset = np.uint64(out.start * out.buffer.itemsize)
            dry, effects = dry + offset, effects + offset
            self._process(self._fs.synth, frames, len(effects), effects.ctypes.data, len(dry), dry.ctypes.data)
        return out


class PannedRenderer:
    """Plays the song's events (CC10 left out) through an :class:`OutputSynth` and mixes its outputs, each
    panned by its lane, into stereo blocks: a :class:`~musicstudio.audio.schedule.Renderer` for the caller."""

    def __init__(self, synth: OutputSynth, events: Schedule, lanes: list[PanLane]):
        self.lanes = lanes
        self.frame = 0
        self._renderer = Renderer(synth, events)
        self._buffer = np.zeros((synth.outputs, _PARTS, 2, 0), np.float32)

    @property
    def finished(self) -> bool:
        return self._renderer.finished

    def render(self, out: np.ndarray) -> np.ndarray:
        """Fill ``out`` (frames x 2, float32) with the next frames."""
        frames = len(out)
        if self._buffer.shape[-1] < frames:
            self._buffer = np.zeros(self._buffer.shape[:-1] + (frames,), np.float32)
        parts = self._buffer[..., :frames]
        parts[...] = 0.0
        self._renderer.render(Outputs(self._buffer, 0, frames))
        left, right = out[:, 0], out[:, 1]
        left[:], right[:] = 0.0, 0.0
        for lane, (dry, *effects) in zip(self.lanes, parts):
            if lane.centred:
                left += dry[0] + effects[0][0] + effects[1][0]
                right += dry[1] + effects[0][1] + effects[1][1]
            else:
                add_panned(left, right, dry, effects[0] + effects[1], lane.positions(self.frame, frames))
        self.frame += frames
        return out


def channel_lanes(events: Schedule) -> dict[int, PanLane]:
    """Each channel's pan lane, from its CC10 events."""
    channels = np.asarray(events.channels, np.int64)
    pan = (np.asarray(events.kinds) == CONTROL) & (np.asarray(events.pitches) == PAN)
    frames, values = np.asarray(events.frames, np.int64), np.asarray(events.values, np.int64)
    return {int(c): PanLane(list(zip(frames[pan & (channels == c)].tolist(), values[pan & (channels == c)].tolist())))
            for c in np.unique(channels)}


def without_pan(events: Schedule) -> Schedule:
    """The events less CC10: the synthesizer keeps every channel at centre."""
    columns = [np.asarray(c, np.int64) for c in (events.frames, events.kinds, events.channels, events.pitches,
                                                  events.values)]
    keep = ~((columns[1] == CONTROL) & (columns[3] == PAN))
    return Schedule.of([tuple(c[keep] for c in columns)])


@contextmanager
def song_renderer(song: Song, soundfont: Path, sample_rate: int) -> Iterator[Renderer | PannedRenderer]:
    """A renderer of the song's audible tracks (mute and solo as heard), its synthesizer closed on exit:
    through one output when every track stays at centre, else through one output per pan lane."""
    events = schedule(song, sample_rate, audible_tracks(song))
    lanes = channel_lanes(events)
    if all(lane.centred for lane in lanes.values()):
        with Synth(soundfont, sample_rate) as synth:
            yield Renderer(synth, events)
        return
    outputs = output_count(lanes)
    per_output = [PanLane()] * outputs
    for channel, lane in lanes.items():
        per_output[channel % outputs] = lane
    with OutputSynth(soundfont, sample_rate, outputs, {c % outputs for c in lanes}) as synth:
        yield PannedRenderer(synth, without_pan(events), per_output)
