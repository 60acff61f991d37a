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
   the seed's, ``"melody"`` one line, ``"chords"`` several voices). A model trained on melodies alone (its
   config's ``textures`` is ``["melody"]``: the licence-clean ``gan``) writes one line after any seed, the
   top line of a chordal seed's last bar as its condition, and refuses ``"chords"`` in words, naming the
   models that write chords.
6. Meter: a meter-aware model writes bars of the request's meter (12 steps of 3/4 or 6/8, 18 of 9/8) in
   its 24-step roll, with the meter's grid (:mod:`.meters`); a model without meter channels writes 16-step
   bars of 4/4 (or 2/2) and refuses other meters in words. A seed that ends mid-bar gets its bar completed
   first: the bar is generated whole after the last complete bar, and the take keeps what follows the seed.
7. The first bar: a model whose config has ``first_bar`` writes it several times per variation and keeps
   the draw that joins the seed's last bar best while following its chord (:mod:`.seam`).
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
from musicstudio.generators.gan.chords import (
    NO_CHORD,
    bar_window,
    bars_chroma,
    condition_vectors,
    estimate_from_chroma,
    parse_progression,
    seed_chords,
)
from musicstudio.generators.gan.fast import NumpyBarGenerator
from musicstudio.generators.gan.meters import LEGACY, fits, meter_grid, steps_in_bar
from musicstudio.generators.gan.model import BarGenerator
from musicstudio.generators.gan.onsets import OnsetThresholds
from musicstudio.generators.gan.options import ChordOptions
from musicstudio.generators.gan.rolls import binarise, fold, nearest_allowed
from musicstudio.generators.gan.seam import extra_noise, nearest_draws
from musicstudio.generators.interface import CancelToken, GenerationError, GenerationRequest, Progress, Take, meter_name
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


def top_line(roll: np.ndarray) -> np.ndarray:
    """A roll (planes, steps, pitches) with only the highest sounding pitch of each step (its onset kept)."""
    sounding = roll[0] > 0
    highest = np.where(sounding.any(axis=1), sounding.shape[1] - 1 - sounding[:, ::-1].argmax(axis=1), -1)
    keep = np.arange(sounding.shape[1])[None, :] == highest[:, None]
    return roll * keep[None].astype(roll.dtype)


def right_aligned(previous: np.ndarray, steps: int) -> np.ndarray:
    """Bars (n, planes, width, pitches) whose first ``steps`` steps hold the bar, moved to end at the roll's
    end (what binarisation reads as the bar's last step is then the bar's own)."""
    return np.roll(previous, previous.shape[2] - steps, axis=2)


class GANGenerator:
    backend = BACKEND

    def __init__(self, name: str, model: BarGenerator, codec: PianorollCodec, device: str,
                 textures: tuple[str, ...] = ("melody", "chords"), onsets: dict | None = None,
                 first_bar: dict | None = None):
        self.name, self.codec, self.device, self.textures = name, codec, device, tuple(textures)
        first_bar = first_bar or {}
        self.first_bar_draws = max(1, int(first_bar.get("draws", 1)))
        self.first_bar_chord = float(first_bar.get("chord_weight", 0.0))
        self.onsets = OnsetThresholds.from_config(onsets)
        self.model = model.to(device).eval()
        self._numpy = NumpyBarGenerator(self.model) if torch.device(device).type == "cpu" else None

    @property
    def meter_aware(self) -> bool:
        return bool(self.model.config.meter_channels)

    def check_meter(self, meter: tuple[int, int]) -> None:
        """A GenerationError, in words, when this model cannot write bars of ``meter``."""
        refuse_meter(FAMILY, meter)
        if self.meter_aware and not fits(meter, self.model.config.steps):
            raise GenerationError(f"{self.name} writes bars of up to {self.model.config.steps} 16th steps, and a bar "
                                  f"of {meter_name(meter)} has {steps_in_bar(meter)}")
        if not self.meter_aware and tuple(meter) not in LEGACY:
            raise GenerationError(f"{self.name} writes bars of 4/4 and 2/2 only (it was trained before the GAN "
                                  f"learnt meters), and the song is in {meter_name(meter)} where the take goes: "
                                  "choose gan, which writes every meter")

    def bar_probabilities(self, noise: np.ndarray, previous: np.ndarray, chords: np.ndarray,
                          grid: np.ndarray | None = None) -> np.ndarray:
        """Sounding and onset probabilities (n, 2, steps, pitches) of the next bar."""
        if self._numpy is not None:   # the sigmoid, without overflow
            return 0.5 + 0.5 * np.tanh(0.5 * self._numpy(noise, previous, chords, grid))
        to = lambda a: None if a is None else torch.from_numpy(a).to(self.device)  # noqa: E731
        logits = self.model(to(noise), to(previous), to(chords), to(grid))
        return torch.sigmoid(logits).float().cpu().numpy()

    def progression(self, request: GenerationRequest, seed_notes) -> list[int]:
        """The chord of each generated bar: typed, else the seed's own repeated from its first bar, else
        I-IV-V-I. A seed that ends mid-bar has its unfinished bar first, over the chord that bar holds so far
        (or the progression's last)."""
        text = str(request.options.get("chords") or "").strip()
        bar = request.bar
        whole = request.seed.length - request.seed.length % bar
        if text:
            try:
                chords = parse_progression(text)
            except ValueError as e:
                raise GenerationError(str(e)) from None
        elif seed_notes and whole:
            chords = seed_chords(seed_notes, whole, bar)
        else:
            chords = default_progression(request.key)
        progression = [chords[i % len(chords)] for i in range(request.bars)]
        if whole == request.seed.length:
            return progression
        held = int(estimate_from_chroma(bars_chroma(seed_notes, whole, 1, bar))[0]) if seed_notes else NO_CHORD
        return [chords[-1] if held == NO_CHORD else held] + progression

    def voices(self, request: GenerationRequest, seed_notes) -> int:
        """How many pitches may sound at once: one for a melody; for chords as many as the seed holds at
        most (four when it is a single line or there is none), up to :data:`MAX_VOICES`. A model trained on
        melodies alone writes one line, and refuses chords in words."""
        texture = request.options.get("texture", "auto")
        if texture not in TEXTURES:
            raise GenerationError(f"texture is one of {', '.join(TEXTURES)}, not {texture!r}")
        refusal = ChordOptions.texture_refused(self.name, {"textures": self.textures}, texture)
        if refusal:
            raise GenerationError(refusal)
        if texture == "melody" or "chords" not in self.textures:
            return 1
        most = most_at_once(seed_notes)
        if texture == "auto" and most == 1:
            return 1
        return min(MAX_VOICES, most) if most > 1 else DEFAULT_VOICES

    def first_condition(self, request: GenerationRequest, inside, voices: int) -> np.ndarray:
        """The bar before the first generated one (planes, width, pitches): the seed's last complete bar,
        its top line for a model that writes melodies only."""
        codec, bar = self.codec, request.bar
        start = (request.seed.length - request.seed.length % bar) - bar
        last = bar_window(inside, start, bar) if start >= 0 else []
        prev = codec.encode_bars(last, self.bar_steps(request), 1)[:, 0].astype(np.float32) if last else \
            np.zeros((codec.planes, codec.steps_per_bar, codec.pitches), np.float32)
        return top_line(prev) if voices == 1 and "chords" not in self.textures else prev

    def bar_steps(self, request: GenerationRequest) -> int:
        return steps_in_bar(request.meter) if self.meter_aware else self.codec.steps_per_bar

    @torch.inference_mode()
    def generate(self, request: GenerationRequest, progress: Progress | None = None,
                 cancel: CancelToken | None = None) -> list[Take]:
        self.check_meter(request.meter)   # before any work
        codec, rows = self.codec, request.variations
        seed_notes = list(on_grid(request.seed.notes))
        shift = octave_shift(seed_notes, codec.low, codec.high, request)
        inside = [n._replace(pitch=n.pitch + shift) for n in seed_notes if codec.low <= n.pitch + shift <= codec.high]
        chords = self.progression(request, seed_notes)
        voices = self.voices(request, seed_notes)
        prev = self.first_condition(request, inside, voices)
        target = nearest_allowed(np.array([request.allows(p - shift) for p in range(codec.low, codec.high + 1)]))
        steps, bars = self.bar_steps(request), len(chords)
        grid = np.broadcast_to(meter_grid(request.meter, codec.steps_per_bar), (rows, *meter_grid(
            request.meter, codec.steps_per_bar).shape)).copy() if self.meter_aware else None
        noise = np.random.default_rng(request.random_seed).standard_normal(
            (bars, rows, self.model.config.noise)).astype(np.float32) * request.temperature
        condition = condition_vectors(chords)
        previous = np.broadcast_to(prev, (rows, *prev.shape)).copy()
        onsets = self.onsets.steps(request.meter, codec.steps_per_bar) if self.meter_aware else None
        joined = self.first_bar_draws > 1
        out = []
        with one_blas_thread():
            for b in range(bars):
                if cancel is not None:
                    cancel.check()
                chord = np.broadcast_to(condition[b], (rows, condition.shape[1])).copy()
                write = lambda z, before, c, g: self.write_bar(z, before, c, g, steps, voices, target, onsets)  # noqa: E731
                if b == 0 and joined:
                    bar = self.joined_first_bar(write, noise[0], previous, chord, grid, request, inside)
                else:
                    bar = write(noise[b], previous, chord, grid)
                out.append(bar)
                previous = bar.astype(np.float32)
                if progress is not None:
                    progress((b + 1) / bars)
        return self.takes(request, np.stack(out, axis=2), shift)

    def write_bar(self, noise, previous, chord, grid, steps: int, voices: int, target, onsets) -> np.ndarray:
        """One bar per row (rows, planes, width, pitches), bool: the probabilities folded into the allowed
        pitches and binarised, the steps after the bar's end silent."""
        bar = binarise(fold(self.bar_probabilities(noise, previous, chord, grid), target), voices == 1,
                       previous=right_aligned(previous, steps), voices=voices,
                       allowed=target == np.arange(len(target)), onsets=onsets)
        bar[:, :, steps:] = False
        return bar

    def joined_first_bar(self, write, noise, previous, chord, grid, request, inside) -> np.ndarray:
        """The first bar, each row's best joined to the seed's last complete bar (all its voices) among
        ``first_bar_draws`` draws, weighed against its chord (:mod:`.seam`)."""
        draws, rows, bar = self.first_bar_draws, len(noise), request.bar
        start = (request.seed.length - request.seed.length % bar) - bar
        seed_chroma = bars_chroma(inside, start, 1, bar)[0] if start >= 0 else np.zeros(12)
        more = extra_noise(request.random_seed, draws, rows, noise.shape[1], request.temperature)
        tile = lambda a: None if a is None else np.concatenate([a] * draws)  # noqa: E731
        bars = write(np.concatenate([noise, more]), tile(previous), tile(chord), tile(grid))
        bars = bars.reshape(draws, rows, *bars.shape[1:])
        chord_chroma = chord[0, :12] if chord[0, 12] == 0 else None
        keep = nearest_draws(bars, seed_chroma, self.codec.low, chord_chroma, self.first_bar_chord)
        return bars[keep, np.arange(rows)]

    def takes(self, request: GenerationRequest, rolls: np.ndarray, shift: int) -> list[Take]:
        """Takes from rolls (rows, planes, bars, width, pitches): what follows the seed's end, in the song's
        bars."""
        velocity = seed_velocity(request.seed.notes)
        skip, length = request.seed.length % request.bar, request.take_length()
        record, steps = request.record(), self.bar_steps(request)
        takes = []
        for r in range(len(rolls)):
            notes = tuple(Note(n.pitch - shift, n.start - skip, n.duration, n.velocity)
                          for n in self.codec.decode_bars(rolls[r], steps, velocity) if n.start >= skip)
            takes.append(Take(notes=notes, length=length, backend=BACKEND, model=self.name,
                              request=record, variation=r))
        return takes
