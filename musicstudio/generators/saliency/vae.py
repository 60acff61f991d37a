"""The VAE's objective: the take decoded from the seed's latent code.

With a seed, the VAE's ``generate`` (mode "vary") encodes the seed's last 2 bars
(:meth:`~musicstudio.generators.vae.generator.VAEGenerator._last_phrase`) to the posterior mean mu and decodes
the take, 2-bar block after block, from codes around it. The objective is the log-likelihood of the take's
tokens teacher-forced through the decoder from z = mu (every block), as a function of the *encoder's* input
rows (each step's token embedding joined with its position slot's, for a meter-aware model): the gradient
flows through the encoder into the seed. The seed's notes before its last 2 bars are not read: they score 0.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from musicstudio.core.clip import Clip
from musicstudio.generators.codecs.grid import STEP_TICKS, on_grid
from musicstudio.generators.saliency.baselines import slot_baseline, token_baseline
from musicstudio.generators.saliency.ownership import fold
from musicstudio.generators.saliency.token_models import Inputs
from musicstudio.generators.vae.generator import VAEGenerator
from musicstudio.generators.vae.model import PHRASE_BARS


def _phrase_end(generator: VAEGenerator, seed: Clip, meter: tuple[int, int]) -> int:
    """The step at which the seed's last 2-bar phrase ends (as ``_last_phrase`` finds it)."""
    bar_steps = generator.phrase_steps(meter) // PHRASE_BARS
    notes, _ = generator.phrases.fit_seed(seed)
    used = max(-(-seed.length // STEP_TICKS), max((-(-n.end // STEP_TICKS) for n in notes), default=0))
    return max(PHRASE_BARS, -(-used // bar_steps)) * bar_steps


def vae_inputs(generator: VAEGenerator, seed: Clip, take: Clip, meter: tuple[int, int]) -> Inputs:
    """The encoder's rows for the seed's last phrase, and the take's log-likelihood from its code."""
    model, size = generator.model, generator.phrase_steps(meter)
    chunks, shift = generator.clip_tokens(seed, meter)
    end = _phrase_end(generator, seed, meter)
    flat = np.concatenate([chunks.reshape(-1), np.ones(max(0, end - chunks.size), np.int64)])  # HOLD to the end
    phrase = generator._last_phrase(seed, meter)[0]
    codec = generator.phrases.codec
    notes = [n._replace(pitch=fold(n.pitch + shift, codec.low, codec.high)) for n in on_grid(take.notes)]
    used = -(-take.length // STEP_TICKS)
    blocks = max(1, math.ceil(used / size))
    take_rows = torch.from_numpy(codec.encode(notes, steps=blocks * size).reshape(blocks, size)).to(generator.device)
    slots = generator._slots(meter, size)
    with torch.no_grad():
        x = model.embed(torch.from_numpy(np.asarray(phrase, np.int64)).to(generator.device))
        baseline = token_baseline(model.embed, codec, np.asarray(phrase, np.int64))
        if model.position is not None:
            x = torch.cat([x, model.position(torch.from_numpy(np.asarray(slots, np.int64)).to(generator.device))], -1)
            bar = size // PHRASE_BARS
            baseline = torch.cat([baseline, slot_baseline(model.position, int(slots[0]), bar, size)], dim=-1)

    def objective(batch: torch.Tensor) -> torch.Tensor:
        _, (h, _) = model.encoder(batch)
        mu, _ = model.to_posterior(torch.cat([h[0], h[1]], dim=-1)).chunk(2, dim=-1)
        z = mu.repeat_interleave(blocks, dim=0)
        logits = model.decode_logits(z, take_rows.repeat(len(batch), 1), slots)
        log_p = torch.log_softmax(logits.float(), dim=-1)
        picked = log_p.gather(2, take_rows.repeat(len(batch), 1)[..., None])[..., 0]
        return picked.reshape(len(batch), -1)[:, :used].sum(dim=1)   # the take's own steps

    # the phrase's tokens are the seed's flat tokens end - size .. end: rows 0 .. size - 1
    return Inputs(x, np.arange(size), flat[:end], objective, np.arange(len(seed.notes)), seed, shift,
                  first=end - size, baseline=baseline)
