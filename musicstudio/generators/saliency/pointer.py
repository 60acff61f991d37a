"""Copy attribution: the part of a take's log-likelihood that a model's copy cache adds, given to the seed
notes the cache pointed at.

A model decoded with a copy cache (:mod:`musicstudio.generators.copy_cache`: the infill model, and any model
that holds one as its ``cache``, as the infill backend's do when their ``config.json`` has a ``decoding.copy``
section) draws each token from the mixture
``p = (1 - w) p_net + w p_copy``, where ``p_copy`` shares its mass equally among the *places* of the context
whose preceding tokens match the end of the history longest, each place pointing at the token that followed it
there. This is the pointer/cache mixture of Grave, Joulin & Usunier, "Improving Neural Language Models with a
Continuous Cache" (2017) and Merity, Xiong, Bradbury & Socher, "Pointer Sentinel Mixture Models" (2017); the
pointer is attention over the context, and its weights say exactly where a token was copied from.

**The split.** The take's log-likelihood under the mixture is reached along a path of two legs: first the
seed's embedding rows move from the baseline to the input with the cache off (the network's attribution,
:mod:`.attribution`, in nats of ``log p_net``), then, the input in place, each candidate place's pointer is
scaled by a gate ``g_j`` going from 0 (no cache) to 1 (the cache as decoded):
``p(g) = (1 - w sum_j a_j g_j) p_net + w sum_j a_j g_j [token_j = t]`` (``a_j``: a place's share of ``p_copy``).
Integrated gradients (Sundararajan, Taly & Yan, 2017) over the gates along the straight path have a closed
form, because every gate's gradient carries the same factor ``1 / p(g)``: place ``j`` gets

    delta * a_j ([token_j = t] - p_net(t)) / (p_copy(t) - p_net(t)),   delta = log p(t) - log p_net(t),

and the places' shares add up to ``delta`` exactly (completeness), so the two legs together add up to the
mixture's log-likelihood of the take. A place that pointed at the token the take has gets a positive share,
one that pointed elsewhere a negative one (it took probability from the right token), whichever way ``delta``
goes. (Splitting ``delta`` equally among the places that pointed at the token would give a place credit for
the probability the network gave anyway, and nothing would answer for a cache that pointed wrongly.)

Each place's share goes, in equal parts, to the source tokens that made it a candidate: the token it points at
and the matched run of ``longest`` tokens before it; the seed's tokens among them pass it to the notes that
own them (:mod:`.ownership`). Places in the take itself (a take that copies its own first bar) give the seed
nothing: the take, not the seed, is what was copied there.
"""

from __future__ import annotations

import numpy as np

from musicstudio.generators.copy_cache import CopyCache, Matcher, candidate_places


def copy_cache(generator) -> CopyCache | None:
    """The copy cache ``generator`` decodes with (None: it decodes from the network alone)."""
    cache = getattr(generator, "cache", None)
    return cache if isinstance(cache, CopyCache) else None


def place_shares(delta: float, p_net: float, w: float, hits: np.ndarray) -> np.ndarray:
    """Integrated gradients over the pointer gates (module docstring) for one token: each candidate place's
    share of ``delta`` (nats), ``hits`` saying which places point at the token the take has."""
    a = 1.0 / len(hits)
    p_copy = a * float(hits.sum())
    if abs(p_copy - p_net) > 1e-9:
        return delta * a * (hits - p_net) / (p_copy - p_net)
    return w * a * (hits - p_net) / max(p_net, 1e-300)     # the limit: the gradient, the same all along


def copy_scores(cache: CopyCache, parts: list[np.ndarray], take: np.ndarray, net_log_p: np.ndarray,
                steps_of: np.ndarray, bar_steps: int) -> tuple[np.ndarray, float]:
    """The copy attribution of each token of the last part of ``parts`` (the seed; the parts before it are the
    rest of the context, as :class:`~musicstudio.generators.copy_cache.CachedModel` gives them), for the
    take's tokens ``take`` whose network log-probabilities are ``net_log_p``; and the total the cache adds
    (``log p - log p_net`` over the take, nats), which the scores add up to less the shares of places in the
    take itself."""
    seed = np.asarray(parts[-1], np.int64)
    matcher = Matcher(parts, 1, steps_of, bar_steps, cache.aligned)
    first = matcher.n - len(seed)          # where the seed's tokens are in the source
    scores = np.zeros(len(seed))
    gain = 0.0
    for token, log_p in zip(np.asarray(take, np.int64), np.asarray(net_log_p, np.float64)):
        longest, _, places = candidate_places(matcher)
        length = int(longest[0])
        w = float(cache.weights(np.array([length]))[0])
        if w > 0 and len(places):
            hits = (matcher.src[0, places] == token).astype(np.float64)
            p_net = float(np.exp(log_p))
            delta = float(np.log((1 - w) * p_net + w * hits.mean()) - log_p)
            gain += delta
            for place, share in zip(places, place_shares(delta, p_net, w, hits)):
                run = np.arange(place - length, place + 1) - first
                run = run[(run >= 0) & (run < len(seed))]
                np.add.at(scores, run, share / (length + 1))
        matcher.push(np.array([token]))
    return scores, gain
