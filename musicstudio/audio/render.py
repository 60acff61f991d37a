"""Offline render of a song to float samples and to a WAV file, with progress and cancel.

:func:`export_wav` streams: each block goes to the WAV file as soon as it is rendered, so memory
stays the same whatever the song's length (a 10-hour song once needed a 12.7 GB scratch array).
The one thing known only at the end is the peak: a render that never goes over -0.1 dBFS is
written as it comes, in one pass. One that does is rendered again, scaled down to the ceiling:
FluidSynth renders offline deterministically (the same song gives the same samples, whatever
its thread count), so the second pass gives exactly the samples an in-memory render would scale.
Rendering again costs one more pass (about 90 s for a 3-hour song here); keeping the first pass
instead would cost a float scratch file of 8 bytes a frame (3.8 GB for 3 hours, in a temp folder
that is RAM on systems with a tmpfs /tmp).
"""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from musicstudio.audio.errors import RenderCancelled, RenderTooLong
from musicstudio.audio.panned_render import song_renderer
from musicstudio.audio.soundfont import find_soundfont
from musicstudio.core.song import Song
from musicstudio.io.timeline import Timeline
from musicstudio.io.wav import check_wav_room, wav_stream

SAMPLE_RATE = 44100
CHANNELS = 2
BLOCK = 4096
MAX_TAIL_SECONDS = 2.0
SILENCE = 10 ** (-80 / 20)          # a block quieter than -80 dBFS ends the release tail
PEAK_CEILING = 10 ** (-0.1 / 20)    # -0.1 dBFS
MAX_MINUTES = 60

Progress = Callable[[float], None]
Cancelled = Callable[[], bool]


def song_seconds(song: Song) -> float:
    return Timeline(song.tempos).seconds_at(song.end_tick)


def most_frames(song: Song, sample_rate: int = SAMPLE_RATE, force: bool = False) -> int:
    """The length of the song's render at most (its notes and the longest release tail), in frames.
    Renders over 60 minutes are refused with :class:`RenderTooLong` unless ``force``."""
    seconds = song_seconds(song)
    if seconds > MAX_MINUTES * 60 and not force:
        raise RenderTooLong(f"the song lasts {seconds / 60:.0f} minutes; renders over {MAX_MINUTES} minutes "
                            "are refused unless forced")
    return round(seconds * sample_rate) + round(MAX_TAIL_SECONDS * sample_rate)


def render_blocks(song: Song, soundfont: Path, sample_rate: int = SAMPLE_RATE, progress: Progress | None = None,
                  cancelled: Cancelled | None = None) -> Iterator[np.ndarray]:
    """The song's samples as they are rendered, unscaled: float32 blocks (frames x 2) of at most
    :data:`BLOCK` frames, the notes then the release tail (at most 2 s, cut when it falls silent).

    Each block is valid until the next one is asked for (one buffer is reused); scaling it in
    place is fine. ``progress`` gets the done fraction; ``cancelled`` is polled every block and
    stops the render with :class:`RenderCancelled`. Use it in ``closing()`` to free the synth early.
    """
    song_frames = round(song_seconds(song) * sample_rate)
    total = song_frames + round(MAX_TAIL_SECONDS * sample_rate)
    buffer = np.empty((BLOCK, CHANNELS), dtype=np.float32)
    with song_renderer(song, soundfont, sample_rate) as renderer:   # mute, solo and pan as heard
        pos = 0
        while pos < total:
            if cancelled is not None and cancelled():
                raise RenderCancelled()
            n = min(BLOCK, total - pos)
            block = renderer.render(buffer[:n])
            pos += n
            if progress is not None:
                progress(min(1.0, pos / song_frames) if song_frames else 1.0)
            level = peak_of(block)
            yield block
            if pos >= song_frames and renderer.finished and level < SILENCE:
                return


def peak_of(samples: np.ndarray) -> float:
    return float(np.abs(samples).max(initial=0.0))


def render_song(song: Song, soundfont: str | Path | None = None, sample_rate: int = SAMPLE_RATE,
                progress: Progress | None = None, cancelled: Cancelled | None = None,
                force: bool = False) -> np.ndarray:
    """The song in memory as stereo float32 samples (frames x 2): the notes, then the release tail
    (at most 2 s, cut when it falls silent), scaled down if needed so that no peak exceeds -0.1 dBFS.

    For auditions and measurements of short songs: the whole render is one array (8 bytes a
    frame, 1.3 GB for an hour). :func:`export_wav` streams to a file instead. Renders over 60
    minutes are refused unless ``force``; ``progress`` and ``cancelled`` as in :func:`render_blocks`.
    """
    frames = most_frames(song, sample_rate, force)
    sf = find_soundfont(soundfont)
    out = np.empty((frames, CHANNELS), dtype=np.float32)
    pos, peak = 0, 0.0
    with closing(render_blocks(song, sf, sample_rate, progress, cancelled)) as blocks:
        for block in blocks:
            out[pos:pos + len(block)] = block
            pos += len(block)
            peak = max(peak, peak_of(block))
    out = out[:pos]
    if peak > PEAK_CEILING:
        out *= PEAK_CEILING / peak
    return out


def export_wav(song: Song, path: str | Path, bits: int = 16, soundfont: str | Path | None = None,
               progress: Progress | None = None, cancelled: Cancelled | None = None, force: bool = False) -> float:
    """Render the song into a WAV file (44.1 kHz stereo), block by block; returns its length in seconds.

    The samples are those of :func:`render_song`, in constant memory. Before anything is rendered, a
    file too big for a WAV (4 GB) or for the free space of its disk is refused with
    :class:`~musicstudio.io.errors.WavExportError`. A cancel or an error leaves no file behind.
    """
    path = Path(path)
    check_wav_room(path, most_frames(song, SAMPLE_RATE, force), CHANNELS, bits, SAMPLE_RATE)
    sf = find_soundfont(soundfont)
    meter = _PassProgress(progress)
    with closing(render_blocks(song, sf, SAMPLE_RATE, meter, cancelled)) as blocks:
        frames, peak = _write_while_under_ceiling(path, blocks, bits)
        if frames is not None:
            return frames / SAMPLE_RATE
        meter.over_ceiling()
        for block in blocks:  # the rest of the first pass, for its peak only
            peak = max(peak, peak_of(block))
    meter.second_pass()
    scale = PEAK_CEILING / peak
    frames = 0
    with closing(render_blocks(song, sf, SAMPLE_RATE, meter, cancelled)) as blocks, \
            wav_stream(path, SAMPLE_RATE, bits, CHANNELS) as write:
        for block in blocks:
            block *= scale
            write(block)
            frames += len(block)
    return frames / SAMPLE_RATE


class _OverCeiling(Exception):
    """The render went over the peak ceiling: what was written must go."""


def _write_while_under_ceiling(path: Path, blocks: Iterator[np.ndarray], bits: int) -> tuple[int | None, float]:
    """Write ``blocks`` to ``path`` as they come. Returns the frames written and the peak; or, as soon
    as a block goes over the ceiling, None and the peak so far, with nothing left on disk."""
    frames, peak = 0, 0.0
    try:
        with wav_stream(path, SAMPLE_RATE, bits, CHANNELS) as write:
            for block in blocks:
                peak = max(peak, peak_of(block))
                if peak > PEAK_CEILING:
                    raise _OverCeiling()
                write(block)
                frames += len(block)
    except _OverCeiling:
        return None, peak
    return frames, peak


class _PassProgress:
    """The done fraction of one render pass, or of two once the first turns out too loud.

    Never goes back: the second pass and the rest of the first share what was left when the
    first went over the ceiling.
    """

    def __init__(self, report: Progress | None):
        self.report = report
        self.passes, self.done_passes = 1, 0
        self.anchor = self.last = 0.0

    def __call__(self, fraction: float) -> None:
        work = self.done_passes + fraction
        if self.passes == 2:
            value = self.anchor + (work - self.anchor) * (1.0 - self.anchor) / (2.0 - self.anchor)
        else:
            value = work
        self.last = min(1.0, max(self.last, value))
        if self.report is not None:
            self.report(self.last)

    def second_pass(self) -> None:
        """Called when the first pass ends: the second one starts."""
        self.done_passes = 1

    def over_ceiling(self) -> None:
        """Called when the first pass goes over the ceiling: a second one will follow."""
        if self.passes == 1:
            self.passes, self.anchor = 2, self.last
