"""One score per seed note: how much it shaped a take (:func:`attribute`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.blas_threads import one_blas_thread
from musicstudio.generators.codecs.grid import steps_in_bar
from musicstudio.generators.infill.generator import InfillGenerator
from musicstudio.generators.lstm.generator import LSTMGenerator
from musicstudio.generators.lstm.stepper import one_torch_thread
from musicstudio.generators.saliency.attribution import METHODS, group_attributions, row_attributions
from musicstudio.generators.saliency.ownership import note_keys, note_scores, token_owners
from musicstudio.generators.saliency.pointer import copy_cache, copy_scores
from musicstudio.generators.saliency.token_models import Inputs, token_inputs
from musicstudio.generators.saliency.vae import vae_inputs
from musicstudio.generators.vae.generator import VAEGenerator

COPY = "+copy"            # a method's suffix: the copy cache's attribution added (.pointer)
CHOICES = tuple(m + COPY for m in METHODS) + METHODS
DEFAULT_METHOD = "ig" + COPY   # ig found the planted repeat where gradient x input did not (docs/saliency.md)
DEFAULT_STEPS = 8         # agrees with 16 points to 0.003 nats on an 8-bar seed (docs/saliency.md)


class SaliencyError(ValueError):
    """The saliency cannot be computed (a model without gradients, an empty seed or take, damaged input);
    ``str(error)`` says why, for the user."""


@dataclass(frozen=True)
class Saliency:
    """The seed's notes (as given) and one score each: the part of the take's log-likelihood (nats) the
    method gives that note; positive where the note made the take likelier. ``read``: whether the model reads
    the note at all (a note it cannot read scores 0)."""

    notes: tuple[Note, ...]
    scores: tuple[float, ...]
    read: tuple[bool, ...]
    method: str                  # what was done: "ig+copy" only for a model that decodes with a copy cache
    model: str
    log_likelihood: float        # of the take given the seed, teacher-forced, as the model decodes it
    copy_scores: tuple[float, ...] = ()   # the copy cache's part of each score (.pointer; () without a cache)
    copy_gain: float = 0.0       # what the copy cache adds to ``log_likelihood`` (nats; 0 without a cache)

    def strengths(self) -> np.ndarray:
        """Scores scaled into 0 .. 1 for a colour ramp: each note's positive score over the largest one (notes
        that made the take less likely, or not at all, are 0)."""
        s = np.clip(np.asarray(self.scores, np.float64), 0.0, None)
        top = s.max() if len(s) else 0.0
        return s / top if top > 0 else np.zeros(len(s))


def inputs_for(generator, seed: Clip, take: Clip, meter: tuple[int, int]) -> Inputs:
    """The rows the model reads and its objective, for the models that give gradients."""
    if isinstance(generator, VAEGenerator):
        return vae_inputs(generator, seed, take, meter)
    if isinstance(generator, LSTMGenerator):
        return token_inputs(generator, seed, take, meter)
    raise SaliencyError(f"{getattr(generator, 'name', 'this model')} gives no gradients to attribute a take "
                        "by: saliency works with the lstm family, infill and the vae")


def _check(seed: Clip, take: Clip) -> None:
    if not seed.notes:
        raise SaliencyError("the seed has no notes: there is nothing to attribute the take to")
    for what, clip in (("seed", seed), ("take", take)):
        for n in clip.notes:
            if not (0 <= n.pitch <= 127 and n.start >= 0 and n.duration > 0):
                raise SaliencyError(f"the {what} has a damaged note ({n}): pitches 0-127, times from 0, "
                                    "durations above 0")
    if take.length <= 0:
        raise SaliencyError("the take has no length: there is nothing for the seed to have shaped")


def _note_paths(inputs: Inputs, read_owners, keys, steps: int) -> dict:
    """Integrated gradients note by note (:func:`~.attribution.group_attributions`): each note's rows on a
    path of their own, the rest of the seed in place."""
    rows_of: dict = {}
    for row, owner in zip(inputs.seed_rows, read_owners):
        if owner is not None:
            rows_of.setdefault(owner, []).append(int(row))
    wanted = [k for k in dict.fromkeys(keys) if k in rows_of]
    if not wanted:
        return {}
    values = group_attributions(inputs.objective, inputs.x, [rows_of[k] for k in wanted], inputs.baseline, steps,
                                tail=inputs.tail)
    return {k: float(v) for k, v in zip(wanted, values)}


def _network_scores(inputs: Inputs, owners, read_owners, keys, method: str, steps: int) -> np.ndarray:
    """The network's score of each note (``keys``) by ``method`` ("ig" or "gradxinput")."""
    with one_blas_thread(), one_torch_thread(), torch.enable_grad():
        if method == "ig":
            by_key = _note_paths(inputs, read_owners, keys, steps)
            return np.array([by_key.get(k, 0.0) for k in keys])
        rows = torch.zeros(len(inputs.x), dtype=torch.bool)
        rows[torch.from_numpy(inputs.seed_rows)] = True
        row_scores = row_attributions(inputs.objective, inputs.x, rows, method, steps,
                                      baseline=inputs.baseline).detach().cpu().numpy()
    token_scores = np.zeros(len(inputs.seed_tokens))
    token_scores[inputs.first:inputs.first + len(inputs.seed_rows)] = row_scores[inputs.seed_rows]
    return note_scores(token_scores, owners, keys)


def _copy_part(generator, inputs: Inputs, owners, keys, meter: tuple[int, int]) -> tuple[np.ndarray, float] | None:
    """The copy cache's score of each note and what the cache adds to the take's log-likelihood (None for a
    model without a cache): the cache over the context the model decodes with (:mod:`.pointer`)."""
    cache = copy_cache(generator)
    if cache is None or inputs.take_tokens is None:
        return None
    with one_torch_thread(), torch.no_grad():
        net_log_p = inputs.take_log_probs()
    seed_tokens = np.asarray(inputs.seed_tokens, np.int64)
    parts = [np.zeros(0, np.int64), seed_tokens] if isinstance(generator, InfillGenerator) else [seed_tokens]
    codec = generator.phrases.codec
    token_scores, gain = copy_scores(cache, parts, inputs.take_tokens, net_log_p, generator.phrases.steps_of(),
                                     steps_in_bar(meter, codec.steps_per_quarter))
    return note_scores(token_scores, owners, keys), gain


def attribute(generator, seed: Clip, take: Clip, meter: tuple[int, int] = (4, 4), method: str = DEFAULT_METHOD,
              steps: int = DEFAULT_STEPS) -> Saliency:
    """How much each note of ``seed`` (from a bar line of ``meter``) shaped ``take`` (the notes that followed
    it, counted from the seed's end), by ``method``: "ig" (integrated gradients note by note, ``steps`` points a
    path) or "gradxinput" (gradient x input) over the network's input, each with "+copy" (the default
    "ig+copy"): for a model that decodes with a copy cache, what the cache adds, given to the notes it copied
    (:mod:`.pointer`); for one without, "+copy" adds nothing and the answer names the plain method."""
    _check(seed, take)
    if method not in CHOICES:
        raise SaliencyError(f"saliency method {method!r}: choose one of {', '.join(CHOICES)}")
    try:
        inputs = inputs_for(generator, seed, take, meter)
    except SaliencyError:
        raise
    except ValueError as e:        # a pitch outside the codec, a meter the model does not write ...
        raise SaliencyError(f"{getattr(generator, 'name', 'the model')} cannot read this seed and take: {e}") from None
    codec = generator.phrases.codec
    owners = token_owners(codec, inputs.seed_tokens)
    read_owners = owners[inputs.first:inputs.first + len(inputs.seed_rows)]
    keys = note_keys(inputs.seed.notes, codec, inputs.shift, generator.phrases.step_ticks)
    net = method.removesuffix(COPY)
    found = _network_scores(inputs, owners, read_owners, keys, net, steps)
    with one_torch_thread(), torch.no_grad():
        total = float(inputs.objective(inputs.x[None])[0])
    copied = _copy_part(generator, inputs, owners, keys, meter)
    scores, read, copy = np.zeros(len(seed.notes)), np.zeros(len(seed.notes), bool), np.zeros(len(seed.notes))
    if copied is not None:
        copy[inputs.kept], total = copied[0], total + copied[1]
    scores[inputs.kept] = found + (copy[inputs.kept] if method.endswith(COPY) else 0.0)
    read[inputs.kept] = [k in set(read_owners) for k in keys]
    return Saliency(tuple(seed.notes), tuple(float(s) for s in scores), tuple(bool(r) for r in read),
                    method if copied is not None else net, getattr(generator, "name", ""), total,
                    tuple(float(c) for c in copy) if copied is not None else (),
                    copied[1] if copied is not None else 0.0)
