"""The polyphonic VAE's decoder and encoder loops compiled with numba (Lam, Pitrou & Seibert, "Numba: a
LLVM-based Python JIT compiler", 2015), for the few rows a studio operation encodes and decodes at once: the
teacher-forced objective of :class:`~.kernel.Kernel` and its gradient with respect to the code (the GRU's backward
pass through time) and greedy decoding; the encoder's posterior is :mod:`.fused_encoder`'s.

Same arithmetic as the torch path (float32 throughout, the loss summed in float64), in other orders of summation:
the tests hold the figures to the torch kernel's and autograd's within float rounding. Why it is faster on one
CPU thread: each time step is a few fused loops instead of a dozen torch operations of 2 to 4 us of overhead each,
and the recurrent matrix products (the hidden weights, 256 x 768 for the shipped decoder, larger than a core's L2)
are written for a handful of rows: each weight row loaded once serves every pair of rows, four input rows at a
time (:func:`_accumulate`), about twice torch's speed for two rows here. The products over all steps at once (the
head's logits and their gradient) go through the same loop; a batched BLAS call would win only for many rows,
which the kernel leaves to torch (:data:`~.kernel.FUSED_ROWS`).

Functions take numpy float32 arrays (C-contiguous) and write no global state; compiled on first call and cached
on disk (``cache=True``: next to this file where writable, else numba's per-user cache directory, or
``NUMBA_CACHE_DIR``). Importing this module imports numba (an ImportError where it is absent: the kernel then
keeps the torch path).
"""

from __future__ import annotations

import numpy as np

from musicstudio.generators.vae_poly import fused_core
from musicstudio.generators.vae_poly.fused_core import (
    HOLD,
    MASKED,
    OFF,
    ONSET,
    _accumulate,
    _compiled,
    _exp,
    _gru_step,
    _tanh,
)


@_compiled
def _start(z, w_z_t, w_state_t, b_state):
    """What the decoder makes of the codes ``z`` ``(rows, latent)`` before its first step: z's share of every step's
    input projection ``(rows, 3 n)``, and the initial state tanh(z W_state + b_state) ``(rows, n)``."""
    rows = z.shape[0]
    gz = np.zeros((rows, w_z_t.shape[1]), np.float32)
    _accumulate(z, w_z_t, gz)
    h = np.empty((rows, b_state.shape[0]), np.float32)
    for b in range(rows):
        h[b, :] = b_state
    _accumulate(z, w_state_t, h)
    _tanh(h)
    return gz, h


@_compiled
def _cell_losses(logits, states, grad, loss, d_logits):
    """Each cell's cross-entropy over its 3 states, summed per row into ``loss`` ``(rows,)`` (float64), for
    ``logits`` ``(steps * rows, 3 pitches)`` time-major and the target ``states`` ``(steps, rows, pitches)``; with
    ``grad``, ``d_logits`` gets the loss's gradient with respect to the logits (softmax minus the one-hot)."""
    steps, rows, pitches = states.shape
    tops = np.empty(pitches, np.float32)
    shifted = np.empty(3 * pitches, np.float32)
    bits = np.empty(3 * pitches, np.int32)
    for t in range(steps):
        for b in range(rows):
            i = t * rows + b
            row, e = logits[i], d_logits[i]
            for p in range(pitches):
                tops[p] = max(row[3 * p], max(row[3 * p + 1], row[3 * p + 2]))
            for c in range(3 * pitches):
                shifted[c] = row[c] - tops[c // 3]
            _exp(shifted, e, bits)
            total = 0.0
            for p in range(pitches):
                s = e[3 * p] + e[3 * p + 1] + e[3 * p + 2]
                k = states[t, b, p]
                total += np.log(s) - shifted[3 * p + k]
                if grad:
                    inv = np.float32(1.0) / s
                    e[3 * p] *= inv
                    e[3 * p + 1] *= inv
                    e[3 * p + 2] *= inv
                    e[3 * p + k] -= np.float32(1.0)
            loss[b] += total


@_compiled
def _through_time(d_h, h0, hs, r_all, u_all, new_all, ghn_all, w_hh, carry, d_gi):
    """The GRU's backward pass through time: ``d_h`` ``(steps, rows, n)`` the loss's gradient with respect to each
    step's state from the head; ``carry`` ``(rows, n)`` ends as the gradient with respect to the initial state,
    ``d_gi`` ``(rows, 3 n)`` as that with respect to the input projection summed over the steps (z's share)."""
    steps, rows, n = d_h.shape
    d_gh = np.empty((rows, 3 * n), np.float32)
    one = np.float32(1.0)
    for t in range(steps - 1, -1, -1):
        h_prev = h0 if t == 0 else hs[t - 1]
        for b in range(rows):
            for j in range(n):
                dh = d_h[t, b, j] + carry[b, j]
                r, u, new = r_all[t, b, j], u_all[t, b, j], new_all[t, b, j]
                d_pre_n = dh * (one - u) * (one - new * new)
                d_pre_r = d_pre_n * ghn_all[t, b, j] * r * (one - r)
                d_pre_u = dh * (h_prev[b, j] - new) * u * (one - u)
                d_gh[b, j] = d_pre_r
                d_gh[b, n + j] = d_pre_u
                d_gh[b, 2 * n + j] = d_pre_n * r
                d_gi[b, j] += d_pre_r
                d_gi[b, n + j] += d_pre_u
                d_gi[b, 2 * n + j] += d_pre_n
                carry[b, j] = dh * u
        _accumulate(d_gh, w_hh, carry)


@_compiled
def objective(z, fixed, states, logvar, beta, free_bits, grad,
              w_z_t, w_z, w_state_t, w_state, b_state, w_hh_t, w_hh, b_hh, w_head_t, w_head, b_head):
    """:meth:`~.kernel.Kernel.objective` for ``z`` ``(rows, latent)``, ``fixed`` ``(steps, rows, 3 n)`` (the
    phrases' input projection with the input bias), ``states`` ``(steps, rows, pitches)`` int64 and ``logvar``
    ``(rows, latent)`` (or ``(0, latent)``: no KL term): the loss per row and, with ``grad``, its gradient with
    respect to z (else an empty ``(0, latent)`` array)."""
    steps, rows, three = fixed.shape
    n = three // 3
    latent = z.shape[1]
    pitches = states.shape[2]
    gz, h0 = _start(z, w_z_t, w_state_t, b_state)
    hs = np.empty((steps, rows, n), np.float32)          # the state after each step
    cache = steps if grad else 0
    r_all = np.empty((cache, rows, n), np.float32)
    u_all = np.empty((cache, rows, n), np.float32)
    new_all = np.empty((cache, rows, n), np.float32)
    ghn_all = np.empty((cache, rows, n), np.float32)
    gi = np.empty((rows, three), np.float32)
    gh = np.empty((rows, three), np.float32)
    empty = np.empty((0, n), np.float32)
    for t in range(steps):
        for b in range(rows):
            for j in range(three):
                gi[b, j] = fixed[t, b, j] + gz[b, j]
        h = h0 if t == 0 else hs[t - 1]
        if grad:
            _gru_step(gi, h, w_hh_t, b_hh, gh, hs[t], r_all[t], u_all[t], new_all[t])
            ghn_all[t] = gh[:, 2 * n:]
        else:
            _gru_step(gi, h, w_hh_t, b_hh, gh, hs[t], empty, empty, empty)
    logits = np.empty((steps * rows, 3 * pitches), np.float32)
    for i in range(steps * rows):
        logits[i, :] = b_head
    _accumulate(hs.reshape(steps * rows, n), w_head_t, logits)
    loss = np.zeros(rows, np.float64)
    d_logits = np.empty((steps * rows, 3 * pitches), np.float32)
    _cell_losses(logits, states, grad, loss, d_logits)
    hot = np.zeros(rows, np.float32)          # 1 where the KL term is above the free bits
    if logvar.shape[0] > 0:
        for b in range(rows):
            kl = 0.0
            for j in range(latent):
                kl += 0.5 * (z[b, j] * z[b, j] + np.exp(logvar[b, j]) - 1.0 - logvar[b, j])
            if kl > free_bits:
                loss[b] += beta * (kl - free_bits)
                hot[b] = 1.0
    if not grad:
        return loss, np.empty((0, latent), np.float32)
    d_h = np.zeros((steps * rows, n), np.float32)
    _accumulate(d_logits, w_head, d_h)
    carry = np.zeros((rows, n), np.float32)
    d_gi = np.zeros((rows, three), np.float32)
    _through_time(d_h.reshape(steps, rows, n), h0, hs, r_all, u_all, new_all, ghn_all, w_hh, carry, d_gi)
    one = np.float32(1.0)
    for b in range(rows):
        for j in range(n):
            carry[b, j] *= one - h0[b, j] * h0[b, j]
    dz = np.zeros((rows, latent), np.float32)
    _accumulate(d_gi, w_z, dz)
    _accumulate(carry, w_state, dz)
    if beta > 0:
        for b in range(rows):
            if hot[b] > 0:
                for j in range(latent):
                    dz[b, j] += np.float32(beta) * z[b, j]
    return loss, dz


@_compiled
def greedy(z, slot_input, allowed, w_z_t, w_state_t, b_state, w_prev_t, w_hh_t, b_hh, w_head_t, b_head):
    """Greedy states ``(rows, steps, pitches)`` int64 of :meth:`~.kernel.Kernel.decode` at temperature 0:
    ``slot_input`` ``(steps, 3 n)`` the slots' input projection with the input bias, ``allowed`` ``(pitches,)``
    bools (onsets of the others masked). A hold only where the pitch sounded the step before. The fed-back
    multi-hots' share of the input is the sum of the weight rows of the sounding pitches and onsets."""
    rows = z.shape[0]
    steps, three = slot_input.shape
    n = three // 3
    pitches = allowed.shape[0]
    gz, h = _start(z, w_z_t, w_state_t, b_state)
    h_next = np.empty((rows, n), np.float32)
    gi = np.empty((rows, three), np.float32)
    gh = np.empty((rows, three), np.float32)
    logits = np.empty((rows, 3 * pitches), np.float32)
    out = np.zeros((rows, steps, pitches), np.int64)
    empty = np.empty((0, n), np.float32)
    for t in range(steps):
        for b in range(rows):
            for j in range(three):
                gi[b, j] = slot_input[t, j] + gz[b, j]
            if t > 0:
                for p in range(pitches):
                    s = out[b, t - 1, p]
                    if s == ONSET:
                        w = w_prev_t[p]
                        for j in range(three):
                            gi[b, j] += w[j]
                    if s != OFF:
                        w = w_prev_t[pitches + p]
                        for j in range(three):
                            gi[b, j] += w[j]
        _gru_step(gi, h, w_hh_t, b_hh, gh, h_next, empty, empty, empty)
        h, h_next = h_next, h
        for b in range(rows):
            logits[b, :] = b_head
        _accumulate(h, w_head_t, logits)
        for b in range(rows):
            for p in range(pitches):
                l0, l1, l2 = logits[b, 3 * p], logits[b, 3 * p + 1], logits[b, 3 * p + 2]
                if t == 0 or out[b, t - 1, p] == OFF:
                    l2 = MASKED
                if not allowed[p]:
                    l1 = MASKED
                best, state = l0, OFF
                if l1 > best:
                    best, state = l1, ONSET
                if l2 > best:
                    state = HOLD
                out[b, t, p] = state
    return out


from musicstudio.generators.vae_poly.fused_encoder import encode  # noqa: E402,F401  (the kernel's one namespace)

CACHED = fused_core.CACHED      # False where numba could not cache the compiled code on disk (fused_core._compiled)
