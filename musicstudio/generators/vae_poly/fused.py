"""The polyphonic VAE's decoder and encoder loops compiled with numba (Lam, Pitrou & Seibert, "Numba: a
LLVM-based Python JIT compiler", 2015), for the few rows a studio operation encodes and decodes at once: the
teacher-forced objective of :class:`~.kernel.Kernel` and its gradient with respect to the code (the GRU's backward
pass through time), greedy decoding, and the encoder's posterior (embedding, bidirectional GRU, posterior head).

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
from numba import njit

OFF, ONSET, HOLD = 0, 1, 2      # the roll's states (roll.py; repeated so the compiled code reads constants)
MASKED = np.float32(-1e9)
CACHED = True       # False where numba could not cache the compiled code on disk (see _compiled)


def _compiled(function):
    """``njit(cache=True, fastmath=True)``, or without the disk cache where numba finds no writable place for it
    (a read-only install whose user has no writable cache directory, a frozen app without sources): numba
    refuses ``cache=True`` there with a RuntimeError; the functions would then compile in every process (about
    30 s on the development machine), so :data:`CACHED` turns False and the kernel keeps the torch path."""
    global CACHED
    try:
        return njit(cache=True, fastmath=True)(function)
    except RuntimeError:
        CACHED = False
        return njit(fastmath=True)(function)


@_compiled
def _accumulate(x, m, out):
    """``out += x @ m`` for ``x`` ``(rows, k)``, ``m`` ``(k, n)``, ``out`` ``(rows, n)``: two rows at a time, four
    rows of ``m`` per pass over ``out`` (each loaded weight used four times per row)."""
    rows, k = x.shape
    n = m.shape[1]
    r = 0
    while r < rows:
        if r + 1 < rows:
            g0, g1 = out[r], out[r + 1]
            x0, x1 = x[r], x[r + 1]
            i = 0
            while i + 4 <= k:
                a0, a1, a2, a3 = x0[i], x0[i + 1], x0[i + 2], x0[i + 3]
                b0, b1, b2, b3 = x1[i], x1[i + 1], x1[i + 2], x1[i + 3]
                w0, w1, w2, w3 = m[i], m[i + 1], m[i + 2], m[i + 3]
                for j in range(n):
                    v0, v1, v2, v3 = w0[j], w1[j], w2[j], w3[j]
                    g0[j] += a0 * v0 + a1 * v1 + a2 * v2 + a3 * v3
                    g1[j] += b0 * v0 + b1 * v1 + b2 * v2 + b3 * v3
                i += 4
            while i < k:
                a0, b0, w0 = x0[i], x1[i], m[i]
                for j in range(n):
                    g0[j] += a0 * w0[j]
                    g1[j] += b0 * w0[j]
                i += 1
            r += 2
        else:
            g0, x0 = out[r], x[r]
            i = 0
            while i + 4 <= k:
                a0, a1, a2, a3 = x0[i], x0[i + 1], x0[i + 2], x0[i + 3]
                w0, w1, w2, w3 = m[i], m[i + 1], m[i + 2], m[i + 3]
                for j in range(n):
                    g0[j] += a0 * w0[j] + a1 * w1[j] + a2 * w2[j] + a3 * w3[j]
                i += 4
            while i < k:
                a0, w0 = x0[i], m[i]
                for j in range(n):
                    g0[j] += a0 * w0[j]
                i += 1
            r += 1


@_compiled
def _exp(x, out, bits):
    """``out[i] = exp(x[i])`` for float32 vectors, to about one unit in the last place (Cephes' ``expf``: Moshier,
    "Methods and Programs for Mathematical Functions", 1989): a polynomial on the remainder after whole powers of
    2, the power written into the exponent bits (``bits``: int32 scratch of the same length), so that the loops
    vectorise; numba's ``np.exp`` is a scalar libm call per element, 12 times slower here. Inputs are clamped to
    -87..88 (exp(-87) is 1.6e-38)."""
    m = x.shape[0]
    scale = bits.view(np.float32)
    for i in range(m):
        v = min(max(x[i], np.float32(-87.0)), np.float32(88.0))
        k = np.floor(v * np.float32(1.4426950408889634) + np.float32(0.5))
        r = v - k * np.float32(0.693359375) + k * np.float32(2.12194440e-4)
        p = ((((np.float32(1.9875691500e-4) * r + np.float32(1.3981999507e-3)) * r + np.float32(8.3334519073e-3)) * r
              + np.float32(4.1665795894e-2)) * r + np.float32(1.6666665459e-1)) * r + np.float32(5.0000001201e-1)
        out[i] = p * r * r + r + np.float32(1.0)
        bits[i] = (np.int32(k) + np.int32(127)) << np.int32(23)
    for i in range(m):
        out[i] *= scale[i]


@_compiled
def _tanh(x):
    """tanh in place on a 2-d array, as 2 / (1 + exp(-2 x)) - 1."""
    for b in range(x.shape[0]):
        row = x[b]
        e = np.empty_like(row)
        bits = np.empty(row.shape[0], np.int32)
        for j in range(row.shape[0]):
            e[j] = np.float32(-2.0) * row[j]
        _exp(e, e, bits)
        for j in range(row.shape[0]):
            row[j] = np.float32(2.0) / (np.float32(1.0) + e[j]) - np.float32(1.0)


@_compiled
def _gru_step(gi, h, w_hh_t, b_hh, gh, h_out, r_out, u_out, new_out):
    """One GRU step (torch's gate order r, u, n) for every row: ``gi`` ``(rows, 3 n)`` the input projection with
    its bias, ``h`` ``(rows, n)``; writes ``gh`` (the hidden projection with its bias), the new state and, where
    the outputs are not empty, the gates r, u and the candidate. The sigmoid is 1 / (1 + exp(-x)) and tanh(x)
    2 sigmoid(2 x) - 1, through :func:`_exp`."""
    rows, n = h.shape
    for b in range(rows):
        gh[b, :] = b_hh
    _accumulate(h, w_hh_t, gh)
    keep = r_out.shape[0] > 0
    pre = np.empty(2 * n, np.float32)
    ex = np.empty(2 * n, np.float32)
    bits = np.empty(2 * n, np.int32)
    one, two = np.float32(1.0), np.float32(2.0)
    for b in range(rows):
        for j in range(2 * n):
            pre[j] = -(gi[b, j] + gh[b, j])
        _exp(pre, ex, bits)
        for j in range(2 * n):
            ex[j] = one / (one + ex[j])                     # r, then u
        for j in range(n):
            pre[j] = -two * (gi[b, 2 * n + j] + ex[j] * gh[b, 2 * n + j])
        _exp(pre[:n], pre[n:], bits[:n])
        for j in range(n):
            new = two / (one + pre[n + j]) - one
            u = ex[n + j]
            h_out[b, j] = new + u * (h[b, j] - new)
            if keep:
                r_out[b, j] = ex[j]
                u_out[b, j] = u
                new_out[b, j] = new


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
    gz = np.zeros((rows, three), np.float32)
    _accumulate(z, w_z_t, gz)
    h0 = np.empty((rows, n), np.float32)
    for b in range(rows):
        h0[b, :] = b_state
    _accumulate(z, w_state_t, h0)
    _tanh(h0)
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
    d_h = d_h.reshape(steps, rows, n)
    carry = np.zeros((rows, n), np.float32)
    d_gh = np.empty((rows, three), np.float32)
    d_gi = np.zeros((rows, three), np.float32)
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
    gz = np.zeros((rows, three), np.float32)
    _accumulate(z, w_z_t, gz)
    h = np.empty((rows, n), np.float32)
    for b in range(rows):
        h[b, :] = b_state
    _accumulate(z, w_state_t, h)
    _tanh(h)
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
