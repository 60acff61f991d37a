"""Reading a recording from a WAV or FLAC file, for turning it into notes.

WAV files of 16 or 24 bits are read with the standard library (:func:`musicstudio.io.wav.read_wav`);
other WAV kinds (32-bit float, 8-bit) and FLAC need the soundfile package, used when installed.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from musicstudio.audio.errors import AudioError
from musicstudio.io.errors import describe_os_error
from musicstudio.io.wav import read_wav

SUFFIXES = (".wav", ".flac")


class AudioFileError(AudioError):
    """A recording could not be read; ``str(error)`` names the file and says why."""

    def __init__(self, path: str | Path, reason: str):
        super().__init__(f"{Path(path).name}: {reason}")


def _soundfile():
    try:
        import soundfile
    except (ImportError, OSError):
        return None
    return soundfile


def read_audio(path: str | Path) -> tuple[np.ndarray, int]:
    """The samples (float32, frames x channels) and sample rate of a .wav or .flac file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        kind = path.suffix or "(no suffix)"
        raise AudioFileError(path, f"'{kind}' files are not read here: use a .wav or .flac file")
    if not path.is_file():
        raise AudioFileError(path, "there is no such file" if not path.exists() else "it is a folder, not a file")
    soundfile = _soundfile()
    if suffix == ".wav":
        try:
            return read_wav(path)
        except (wave.Error, ValueError, EOFError) as e:
            if soundfile is None:
                raise AudioFileError(path, f"it is not a 16- or 24-bit PCM WAV file ({e}); other kinds need the "
                                     "soundfile package (pip install soundfile)") from e
        except OSError as e:
            raise AudioFileError(path, f"it could not be read ({describe_os_error(e)})") from e
    elif soundfile is None:
        raise AudioFileError(path, "reading FLAC files needs the soundfile package (pip install soundfile)")
    try:
        samples, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except RuntimeError as e:     # soundfile's LibsndfileError is a RuntimeError
        raise AudioFileError(path, f"it is not a sound file that can be read ({e})") from e
    except OSError as e:
        raise AudioFileError(path, f"it could not be read ({describe_os_error(e)})") from e
    return samples, int(rate)
