"""Offline render of a song to float samples and to a WAV file, with progress and cancel."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Callable

import numpy as np

from musicstudio.audio.errors import RenderCancelled, RenderTooLong
from musicstudio.audio.schedule import Renderer, schedule
from musicstudio.audio.soundfont import find_soundfont
from musicstudio.audio.synth import Synth
from musicstudio.core.song import Song
from musicstudio.io.timeline import Timeline
from musicstudio.io.wav import write_wav

SAMPLE_RATE = 44100
BLOCK = 4096
MAX_TAIL_SECONDS = 2.0
SILENCE = 10 ** (-80 / 20)          # a block quieter than -80 dBFS ends the release tail
PEAK_CEILING = 10 ** (-0.1 / 20)    # -0.1 dBFS
MAX_MINUTES = 60
IN_MEMORY_BYTES = 256 * 2**20       # longer renders go through a scratch file on disk


def song_seconds(song: Song) -> float:
    return Timeline(song.tempos).seconds_at(song.end_tick)


def render_song(song: Song, soundfont: str | Path | None = None, sample_rate: int = SAMPLE_RATE,
                progress: Callable[[float], None] | None = None,
                cancelled: Callable[[], bool] | None = None, force: bool = False) -> np.ndarray:
    """The song as stereo float32 samples (frames x 2): the notes, then the release tail (at most
    2 s, cut when it falls silent), scaled down if needed so that no peak exceeds -0.1 dBFS.

    Renders over 60 minutes are refused unless ``force``. ``progress`` gets the done fraction;
    ``cancelled`` is polled every block and stops the render with :class:`RenderCancelled`.
    """
    seconds = song_seconds(song)
    if seconds > MAX_MINUTES * 60 and not force:
        raise RenderTooLong(f"the song lasts {seconds / 60:.0f} minutes; renders over {MAX_MINUTES} minutes "
                            "are refused unless forced")
    song_frames = round(seconds * sample_rate)
    total = song_frames + round(MAX_TAIL_SECONDS * sample_rate)
    sf = find_soundfont(soundfont)
    out = _buffer(total)
    with Synth(sf, sample_rate) as synth:
        renderer = Renderer(synth, schedule(song, sample_rate))
        pos = 0
        while pos < total:
            if cancelled is not None and cancelled():
                raise RenderCancelled()
            n = min(BLOCK, total - pos)
            block = renderer.render(out[pos:pos + n])
            pos += n
            if progress is not None:
                progress(min(1.0, pos / song_frames) if song_frames else 1.0)
            if pos >= song_frames and renderer.finished and float(np.abs(block).max(initial=0.0)) < SILENCE:
                break
    out = out[:pos]
    peak = float(np.abs(out).max(initial=0.0))
    if peak > PEAK_CEILING:
        out *= PEAK_CEILING / peak
    return out


def export_wav(song: Song, path: str | Path, bits: int = 16, soundfont: str | Path | None = None,
               progress: Callable[[float], None] | None = None,
               cancelled: Callable[[], bool] | None = None, force: bool = False) -> float:
    """Render the song into a WAV file (44.1 kHz stereo); returns its length in seconds."""
    samples = render_song(song, soundfont, SAMPLE_RATE, progress, cancelled, force)
    write_wav(path, samples, SAMPLE_RATE, bits)
    return len(samples) / SAMPLE_RATE


def _buffer(frames: int) -> np.ndarray:
    if frames * 2 * 4 <= IN_MEMORY_BYTES:
        return np.zeros((frames, 2), dtype=np.float32)
    scratch = tempfile.TemporaryFile(prefix="musicstudio-render-")
    return np.memmap(scratch, dtype=np.float32, mode="w+", shape=(frames, 2))
