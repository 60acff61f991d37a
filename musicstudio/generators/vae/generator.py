"""The VAE as a generator (the interface every backend offers) and as an instrument (the ``vae`` API the
app and the CLI call): encode, decode, sample, vary, interpolate, mix, and latent sliders. Every latent
operation is computed here, so the studio and ``musicstudio generate`` give one result for one request.

Phrases are 2 bars of the meter (4/4 32 sixteenths, 3/4 and 6/8 24, 9/8 36 ...; a model without meters
writes 4/4 and 2/2 only, 32 steps). Every operation takes the meter of the clip (``meter``, 4/4 when not
given; clips start on a bar line of it). A longer clip is handled 2-bar chunk by chunk from its start: it
encodes to one z per chunk and decodes chunk after chunk. Clips are moved by whole octaves into the
codec's range on the way in and back on the way out, as the token backends do.

``generate(request)``: with an empty seed (or ``options["mode"] == "sample"``) each take decodes
z ~ N(0, I) scaled by the temperature; with a seed (``"vary"``) each take decodes variations of the
seed's last 2 bars, z = mu + ``amount`` * noise. Either way the take (the rest of the seed's unfinished
bar, then ``request.bars`` bars of ``request.meter``) is filled with 2-bar blocks from the bar line where
it starts (the part before the seed's end is dropped), whose noise drifts from block to block
(``options["drift"]``, default 0.25: the share of fresh noise), decoded with the request's temperature and
top-p, the key lock and pitch range masked out of the logits, and every draw taken from a numpy generator
seeded with ``request.random_seed``. With ``request.after`` set it fills the bars between the seed and
``after`` instead, from points between the two sides' latent codes (:mod:`.fill`).
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import torch

from musicstudio.core.clip import Clip
from musicstudio.core.key import Key
from musicstudio.core.note import Note
from musicstudio.generators.blas_threads import on_one_thread
from musicstudio.generators.codecs.grid import STEP_TICKS
from musicstudio.generators.continuation import seed_velocity
from musicstudio.generators.interface import CancelToken, GenerationError, GenerationRequest, Progress, Take
from musicstudio.generators.phrases import TokenPhrases
from musicstudio.generators.seed_plan import refuse_meter
from musicstudio.generators.vae import BACKEND as FAMILY
from musicstudio.generators.vae.attributes import coordinates
from musicstudio.generators.vae.decoding import decode_tokens, slerp
from musicstudio.generators.vae.fill import fill_takes
from musicstudio.generators.vae.model import PHRASE_BARS, MelodyVAE, MeterRefused

Phrase = tuple[Note, ...]
Meter = tuple[int, int]
FOUR_FOUR: Meter = (4, 4)


class VAEGenerator:
    backend = "vae"

    def __init__(self, name: str, model: MelodyVAE, phrases: TokenPhrases, sliders: Sequence[str], device: str):
        self.name, self.phrases, self.device = name, phrases, device
        self.model = model.to(device).eval()
        self.config = model.config
        self.steps = model.config.steps          # a model without meters: 32; see phrase_steps
        self.latent = model.config.latent
        self.slider_names = tuple(sliders)
        self._directions = model.directions.detach().cpu().numpy().astype(np.float32)
        self._centre = model.centre.detach().cpu().numpy().astype(np.float32)

    # -- meters ------------------------------------------------------------------------------------------
    @property
    def meters(self) -> tuple[Meter, ...]:
        """The meters this model writes bars of."""
        return self.config.writes()

    def phrase_steps(self, meter: Meter = FOUR_FOUR) -> int:
        """16th steps in one phrase (2 bars of ``meter``); ValueError for a meter the model does not write."""
        return self.config.phrase_steps(meter)

    def _slots(self, meter: Meter, steps: int) -> np.ndarray | None:
        return self.config.slots(meter, steps)

    # -- clips <-> tokens ---------------------------------------------------------------------------------
    def clip_tokens(self, clip: Clip, meter: Meter = FOUR_FOUR) -> tuple[np.ndarray, int]:
        """``(chunks, phrase steps)`` tokens of the clip from its start (at least one chunk), and the octave
        shift."""
        size = self.phrase_steps(meter)
        notes, shift = self.phrases.fit_seed(clip)
        steps = -(-clip.length // STEP_TICKS) if clip.length else 0
        if notes:
            steps = max(steps, max(-(-n.end // STEP_TICKS) for n in notes))
        chunks = max(1, math.ceil(steps / size))
        tokens = self.phrases.codec.encode(notes, steps=chunks * size)
        return tokens.reshape(chunks, size), shift

    def _notes(self, tokens: np.ndarray, shift: int, velocity: int, length: int | None = None) -> Phrase:
        """Notes of a token row (chunks laid end to end), back in the user's octave, cut at ``length``."""
        tokens = np.asarray(tokens).reshape(-1)
        end = length if length is not None else len(tokens) * STEP_TICKS
        out = []
        for n in self.phrases.codec.decode(tokens, velocity=velocity):
            if n.start < end and 0 <= n.pitch - shift <= 127:
                out.append(n._replace(pitch=n.pitch - shift, duration=min(n.end, end) - n.start))
        return tuple(out)

    def _allowed(self, key: Key | None, pitch_range: tuple[int, int], shift: int) -> np.ndarray:
        request = GenerationRequest(seed=Clip((), 0), key=key, pitch_range=tuple(pitch_range))
        return self.phrases.allowed(request, shift)

    @torch.no_grad()
    def _encode_tokens(self, tokens: np.ndarray, meter: Meter = FOUR_FOUR,
                       cancel: CancelToken | None = None) -> np.ndarray:
        if cancel is not None:
            cancel.check()
        size = self.phrase_steps(meter)
        x = torch.as_tensor(np.asarray(tokens, np.int64).reshape(-1, size), device=self.device)
        mu, _ = self.model.encode(x, self._slots(meter, size))
        return mu.cpu().numpy()

    def tokens_for(self, z: np.ndarray, meter: Meter, temperature: float = 0.0, top_p: float = 1.0, allowed=None,
                rng: np.random.Generator | None = None) -> np.ndarray:
        """``(rows, phrase steps)`` tokens for ``z`` ``(rows, latent)``, each row a phrase from a bar line."""
        size = self.phrase_steps(meter)
        return decode_tokens(self.model, z, temperature, top_p, allowed, rng, steps=size,
                             slots=self._slots(meter, size))

    # -- the vae API --------------------------------------------------------------------------------------
    # encode, interpolate, sliders_for, move_sliders and mix (the studio's operations) take the job's
    # ``cancel`` token: checked before each encoding here, and between the refinement's steps by a model that
    # refines its codes (vae-poly), so a cancelled or superseded studio job stops there (GenerationCancelled)
    def encode(self, clip: Clip, meter: Meter = FOUR_FOUR, cancel: CancelToken | None = None) -> np.ndarray:
        """The posterior means ``(chunks, latent)`` of the clip's 2-bar chunks."""
        tokens, _ = self.clip_tokens(clip, meter)
        return self._encode_tokens(tokens, meter, cancel)

    def decode(self, z: np.ndarray, temperature: float = 0.0, random_seed: int = 0, key: Key | None = None,
               pitch_range: tuple[int, int] = (0, 127), transpose: int = 0, velocity: int = 100,
               meter: Meter = FOUR_FOUR) -> Phrase:
        """Notes for ``z`` (``(latent,)`` or ``(chunks, latent)``: chunk k starts at bar 2k); greedy at
        temperature 0. ``transpose`` is the octave shift :meth:`clip_tokens` reported (0 for samples)."""
        z = np.asarray(z, np.float32).reshape(-1, self.latent)
        tokens = self.tokens_for(z, meter, temperature, 1.0, self._allowed(key, pitch_range, transpose),
                              np.random.default_rng(random_seed))
        return self._notes(tokens, transpose, velocity)

    def sample(self, n: int, temperature: float = 1.0, random_seed: int = 0, key: Key | None = None,
               pitch_range: tuple[int, int] = (0, 127), meter: Meter = FOUR_FOUR) -> list[Phrase]:
        """``n`` 2-bar phrases decoded from z ~ N(0, I) (scaled by ``temperature``)."""
        rng = np.random.default_rng(random_seed)
        z = rng.standard_normal((n, self.latent)).astype(np.float32) * temperature
        tokens = self.tokens_for(z, meter, temperature, 1.0, self._allowed(key, pitch_range, 0), rng)
        return [self._notes(t, 0, 100) for t in tokens]

    def vary(self, clip: Clip, amount: float = 0.5, n: int = 4, random_seed: int = 0,
             temperature: float = 0.0, meter: Meter = FOUR_FOUR) -> list[Phrase]:
        """``n`` variations of the clip: each chunk's z plus ``amount`` times Gaussian noise."""
        tokens, shift = self.clip_tokens(clip, meter)
        mu = self._encode_tokens(tokens, meter)
        rng = np.random.default_rng(random_seed)
        velocity = phrase_velocity(clip)
        allowed = self._allowed(None, (0, 127), shift)
        out = []
        for _ in range(n):
            z = mu + amount * rng.standard_normal(mu.shape).astype(np.float32)
            out.append(self._notes(self.tokens_for(z, meter, temperature, 1.0, allowed, rng), shift, velocity))
        return out

    def interpolate(self, a: Clip, b: Clip, steps: int = 8, meter: Meter = FOUR_FOUR,
                    cancel: CancelToken | None = None) -> list[Phrase]:
        """``steps`` phrases from A to B (both ends included): spherical interpolation between their
        posterior means, chunk by chunk (over the chunks both have), decoded greedily."""
        if steps < 2:
            raise ValueError("an interpolation has at least 2 steps (A and B)")
        (ta, sa), (tb, sb) = self.clip_tokens(a, meter), self.clip_tokens(b, meter)
        chunks = min(len(ta), len(tb))
        za, zb = self._encode_tokens(ta[:chunks], meter, cancel), self._encode_tokens(tb[:chunks], meter, cancel)
        ts = np.linspace(0.0, 1.0, steps)
        z = np.stack([np.stack([slerp(za[c], zb[c], t) for c in range(chunks)]) for t in ts])
        tokens = self.tokens_for(z.reshape(-1, self.latent), meter).reshape(steps, -1)
        va, vb = phrase_velocity(a), phrase_velocity(b)
        return [self._notes(row, sa if t < 0.5 else sb, va if t < 0.5 else vb) for row, t in zip(tokens, ts)]

    # -- latent sliders -----------------------------------------------------------------------------------
    def directions(self) -> dict[str, np.ndarray]:
        """The named slider vectors saved with the model (attribute vectors, then principal components)."""
        return {name: self._directions[i].copy() for i, name in enumerate(self.slider_names)}

    def move(self, z: np.ndarray, name: str, amount: float) -> np.ndarray:
        """``z`` moved ``amount`` vectors along the slider ``name``."""
        try:
            i = self.slider_names.index(name)
        except ValueError:
            raise KeyError(f"no slider {name!r}: the model has {', '.join(self.slider_names) or 'none'}") from None
        return np.asarray(z, np.float32) + np.float32(amount) * self._directions[i]

    def sliders_for(self, clip: Clip, meter: Meter = FOUR_FOUR, cancel: CancelToken | None = None) -> dict[str, float]:
        """The clip's coordinates on each slider (0: the training phrases' mean; averaged over chunks)."""
        return self._position(self.encode(clip, meter, cancel))

    def _position(self, z: np.ndarray) -> dict[str, float]:
        coords = np.mean([coordinates(row, self._directions, self._centre) for row in z], axis=0) \
            if len(self.slider_names) else []
        return {name: float(c) for name, c in zip(self.slider_names, coords)}

    def move_sliders(self, clip: Clip, values: dict[str, float], meter: Meter = FOUR_FOUR,
                     cancel: CancelToken | None = None) -> Phrase:
        """The clip with each of its 2-bar chunks moved by (value - the clip's position, :meth:`sliders_for`)
        along the named sliders (others stay), decoded greedily in the clip's octave and touch. The chunks
        keep their differences; with no values it is the clip as the VAE hears it. The CLI's ``--mode slide``
        and the studio's slider moves both call this."""
        tokens, shift = self.clip_tokens(clip, meter)
        z = self._encode_tokens(tokens, meter, cancel)
        position = self._position(z)
        for name, value in values.items():
            z = self.move(z, name, float(value) - position[name])
        return self.decode(z, transpose=shift, velocity=phrase_velocity(clip), meter=meter)

    def mix(self, clips: Sequence[Clip], weights: Sequence[float], meter: Meter = FOUR_FOUR,
            cancel: CancelToken | None = None) -> Phrase:
        """The clips' posterior means mixed by ``weights`` (over the 2-bar chunks all of them have), decoded
        greedily in the octave and touch of the clip with the largest weight (the studio's pad)."""
        if len(clips) != len(weights) or not clips:
            raise ValueError("mix takes one weight per clip, and at least one clip")
        codes = [self.encode(clip, meter, cancel) for clip in clips]
        chunks = min(len(z) for z in codes)
        z = sum(w * code[:chunks] for w, code in zip(weights, codes))
        nearest = clips[max(range(len(clips)), key=lambda i: weights[i])]
        _, shift = self.clip_tokens(nearest, meter)
        return self.decode(z, transpose=shift, velocity=phrase_velocity(nearest), meter=meter)

    # -- the generator interface --------------------------------------------------------------------------
    @on_one_thread
    def generate(self, request: GenerationRequest, progress: Progress | None = None,
                 cancel: CancelToken | None = None) -> list[Take]:
        refuse_meter(FAMILY, request.meter)   # before any work: a meter no VAE writes
        meter = request.meter
        try:
            size = self.phrase_steps(meter)
        except MeterRefused as e:          # a model without meters (vae-nc): 4/4 and 2/2 only
            raise GenerationError(f"{self.name}: {e}; the default vae writes every meter") from None
        if request.fills:
            return fill_takes(self, request, progress, cancel)
        options = request.options
        mode = options.get("mode") or ("vary" if request.seed.notes else "sample")
        if mode not in ("sample", "vary"):
            raise ValueError(f"the VAE generates with mode 'sample' or 'vary', not {mode!r}")
        rng = np.random.default_rng(request.random_seed)
        length = request.take_length()
        bar_steps = size // PHRASE_BARS
        lead = (-(-request.seed.length // STEP_TICKS)) % bar_steps   # the seed's unfinished bar, written and dropped
        rows, blocks = request.variations, math.ceil((lead + length // STEP_TICKS) / size)
        drift = float(options.get("drift", 0.25))
        velocity = phrase_velocity(request.seed)
        if mode == "vary" and request.seed.notes:
            _, shift = self.clip_tokens(request.seed, meter)
            centre = self._encode_tokens(self._last_phrase(request.seed, meter), meter)[0]
            scale = float(options.get("amount", 0.5))
        else:
            shift, centre, scale = 0, np.zeros(self.latent, np.float32), request.temperature
        allowed = self.phrases.allowed(request, shift)
        noise = rng.standard_normal((rows, self.latent))
        parts = []
        for k in range(blocks):
            if cancel is not None:
                cancel.check()
            if k:
                noise = math.sqrt(1 - drift ** 2) * noise + drift * rng.standard_normal((rows, self.latent))
            z = (centre + scale * noise).astype(np.float32)
            parts.append(self.tokens_for(z, meter, request.temperature, request.top_p, allowed, rng))
            if progress is not None:
                progress((k + 1) / blocks)
        tokens = np.concatenate(parts, axis=1)[:, lead:]
        record = request.record()
        return [Take(notes=self._notes(tokens[r], shift, velocity, length), length=length, backend=self.backend,
                     model=self.name, request=record, variation=r) for r in range(rows)]

    def _last_phrase(self, clip: Clip, meter: Meter = FOUR_FOUR) -> np.ndarray:
        """The tokens of the clip's last 2 bars (its last chunk boundary on a bar line)."""
        size = self.phrase_steps(meter)
        bar_steps = size // PHRASE_BARS
        tokens, _ = self.clip_tokens(clip, meter)
        flat = tokens.reshape(-1)
        notes, _ = self.phrases.fit_seed(clip)
        used = max(-(-clip.length // STEP_TICKS), max((-(-n.end // STEP_TICKS) for n in notes), default=0))
        bars = max(PHRASE_BARS, -(-used // bar_steps))
        end = bars * bar_steps
        return flat[end - size:end][None]


def phrase_velocity(clip: Clip) -> int:
    """The touch a phrase made from ``clip`` is played with: its median velocity (100 for an empty clip)."""
    return seed_velocity(clip.notes)

