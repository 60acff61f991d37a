"""Continuing a seed with the bar GAN, one bar at a time, every variation in one batch.

1. The seed moves by whole octaves into the model's range (C2..C6) where that helps; the result moves
   back, so a take sounds where the seed does.
2. The last bar of the seed (the bar that ends where the take begins) is the first 2-D condition; each
   generated bar is the condition for the next.
3. Chords (the 1-D condition): ``options["chords"]``, a progression such as ``"C Am F G"``, one chord a
   bar, repeated; otherwise the seed's own chords, estimated bar by bar and repeated from its first bar
   (a bar the seed leaves silent keeps the chord before it). With neither, I-IV-V-I of the locked key, or
   of C.
4. Noise: one vector per bar and variation from the request's random seed, scaled by the temperature
   (below 1 nearer the generator's most typical bar, above 1 further out). Top-p does not apply: there is
   no token distribution to cut.
5. Key lock and pitch range by masking (:mod:`.rolls`), binarisation, and the seed's texture: a melody
   kept to one line, chords to as many voices as the seed has (``options["texture"]``: ``"auto"`` takes
   the seed's, ``"melody"`` one line, ``"chords"`` several voices).
"""

from __future__ import annotations

import numpy as np
import torch

from musicstudio.core.key import Key
from musicstudio.core.note import Note
from musicstudio.core.voices import most_at_once
from musicstudio.generators.blas_threads import one_blas_thread
from musicstudio.generators.codecs.grid import on_grid
from musicstudio.generators.codecs.pianoroll import PianorollCodec
from musicstudio.generators.continuation import seed_velocity
from musicstudio.generators.gan import BACKEND as FAMILY
from musicstudio.generators.gan.chords import bar_window, condition_vectors, parse_progression, seed_chords
from musicstudio.generators.gan.fast import NumpyBarGenerator
from musicstudio.generators.gan.model import BarGenerator
from musicstudio.generators.gan.rolls import binarise, fold, nearest_allowed
from musicstudio.generators.interface import BAR, CancelToken, GenerationError, GenerationRequest, Progress, Take
from musicstudio.generators.seed_plan import refuse_meter

BACKEND = "gan"
TEXTURES = ("auto", "melody", "chords")
DEFAULT_VOICES, MAX_VOICES = 4, 6


def octave_shift(notes, low: int, high: int, request: GenerationRequest) -> int:
    """The whole-octave move that puts the most seed notes inside low..high (the smallest move on a tie),
    among the moves that leave some allowed pitch inside it."""
    best = None
    for shift in sorted(range(-48, 49, 12), key=abs):
        if not any(request.allows(p - shift) for p in range(low, high + 1)):
            continue
        outside = sum(not low <= n.pitch + shift <= high for n in notes)
        if not notes:  # no seed: centre the allowed range in the model's
            allowed = [p - shift for p in range(low, high + 1) if request.allows(p - shift)]
            outside = -len(allowed)
        if best is None or outside < best[0]:
            best = (outside, shift)
    if best is None:
        raise GenerationError(f"the pitch range {request.pitch_range[0]}-{request.pitch_range[1]} with this key "
                              "lock leaves no pitch the model can play")
    return best[1]


def default_progression(key: Key | None) -> list[int]:
    """I-IV-V-I (i-iv-V-i in minor) of the key, or of C major."""
    if key is None:
        return [0, 5, 7, 0]
    tonic = key.tonic
    if key.minor:
        return [12 + tonic, 12 + (tonic + 5) % 12, (tonic + 7) % 12, 12 + tonic]
    return [tonic, (tonic + 5) % 12, (tonic + 7) % 12, tonic]


class GANGenerator:
    backend = BACKEND

    def __init__(self, name: str, model: BarGenerator, codec: PianorollCodec, device: str):
        self.name, self.codec, self.device = name, codec, device
        self.model = model.to(device).eval()
        self._numpy = NumpyBarGenerator(self.model) if torch.device(device).type == "cpu" else None

    def bar_probabilities(self, noise: np.ndarray, previous: np.ndarray, chords: np.ndarray) -> np.ndarray:
        """Sounding and onset probabilities (n, 2, 16, pitches) of the next bar."""
        if self._numpy is not None:
            return 0.5 + 0.5 * np.tanh(0.5 * self._numpy(noise, previous, chords))   # the sigmoid, without overflow
        logits = self.model(torch.from_numpy(noise).to(self.device), torch.from_numpy(previous).to(self.device),
                            torch.from_numpy(chords).to(self.device))
        return torch.sigmoid(logits).float().cpu().numpy()

    def progression(self, request: GenerationRequest, seed_notes) -> list[int]:
        """The chord of each generated bar."""
        text = str(request.options.get("chords") or "").strip()
        if text:
            try:
                chords = parse_progression(text)
            except ValueError as e:
                raise GenerationError(str(e)) from None
        elif seed_notes:
            chords = seed_chords(seed_notes, request.seed.length)
        else:
            chords = default_progression(request.key)
        return [chords[i % len(chords)] for i in range(request.bars)]

    def voices(self, request: GenerationRequest, seed_notes) -> int:
        """How many pitches may sound at once: one for a melody; for chords as many as the seed holds at
        most (four when it is a single line or there is none), up to :data:`MAX_VOICES`."""
        texture = request.options.get("texture", "auto")
        if texture not in TEXTURES:
            raise GenerationError(f"texture is one of {', '.join(TEXTURES)}, not {texture!r}")
        if texture == "melody":
            return 1
        most = most_at_once(seed_notes)
        if texture == "auto" and most == 1:
            return 1
        return min(MAX_VOICES, most) if most > 1 else DEFAULT_VOICES

    @torch.inference_mode()
    def generate(self, request: GenerationRequest, progress: Progress | None = None,
                 cancel: CancelToken | None = None) -> list[Take]:
        refuse_meter(FAMILY, request.meter)   # before any work: the GAN writes 16-step bars
        codec, rows = self.codec, request.variations
        seed_notes = list(on_grid(request.seed.notes))
        shift = octave_shift(seed_notes, codec.low, codec.high, request)
        inside = [n._replace(pitch=n.pitch + shift) for n in seed_notes if codec.low <= n.pitch + shift <= codec.high]
        last = bar_window(inside, request.seed.length - BAR) if request.seed.length else []
        prev = codec.encode(last, 1)[:, 0].astype(np.float32) if last else \
            np.zeros((codec.planes, codec.steps_per_bar, codec.pitches), np.float32)
        chords = self.progression(request, seed_notes)
        voices = self.voices(request, seed_notes)
        target = nearest_allowed(np.array([request.allows(p - shift) for p in range(codec.low, codec.high + 1)]))
        allowed = target == np.arange(len(target))
        noise = np.random.default_rng(request.random_seed).standard_normal(
            (request.bars, rows, self.model.config.noise)).astype(np.float32) * request.temperature
        condition = condition_vectors(chords)
        previous = np.broadcast_to(prev, (rows, *prev.shape)).copy()
        bars = []
        with one_blas_thread():
            for b in range(request.bars):
                if cancel is not None:
                    cancel.check()
                chord = np.broadcast_to(condition[b], (rows, condition.shape[1])).copy()
                bar = binarise(fold(self.bar_probabilities(noise[b], previous, chord), target), voices == 1,
                               previous=previous, voices=voices, allowed=allowed)
                bars.append(bar)
                previous = bar.astype(np.float32)
                if progress is not None:
                    progress((b + 1) / request.bars)
        rolls = np.stack(bars, axis=2)  # (rows, planes, bars, steps, pitches)
        velocity = seed_velocity(request.seed.notes)
        record = request.record()
        takes = []
        for r in range(rows):
            notes = tuple(Note(n.pitch - shift, n.start, n.duration, n.velocity)
                          for n in codec.decode(rolls[r], velocity))
            takes.append(Take(notes=notes, length=request.bars * BAR, backend=BACKEND, model=self.name,
                              request=record, variation=r))
        return takes

