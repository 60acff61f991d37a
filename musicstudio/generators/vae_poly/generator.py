"""The polyphonic VAE as a generator: the melody VAE's studio API (encode, decode, sample, vary, interpolate,
sliders, the pad's mix) over piano rolls, so that chords, piano textures and single lines all go through it.

A clip is cut into 2-bar chunks of the song's meter from its start; each chunk is a roll (:mod:`.roll`) and
has its own latent code. A clip whose notes leave the roll's range is moved by whole octaves (its lowest note
first); its takes come back by the same shift. Decoding is greedy at temperature 0, else sampled with a
numpy-seeded torch generator, so ``random_seed`` repeats a take.

A model whose config asks for it (``encoding.refine``: :class:`~.refine.Refine`) refines each chunk's code from
the encoder's mean by a few gradient steps on the phrase's ELBO (:mod:`.refine`) wherever a clip is encoded
(reconstruction, sliders, vary, interpolation, the pad); the last few clips' refined codes are kept, so a slider
dragged over one selection refines it once. A model whose config has ``encoding.fast`` (:class:`~.iterative.Fast`)
encodes instead through its learned update network (iterative amortised inference, :mod:`.iterative`): a few
steps (the shipped model's 5: 18 to 26 ms for a new 4-bar selection, encoded and decoded, on the 2-core
development machine, where the 50 Adam steps of ``encoding.refine`` take 125 to 180 ms; docs/vae-poly.md, sixth to
eighth passes). Takes from the prior go through the model's 4-bar conductor where it ships one
(:mod:`.conductor_model`): each 4-bar group of 2-bar blocks from one z4.
Greedy and sampled decoding of the autoregressive decoder run through :class:`~.kernel.Kernel` (the same states as
:meth:`~.model.PolyVAE.decode_states`, without ``nn.GRU``'s per-call overhead), and so do the refinements'
objectives and gradients: for a few chunks through its numba-compiled loops (:mod:`.fused`), which the generator
loads (compiles, the first time on a machine) when it is built, so that its first operation does not.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import torch

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.codecs.grid import STEP_TICKS, on_grid
from musicstudio.generators.continuation import seed_velocity
from musicstudio.generators.interface import CancelToken, GenerationError, GenerationRequest, Progress, Take
from musicstudio.generators.seed_plan import refuse_meter
from musicstudio.generators.vae.decoding import slerp
from musicstudio.generators.vae.generator import VAEGenerator
from musicstudio.generators.vae.model import PHRASE_BARS, MeterRefused
from musicstudio.generators.vae_poly import BACKEND as FAMILY
from musicstudio.generators.vae_poly.iterative import Fast, UpdateNet, fast_codes
from musicstudio.generators.vae_poly.kernel import Kernel
from musicstudio.generators.vae_poly.model import PolyVAE
from musicstudio.generators.vae_poly.refine import Refine, refine_codes
from musicstudio.generators.vae_poly.roll import RollCodec, roll_features

Phrase = tuple[Note, ...]
Meter = tuple[int, int]
FOUR_FOUR: Meter = (4, 4)
KEPT_CODES = 32          # clips whose refined codes are kept (a dict in insertion order, the oldest dropped)
KEPT_CHUNKS = 64         # ... of clips of at most this many 2-bar chunks
REFINE_BATCH = 256       # chunks refined at once


def drifted(noise: np.ndarray, drift: float, rng: np.random.Generator) -> np.ndarray:
    """The next block's noise: ``noise`` moved by ``drift`` towards a fresh draw, its variance kept at 1."""
    return math.sqrt(1 - drift ** 2) * noise + drift * rng.standard_normal(noise.shape)


class PolyGenerator:
    backend = "vae-poly"

    def __init__(self, name: str, model: PolyVAE, codec: RollCodec, sliders: Sequence[str], device: str = "cpu",
                 refine: Refine | None = None, fast: Fast | None = None, update_net: UpdateNet | None = None):
        if (fast is None) != (update_net is None):
            raise ValueError("encoding.fast needs its update network, and an update network its encoding.fast")
        self.name, self.codec, self.device, self.refine = name, codec, device, refine or Refine()
        self.fast, self.update_net = fast, update_net
        self.conductor = None     # the 4-bar level (conductor_model.Conductor), set by the backend where shipped
        self._refined: dict = {}
        self.model = model.to(device).eval()
        self._kernel = None if model.parallel or device != "cpu" else Kernel(self.model)
        if self._kernel is not None:
            self._kernel.warm_up()      # numba's compiled loops loaded (or compiled, the first time) now, not mid-job
        self.config = model.config
        self.latent = model.config.latent
        self.slider_names = tuple(sliders)
        self._directions = model.directions.detach().cpu().numpy().astype(np.float32)
        self._centre = model.centre.detach().cpu().numpy().astype(np.float32)
        self._prior_scale = (model.prior_scale.detach().cpu().numpy().astype(np.float32)
                             if model.config.fitted_prior else None)

    def prior(self, noise: np.ndarray) -> np.ndarray:
        """Codes of the model's prior for standard normal ``noise`` ``(rows, latent)``: the noise itself (N(0, I)),
        or, for a model with a fitted prior, a draw from the Gaussian fitted to its training phrases' codes."""
        noise = np.asarray(noise, np.float32)
        if self._prior_scale is None:
            return noise
        return (self._centre + noise @ self._prior_scale.T).astype(np.float32)

    meters = VAEGenerator.meters               # the meters it writes, and the steps of a 2-bar phrase in one
    phrase_steps = VAEGenerator.phrase_steps

    # -- clips <-> rolls -----------------------------------------------------------------------------------
    def fit(self, notes: Sequence[Note]) -> tuple[tuple[Note, ...], int]:
        """Notes on the grid moved by whole octaves into the roll's range (each note alone where the clip spans
        more than the range), and the shift of the whole (subtract it to get the user's pitches back)."""
        notes = on_grid(notes)
        if not notes:
            return notes, 0
        low, high, shift = min(n.pitch for n in notes), max(n.pitch for n in notes), 0
        while low + shift < self.codec.low:
            shift += 12
        while high + shift >= self.codec.high and low + shift - 12 >= self.codec.low:
            shift -= 12
        moved = []
        for n in notes:
            p = n.pitch + shift
            p += 12 * max(0, -(-(self.codec.low - p) // 12))
            p -= 12 * max(0, -(-(p - self.codec.high + 1) // 12))
            moved.append(n._replace(pitch=p))
        return tuple(moved), shift

    def clip_rolls(self, clip: Clip, meter: Meter = FOUR_FOUR) -> tuple[np.ndarray, int]:
        """``(chunks, phrase steps, pitches)`` rolls of the clip from its start (at least one chunk), and the
        octave shift."""
        size = self.phrase_steps(meter)
        notes, shift = self.fit(clip.notes)
        steps = -(-clip.length // STEP_TICKS) if clip.length else 0
        steps = max([steps] + [-(-n.end // STEP_TICKS) for n in notes])
        chunks = max(1, math.ceil(steps / size))
        roll = self.codec.encode(notes, chunks * size)
        return roll.reshape(chunks, size, -1), shift

    def _notes(self, rolls: np.ndarray, shift: int, velocity: int, length: int | None = None) -> Phrase:
        """Notes of rolls laid end to end, back in the user's octave, cut at ``length`` ticks."""
        rolls = np.asarray(rolls)
        flat = rolls.reshape(-1, rolls.shape[-1])
        end = length if length is not None else len(flat) * STEP_TICKS
        return tuple(n._replace(pitch=n.pitch - shift, duration=min(n.end, end) - n.start)
                     for n in self.codec.decode(flat, velocity) if n.start < end and 0 <= n.pitch - shift <= 127)

    def allowed(self, request: GenerationRequest | None, shift: int = 0) -> np.ndarray | None:
        """The pitches (of the roll) whose onsets the request allows (key, range); None: all of them."""
        if request is None:
            return None
        return np.array([request.allows(p - shift) for p in range(self.codec.low, self.codec.high)])

    def encode_rolls(self, rolls: np.ndarray, meter: Meter = FOUR_FOUR,
                     cancel: CancelToken | None = None) -> np.ndarray:
        """The codes ``(chunks, latent)`` of 2-bar rolls: the encoder's means, refined where the config says so
        (``cancel`` checked between the refinement's steps)."""
        size = self.phrase_steps(meter)
        rolls = np.ascontiguousarray(np.asarray(rolls).reshape(-1, size, self.codec.pitches))
        x = torch.from_numpy(roll_features(rolls)).to(self.device)
        slots = self.config.slots(meter, size)
        if self.fast is None and self.refine.steps <= 0:
            with torch.no_grad():
                return self.model.encode(x, slots)[0].cpu().numpy()
        key = (tuple(meter), rolls.shape, rolls.tobytes()) if len(rolls) <= KEPT_CHUNKS else None
        if key is None or key not in self._refined:
            codes = np.concatenate([self._refine(x[i:i + REFINE_BATCH], slots, cancel)
                                    for i in range(0, len(x), REFINE_BATCH)])
            if key is None:
                return codes
            self._refined[key] = codes
            while len(self._refined) > KEPT_CODES:
                del self._refined[next(iter(self._refined))]
        return self._refined[key].copy()

    def _refine(self, x: torch.Tensor, slots, cancel: CancelToken | None) -> np.ndarray:
        """The codes of one batch of chunks: the update network's (``encoding.fast``) where the config has one,
        else the Adam steps of ``encoding.refine``."""
        if self.fast is not None and self._kernel is not None:
            f = self.fast
            mu, logvar = self._kernel.encode(x, slots)     # the compiled loops' posterior for a few chunks
            return fast_codes(self._kernel, self.update_net, self._kernel.phrases(x, slots), mu, logvar, f.steps,
                              f.beta, f.free_bits, cancel)[0].numpy()
        r = self.refine
        return refine_codes(self.model, x, slots, r.steps, r.lr, r.beta, r.free_bits, cancel,
                            self._kernel)[0].cpu().numpy()

    def rolls_for(self, z: np.ndarray, meter: Meter, temperature: float = 0.0, allowed=None,
                  rng: np.random.Generator | None = None) -> np.ndarray:
        """``(rows, phrase steps, pitches)`` states for ``z`` ``(rows, latent)``, each row a phrase from a bar line."""
        size = self.phrase_steps(meter)
        generator = None
        if temperature > 0:
            generator = torch.Generator(device=self.device)
            generator.manual_seed(int((rng or np.random.default_rng()).integers(2 ** 62)))
        mask = None if allowed is None else torch.as_tensor(np.asarray(allowed, bool), device=self.device)
        z = torch.as_tensor(np.asarray(z, np.float32).reshape(-1, self.latent), device=self.device)
        slots = self.config.slots(meter, size)
        if self._kernel is not None:
            return self._kernel.decode(z, slots, temperature, mask, generator).numpy()
        return self.model.decode_states(z, slots, temperature, mask, generator).cpu().numpy()

    # -- the vae API ----------------------------------------------------------------------------------------
    def decode(self, z: np.ndarray, temperature: float = 0.0, random_seed: int = 0, transpose: int = 0,
               velocity: int = 100, meter: Meter = FOUR_FOUR) -> Phrase:
        """Notes for ``z`` (``(latent,)`` or ``(chunks, latent)``: chunk k starts at bar 2k)."""
        rolls = self.rolls_for(z, meter, temperature, rng=np.random.default_rng(random_seed))
        return self._notes(rolls, transpose, velocity)

    def sample(self, n: int, temperature: float = 1.0, random_seed: int = 0, meter: Meter = FOUR_FOUR) -> list[Phrase]:
        """``n`` 2-bar phrases decoded from the prior's z (:meth:`prior`; its noise scaled by ``temperature``)."""
        rng = np.random.default_rng(random_seed)
        z = self.prior(rng.standard_normal((n, self.latent)).astype(np.float32) * temperature)
        return [self._notes(r, 0, 100) for r in self.rolls_for(z, meter, temperature, rng=rng)]

    def vary(self, clip: Clip, amount: float = 0.5, n: int = 4, random_seed: int = 0, temperature: float = 0.0,
             meter: Meter = FOUR_FOUR) -> list[Phrase]:
        """``n`` variations of the clip: each chunk's z plus ``amount`` times Gaussian noise."""
        rolls, shift = self.clip_rolls(clip, meter)
        mu = self.encode_rolls(rolls, meter)
        rng = np.random.default_rng(random_seed)
        out = []
        for _ in range(n):
            z = mu + amount * rng.standard_normal(mu.shape).astype(np.float32)
            out.append(self._notes(self.rolls_for(z, meter, temperature, rng=rng), shift, seed_velocity(clip.notes)))
        return out

    def interpolate(self, a: Clip, b: Clip, steps: int = 8, meter: Meter = FOUR_FOUR,
                    cancel: CancelToken | None = None) -> list[Phrase]:
        """``steps`` phrases from A to B (both ends included), spherical interpolation chunk by chunk."""
        if steps < 2:
            raise ValueError("an interpolation has at least 2 steps (A and B)")
        (ra, sa), (rb, sb) = self.clip_rolls(a, meter), self.clip_rolls(b, meter)
        chunks = min(len(ra), len(rb))
        za, zb = self.encode_rolls(ra[:chunks], meter, cancel), self.encode_rolls(rb[:chunks], meter, cancel)
        ts = np.linspace(0.0, 1.0, steps)
        z = np.stack([np.stack([slerp(za[c], zb[c], t) for c in range(chunks)]) for t in ts])
        rolls = self.rolls_for(z.reshape(-1, self.latent), meter).reshape(steps, chunks, *ra.shape[1:])
        va, vb = seed_velocity(a.notes), seed_velocity(b.notes)
        return [self._notes(r, sa if t < 0.5 else sb, va if t < 0.5 else vb) for r, t in zip(rolls, ts)]

    # -- encode, the sliders and the pad: the melody VAE's methods, which ask only for the saved directions,
    # clip_tokens (here the clip's rolls), _encode_tokens and decode, so they serve rolls as they serve tokens
    clip_tokens = clip_rolls
    _encode_tokens = encode_rolls
    encode = VAEGenerator.encode
    directions = VAEGenerator.directions
    move = VAEGenerator.move
    sliders_for = VAEGenerator.sliders_for
    _position = VAEGenerator._position
    move_sliders = VAEGenerator.move_sliders
    mix = VAEGenerator.mix

    def _conducted(self, rows: int, blocks: int, scale: float, drift: float, rng: np.random.Generator) -> np.ndarray:
        """Codes ``(rows, blocks, latent)`` of takes from the prior through the 4-bar conductor: each group of its
        ``chunks`` 2-bar blocks from one z4 (its noise scaled by ``scale``), the noise drifting by ``drift`` from
        one group to the next as the 2-bar blocks' does without a conductor."""
        c = self.conductor
        noise = rng.standard_normal((rows, c.latent))
        groups = []
        for k in range(0, blocks, c.chunks):
            if k:
                noise = drifted(noise, drift, rng)
            groups.append(c.codes((scale * noise).astype(np.float32)))
        return np.concatenate(groups, axis=1)[:, :blocks]

    # -- the generator interface ------------------------------------------------------------------------------
    def generate(self, request: GenerationRequest, progress: Progress | None = None,
                 cancel: CancelToken | None = None) -> list[Take]:
        refuse_meter(FAMILY, request.meter)
        meter = request.meter
        try:
            size = self.phrase_steps(meter)
        except MeterRefused as e:
            raise GenerationError(f"{self.name}: {e}") from None
        options = request.options
        mode = options.get("mode") or ("vary" if request.seed.notes else "sample")
        if mode not in ("sample", "vary"):
            raise ValueError(f"the polyphonic VAE generates with mode 'sample' or 'vary', not {mode!r}")
        rng = np.random.default_rng(request.random_seed)
        length = request.take_length()
        lead = (-(-request.seed.length // STEP_TICKS)) % (size // PHRASE_BARS)
        rows, blocks = request.variations, math.ceil((lead + length // STEP_TICKS) / size)
        drift = float(options.get("drift", 0.25))
        if mode == "vary" and request.seed.notes:
            rolls, shift = self.clip_rolls(request.seed, meter)
            centre, scale = self.encode_rolls(rolls[-1:], meter, cancel)[0], float(options.get("amount", 0.5))
            place = lambda noise: centre + scale * noise      # noqa: E731
        elif self.conductor is not None:        # from the prior, 4 bars at a time through the conductor
            shift, scale, place = 0, request.temperature, None
        else:
            shift, scale = 0, request.temperature
            place = lambda noise: self.prior(scale * noise)   # noqa: E731
        allowed = self.allowed(request, shift)
        if place is None:
            codes = self._conducted(rows, blocks, scale, drift, rng)
        parts = []
        noise = None if place is None else rng.standard_normal((rows, self.latent))
        for k in range(blocks):
            if cancel is not None:
                cancel.check()
            if place is None:
                z = codes[:, k]
            else:
                if k:
                    noise = drifted(noise, drift, rng)
                z = place(noise)
            parts.append(self.rolls_for(z.astype(np.float32), meter, request.temperature, allowed, rng))
            if progress is not None:
                progress((k + 1) / blocks)
        rolls = np.concatenate(parts, axis=1)[:, lead:]
        velocity, record = seed_velocity(request.seed.notes), request.record()
        return [Take(notes=self._notes(rolls[r], shift, velocity, length), length=length, backend=self.backend,
                     model=self.name, request=record, variation=r) for r in range(rows)]
