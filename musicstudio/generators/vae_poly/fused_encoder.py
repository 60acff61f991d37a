"""The polyphonic VAE's encoder compiled with numba, for the few rows a studio operation encodes at once: the
posterior's mean and log-variance of :meth:`~.model.PolyVAE.encode` (embedding, bidirectional GRU, posterior
head) through the GRU step and the products of :mod:`.fused_core` (same arithmetic as torch's in other orders of
summation; cached on disk as :mod:`.fused`'s loops are). Importing it imports numba (an ImportError where it is
absent)."""

from __future__ import annotations

import numpy as np

from musicstudio.generators.vae_poly.fused_core import _accumulate, _compiled, _gru_step


@_compiled
def _encoder_run(gi, w_hh_t, b_hh, reverse):
    """The last state of one direction of the encoder's GRU over ``gi`` ``(steps, rows, 3 h)`` from zeros."""
    steps, rows, three = gi.shape
    n = three // 3
    h = np.zeros((rows, n), np.float32)
    h_next = np.empty((rows, n), np.float32)
    gh = np.empty((rows, three), np.float32)
    empty = np.empty((0, n), np.float32)
    for s in range(steps):
        t = steps - 1 - s if reverse else s
        _gru_step(gi[t], h, w_hh_t, b_hh, gh, h_next, empty, empty, empty)
        h, h_next = h_next, h
    return h


@_compiled
def encode(features, slot_fwd, slot_bwd, w_embed_t, b_embed, w_fwd_t, w_bwd_t, w_hh_fwd_t, b_hh_fwd,
           w_hh_bwd_t, b_hh_bwd, w_post_t, b_post):
    """The posterior's mean and log-variance (clamped to -12..6) ``(rows, latent)`` of multi-hots ``features``
    ``(rows, steps, 2 pitches)``: :meth:`~.model.PolyVAE.encode`. ``slot_fwd`` / ``slot_bwd`` ``(steps, 3 h)``:
    the slots' share of each direction's input projection with its input bias; ``w_fwd_t`` / ``w_bwd_t``
    ``(embed, 3 h)``: the embedding's share."""
    rows, steps, width = features.shape
    embed = b_embed.shape[0]
    three = slot_fwd.shape[1]
    x = np.empty((steps * rows, embed), np.float32)          # time-major
    for t in range(steps):
        for b in range(rows):
            e = x[t * rows + b]
            e[:] = b_embed
            for i in range(width):
                f = features[b, t, i]
                if f != 0:
                    w = w_embed_t[i]
                    for j in range(embed):
                        e[j] += f * w[j]
            for j in range(embed):
                e[j] = max(e[j], np.float32(0.0))
    gi_f = np.empty((steps * rows, three), np.float32)
    gi_b = np.empty((steps * rows, three), np.float32)
    for t in range(steps):
        for b in range(rows):
            gi_f[t * rows + b, :] = slot_fwd[t]
            gi_b[t * rows + b, :] = slot_bwd[t]
    _accumulate(x, w_fwd_t, gi_f)
    _accumulate(x, w_bwd_t, gi_b)
    h_f = _encoder_run(gi_f.reshape(steps, rows, three), w_hh_fwd_t, b_hh_fwd, False)
    h_b = _encoder_run(gi_b.reshape(steps, rows, three), w_hh_bwd_t, b_hh_bwd, True)
    hidden = h_f.shape[1]
    both = np.empty((rows, 2 * hidden), np.float32)
    both[:, :hidden] = h_f
    both[:, hidden:] = h_b
    post = np.empty((rows, b_post.shape[0]), np.float32)
    for b in range(rows):
        post[b, :] = b_post
    _accumulate(both, w_post_t, post)
    latent = b_post.shape[0] // 2
    mu = post[:, :latent].copy()
    logvar = np.minimum(np.maximum(post[:, latent:], np.float32(-12.0)), np.float32(6.0))
    return mu, logvar
