"""The pieces the polyphonic VAE's compiled loops (:mod:`.fused`, :mod:`.fused_encoder`) are built of: numba's
``njit`` with the disk cache (:func:`_compiled`), a product for a handful of rows (:func:`_accumulate`), a
vectorisable float32 exp and tanh, and one GRU step with its gates kept for the backward pass. Importing it
imports numba (an ImportError where it is absent)."""

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
