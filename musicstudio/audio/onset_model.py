"""A small learned detector of note onsets and sounding pitches, in the spirit of Hawthorne et al.,
"Onsets and Frames: Dual-Objective Piano Transcription" (2018), kept tiny and monophonic.

Input: the pitch track's semitone spectrum (:attr:`PitchTrack.spectrum`, 10 ms frames, one band per
MIDI pitch), in dB below the recording's loudest bands, beside each band's rise since the frame
before. Four 1-D convolutions over time with the bands as channels, dilated 1, 2, 4 and 8 frames
(+/-150 ms of context, after the dilated stacks of van den Oord et al., "WaveNet: A generative model
for raw audio", 2016), then two heads: per frame a score for each pitch and for silence (the note
sounding now), and the chance that a note starts at this frame (also a note played again on the
same pitch). NumPy only at inference; the weights are trained with torch by
:mod:`musicstudio.generators.transcriber_train`.

The weights ship in ``models/transcriber/`` as ``transcriber.json`` (sizes, decoding thresholds)
and ``transcriber.safetensors``; :func:`load_transcriber` proves both before use (sizes bounded,
shapes as the config says, every value finite) and names the file at fault, and
:func:`shipped_transcriber` falls back to the heuristic detector with that message.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from musicstudio.audio.errors import AudioError

CONFIG_FILE, WEIGHTS_FILE = "transcriber.json", "transcriber.safetensors"
FORMAT, FORMAT_VERSION = "musicstudio-transcriber", 1
MAX_CONFIG_BYTES, MAX_WEIGHTS_BYTES = 2**16, 2**24
DB_SCALE = 20.0                              # dB per unit of input
DB_FLOOR = -80.0                             # dB below the loudest bands the input stops at


class TranscriberModelError(AudioError):
    """The transcriber's model folder cannot be used; the message names the file and the reason."""

    def __init__(self, path: str | Path, reason: str):
        super().__init__(f"{path}: {reason}")


@dataclass(frozen=True)
class NetConfig:
    """The network's sizes: channels and kernel (frames) of every convolution, their time dilations,
    and the pitch bands (the spectrum's)."""

    channels: int = 64
    kernels: tuple[int, ...] = (3, 3, 3, 3)
    dilations: tuple[int, ...] = (1, 2, 4, 8)
    bands: int = 88

    def shapes(self) -> dict[str, tuple[int, ...]]:
        """Every tensor's name and shape (torch's layout: out, in, kernel)."""
        out, cin = {}, 2 * self.bands
        for i, k in enumerate(self.kernels):
            out[f"convs.{i}.weight"], out[f"convs.{i}.bias"] = (self.channels, cin, k), (self.channels,)
            cin = self.channels
        out["frame.weight"], out["frame.bias"] = (self.bands + 1, self.channels), (self.bands + 1,)
        out["onset.weight"], out["onset.bias"] = (1, self.channels), (1,)
        return out


def model_input(spectrum: np.ndarray) -> np.ndarray:
    """(frames x 2 bands) float32: the spectrum in units of :data:`DB_SCALE` dB below its loudest
    bands (the 99.9th percentile, so one click does not set it), floored at :data:`DB_FLOOR`, and
    each band's rise since the frame before."""
    spectrum = np.asarray(spectrum, np.float32)
    top = float(np.percentile(spectrum, 99.9)) if spectrum.size else 0.0
    x = np.maximum(spectrum - top, DB_FLOOR) / DB_SCALE
    rise = np.zeros_like(x)
    rise[1:] = np.maximum(x[1:] - x[:-1], 0.0)
    return np.concatenate([x, rise], axis=1)


def conv(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, dilation: int = 1) -> np.ndarray:
    """A 1-D convolution over time of ``x`` (frames x in) with torch's ``weight`` (out x in x kernel),
    zero-padded to keep the length, dilated ``dilation`` frames."""
    _, _, k = weight.shape
    pad = dilation * (k // 2)
    padded = np.pad(x, ((pad, pad), (0, 0)))
    out = x.shape[0]
    return sum(padded[i * dilation:i * dilation + out] @ weight[:, :, i].T for i in range(k)) + bias


class OnsetFrameModel:
    """The trained detector: :meth:`predict` gives per frame the pitches' and silence's probabilities
    and the chance of an onset; ``decoding`` holds the thresholds chosen on validation renders."""

    def __init__(self, config: NetConfig, weights: dict[str, np.ndarray], decoding: dict | None = None,
                 name: str = "transcriber"):
        self.config, self.weights, self.name = config, weights, name
        self.decoding = dict(decoding or {})

    def logits(self, spectrum: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Frame logits (frames x bands+1: the pitches, then silence) and onset logits (frames)."""
        w, x = self.weights, model_input(spectrum)
        for i, d in enumerate(self.config.dilations):
            x = np.maximum(conv(x, w[f"convs.{i}.weight"], w[f"convs.{i}.bias"], d), 0.0)
        return x @ w["frame.weight"].T + w["frame.bias"], (x @ w["onset.weight"].T + w["onset.bias"])[:, 0]

    def predict(self, spectrum: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(frames x bands+1) probabilities of each pitch and, last, of silence; (frames) onset chance."""
        scores, onset = self.logits(spectrum)
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        return scores / scores.sum(axis=1, keepdims=True), 0.5 * (1.0 + np.tanh(0.5 * onset))


def _small_file(path: Path, limit: int, what: str) -> bytes:
    """The bytes of a file of the model folder, refused (naming it) when missing, unreadable or over
    ``limit`` bytes (``what`` says what size it should be)."""
    try:
        size = path.stat().st_size
        data = path.read_bytes() if size <= limit else None
    except FileNotFoundError:
        raise TranscriberModelError(path, "it is missing") from None
    except OSError as e:
        raise TranscriberModelError(path, f"it cannot be read ({e.strerror or e})") from None
    if data is None:
        raise TranscriberModelError(path, f"it is {size:,} bytes; {what}")
    return data


def _read_config(path: Path) -> dict:
    data = _small_file(path, MAX_CONFIG_BYTES, "the config is a few kB")
    try:
        config = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        raise TranscriberModelError(path, f"it is damaged (not JSON text: {e})") from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise TranscriberModelError(path, "it is not a Music Studio transcriber config")
    if not isinstance(config.get("version"), int) or config["version"] > FORMAT_VERSION:
        raise TranscriberModelError(path, f"it was written by a newer Music Studio (format {config.get('version')})")
    return config


def _net_config(config: dict, path: Path) -> NetConfig:
    try:
        net = config["network"]
        out = NetConfig(int(net["channels"]), tuple(int(k) for k in net["kernels"]),
                        tuple(int(d) for d in net["dilations"]), int(net["bands"]))
    except (KeyError, TypeError, ValueError) as e:
        raise TranscriberModelError(path, f"its 'network' entry is missing or malformed ({e!r})") from None
    sane = (1 <= out.channels <= 512 and out.bands == 88 and 1 <= len(out.kernels) == len(out.dilations) <= 12
            and all(1 <= k <= 9 and k % 2 for k in out.kernels) and all(1 <= d <= 64 for d in out.dilations))
    if not sane:
        raise TranscriberModelError(path, "its network sizes are outside what this transcriber runs")
    return out


def _read_weights(path: Path, config: NetConfig) -> dict[str, np.ndarray]:
    from safetensors import SafetensorError
    from safetensors.numpy import load

    data = _small_file(path, MAX_WEIGHTS_BYTES, "the weights are a few hundred kB")
    try:
        weights = load(data)
    except (SafetensorError, ValueError, RuntimeError) as e:
        raise TranscriberModelError(path, f"the weights are damaged or truncated ({e})") from None
    expected = config.shapes()
    if set(weights) != set(expected):
        missing, extra = sorted(set(expected) - set(weights)), sorted(set(weights) - set(expected))
        raise TranscriberModelError(path, f"the weights do not fit the config (missing {missing[:3]}, "
                                          f"unexpected {extra[:3]})")
    for name, shape in expected.items():
        if weights[name].shape != shape:
            raise TranscriberModelError(path, f"tensor {name} has shape {weights[name].shape}, the config "
                                              f"says {shape}")
        if not np.all(np.isfinite(weights[name])):
            raise TranscriberModelError(path, f"tensor {name} holds NaN or infinite values: the file was "
                                              "damaged, or its training diverged")
    return {k: v.astype(np.float32) for k, v in weights.items()}


def load_transcriber(folder: str | Path) -> OnsetFrameModel:
    """The detector in ``folder``, proved before use; :class:`TranscriberModelError` names what is wrong."""
    folder = Path(folder)
    config = _read_config(folder / CONFIG_FILE)
    net = _net_config(config, folder / CONFIG_FILE)
    decoding = config.get("decoding", {})
    if not isinstance(decoding, dict) or not all(isinstance(v, (int, float)) and math.isfinite(v)
                                                 for v in decoding.values()):
        raise TranscriberModelError(folder / CONFIG_FILE, "its 'decoding' entry is malformed")
    return OnsetFrameModel(net, _read_weights(folder / WEIGHTS_FILE, net), decoding, str(config.get("name", "")))


def shipped_folder() -> Path:
    from musicstudio.resources import models_path
    return models_path("transcriber")


@lru_cache(maxsize=4)
def _cached(folder: str, stamp: tuple) -> tuple[OnsetFrameModel | None, str | None]:
    try:
        return load_transcriber(folder), None
    except TranscriberModelError as e:
        return None, (f"the transcription model could not be used ({e}); the notes were found by the "
                      "built-in detector instead")


def shipped_transcriber(folder: str | Path | None = None) -> tuple[OnsetFrameModel | None, str | None]:
    """The shipped detector (or the one in ``folder``) and None, or None and a message in words saying
    why it cannot be used (the caller falls back to the heuristic detector). Loaded once per version
    of its files."""
    folder = Path(folder) if folder is not None else shipped_folder()
    stamp = []
    for name in (CONFIG_FILE, WEIGHTS_FILE):
        try:
            st = (folder / name).stat()
            stamp.append((st.st_size, st.st_mtime_ns))
        except OSError:
            stamp.append(None)
    return _cached(str(folder), tuple(stamp))
