"""WAV writing: 16- or 24-bit PCM from float samples, written atomically in blocks."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from musicstudio.io.atomic import atomic_file
from musicstudio.io.errors import WavExportError, describe_os_error

BLOCK_FRAMES = 1 << 16


def float_to_pcm(block: np.ndarray, bits: int) -> bytes:
    """Float samples in [-1, 1] (frames x channels) as little-endian PCM bytes."""
    if bits == 16:
        return (np.clip(block, -1.0, 1.0) * 32767.0).round().astype("<i2").tobytes()
    if bits == 24:
        ints = (np.clip(block, -1.0, 1.0) * 8388607.0).round().astype("<i4")
        return ints.view(np.uint8).reshape(-1, 4)[:, :3].tobytes()
    raise ValueError(f"WAV files are written with 16 or 24 bits, not {bits}")


def write_wav(path: str | Path, samples: np.ndarray, sample_rate: int = 44100, bits: int = 16) -> None:
    """Write float samples (frames x channels, or mono frames) as a WAV file."""
    if bits not in (16, 24):
        raise ValueError(f"WAV files are written with 16 or 24 bits, not {bits}")
    samples = samples.reshape(len(samples), -1)
    path = Path(path)
    try:
        with atomic_file(path) as f:
            with wave.open(f, "wb") as w:
                w.setnchannels(samples.shape[1])
                w.setsampwidth(bits // 8)
                w.setframerate(sample_rate)
                for start in range(0, len(samples), BLOCK_FRAMES):
                    w.writeframesraw(float_to_pcm(samples[start:start + BLOCK_FRAMES], bits))
    except OSError as e:
        raise WavExportError(path, f"it could not be written ({describe_os_error(e)})") from e


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
