"""WAV writing: 16- or 24-bit PCM from float samples, written atomically in blocks.

:func:`wav_stream` takes the samples block by block, so a render of any length is written in
constant memory; :func:`write_wav` writes an array through it. :func:`check_wav_room` refuses, before
anything is rendered, a file that a WAV cannot hold (4 GB) or that its disk has no room for.
"""

from __future__ import annotations

import shutil
import wave
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from musicstudio.io.atomic import atomic_file
from musicstudio.io.errors import WavExportError, describe_os_error

BLOCK_FRAMES = 1 << 16
HEADER_BYTES = 44                   # RIFF, fmt and data chunk headers, as the wave module writes them
MAX_DATA_BYTES = 0xFFFFFFFF - 36    # the RIFF size field (data + 36) is 32 bits: about 4.3 GB


def float_to_pcm(block: np.ndarray, bits: int) -> bytes:
    """Float samples in [-1, 1] (frames x channels) as little-endian PCM bytes."""
    if bits == 16:
        return (np.clip(block, -1.0, 1.0) * 32767.0).round().astype("<i2").tobytes()
    if bits == 24:
        ints = (np.clip(block, -1.0, 1.0) * 8388607.0).round().astype("<i4")
        return ints.view(np.uint8).reshape(-1, 4)[:, :3].tobytes()
    raise ValueError(f"WAV files are written with 16 or 24 bits, not {bits}")


def wav_bytes(frames: int, channels: int = 2, bits: int = 16) -> int:
    """The size of a WAV file of ``frames`` frames, header included."""
    return HEADER_BYTES + frames * channels * (bits // 8)


def check_wav_room(path: str | Path, frames: int, channels: int = 2, bits: int = 16,
                   sample_rate: int = 44100) -> None:
    """Refuse with :class:`WavExportError` a WAV file of up to ``frames`` frames that the format cannot
    hold or that the disk of ``path`` has no room for (the old file, if any, stays until the new one
    is complete, so the whole size must be free)."""
    path = Path(path)
    frame_bytes = channels * (bits // 8)
    if frames * frame_bytes > MAX_DATA_BYTES:
        def hours(frames: float) -> str:
            return f"{frames / sample_rate / 3600:.1f} hours"
        most_16, most_24 = (MAX_DATA_BYTES / (channels * width) for width in (2, 3))
        raise WavExportError(path, f"{hours(frames)} of {bits}-bit {_channels(channels)} would take "
                             f"{_size(frames * frame_bytes)}, more than a WAV file can hold ({_size(MAX_DATA_BYTES)}: "
                             f"at most {hours(most_16)} at 16 bits, {hours(most_24)} at 24 bits)")
    try:
        free = shutil.disk_usage(path.parent).free
    except OSError as e:
        raise WavExportError(path, f"it could not be written ({describe_os_error(e)})") from e
    needed = wav_bytes(frames, channels, bits)
    if needed > free:
        raise WavExportError(path, f"it needs {_size(needed)} of disk space and its disk has only {_size(free)} free")


@contextmanager
def wav_stream(path: str | Path, sample_rate: int = 44100, bits: int = 16,
               channels: int = 2) -> Iterator[Callable[[np.ndarray], None]]:
    """A function that appends float samples (frames x channels) to the WAV file ``path``.

    The file is written beside ``path`` and takes its place, complete, when the ``with`` block ends
    without error; on any error, or an exception in the block (a cancel), nothing is left behind.
    Errors of the disk become :class:`WavExportError` saying why (a full disk, no permission...).
    """
    if bits not in (16, 24):
        raise ValueError(f"WAV files are written with 16 or 24 bits, not {bits}")
    path = Path(path)
    try:
        with atomic_file(path) as f:
            with wave.open(f, "wb") as w:
                w.setnchannels(channels)
                w.setsampwidth(bits // 8)
                w.setframerate(sample_rate)
                yield lambda block: w.writeframesraw(float_to_pcm(block, bits))
    except OSError as e:
        raise WavExportError(path, f"it could not be written ({describe_os_error(e)})") from e


def write_wav(path: str | Path, samples: np.ndarray, sample_rate: int = 44100, bits: int = 16) -> None:
    """Write float samples (frames x channels, or mono frames) as a WAV file."""
    samples = samples.reshape(len(samples), -1)
    with wav_stream(path, sample_rate, bits, samples.shape[1]) as write:
        for start in range(0, len(samples), BLOCK_FRAMES):
            write(samples[start:start + BLOCK_FRAMES])


def read_wav(path: str | Path) -> tuple[np.ndarray, int]:
    """A WAV file as float samples (frames x channels) and its sample rate (for checks and tests)."""
    with wave.open(str(path), "rb") as w:
        width, channels, rate = w.getsampwidth(), w.getnchannels(), w.getframerate()
        raw = w.readframes(w.getnframes())
    if width == 2:
        data = np.frombuffer(raw, "<i2").astype(np.float32) / 32767.0
    elif width == 3:
        b = np.frombuffer(raw, np.uint8).reshape(-1, 3)
        ints = (b[:, 0].astype(np.int32) | (b[:, 1].astype(np.int32) << 8) | (b[:, 2].astype(np.int32) << 16))
        ints = np.where(ints >= 1 << 23, ints - (1 << 24), ints)
        data = ints.astype(np.float32) / 8388607.0
    else:
        raise ValueError(f"{width * 8}-bit WAV files are not read here")
    return data.reshape(-1, channels), rate


def _channels(n: int) -> str:
    return {1: "mono", 2: "stereo"}.get(n, f"{n}-channel audio")


def _size(n: int) -> str:
    return f"{n / 1e9:.1f} GB" if n >= 1e8 else f"{n / 1e6:.1f} MB"
