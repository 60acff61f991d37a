"""The autoregressive decoder of a :class:`~.model.PolyVAE` written out for speed on one CPU thread: the
teacher-forced objective of a batch of phrases and its gradient with respect to the code z by hand (the GRU's
backward pass through time, no autograd graph), and greedy or sampled decoding without ``nn.GRU``'s per-call
overhead. The figures are those of :func:`~.refine.code_loss` and :meth:`~.model.PolyVAE.decode_states` (to
float rounding; the tests hold them to that).

What makes it cheaper than running the module: everything the decoder reads that does not depend on z (the
previous steps' multi-hots and the slots, through the input weights) is projected once per phrase
(:class:`Phrases`) and reused by every refinement step; z's share of the input projection is one product per
step, not one per time step; the backward pass keeps, from the forward pass, the gates' derivatives, so each
time step of it is one small matrix product and three element-wise operations.

Batches of up to :data:`FUSED_ROWS` rows (the studio's few chunks, a training batch of 64) run instead through the
numba-compiled loops of :mod:`.fused`, the same arithmetic fused into a few loops per time step (about 3 times
faster for two rows on one thread: docs/vae-poly.md, seventh pass); where numba is absent or cannot cache its
code on disk, and for larger batches and sampled decoding, the torch path here runs. Safe to import: no side
effects (numba is imported when the first kernel is built).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from musicstudio.generators.vae_poly.model import PolyVAE, kl_per_dim
from musicstudio.generators.vae_poly.objective import roll_targets
from musicstudio.generators.vae_poly.roll import HOLD, OFF, ONSET, STATES

FUSED_ROWS = 64     # batches of at most this many rows go through the compiled loops (fused.py), larger ones torch's


def compiled_loops(uncached: bool = False):
    """The compiled loops' module (:mod:`.fused`), or None where numba does not import, or (unless
    ``uncached``) where numba cannot keep the compiled code on disk, so that every process would compile it anew
    (about 30 s of the development machine: the torch path is then the faster one for a session)."""
    try:
        from musicstudio.generators.vae_poly import fused
    except ImportError:
        return None
    return fused if fused.CACHED or uncached else None


def _np(t: torch.Tensor) -> np.ndarray:
    return np.ascontiguousarray(t.detach().cpu().numpy(), dtype=np.float32)


class Kernel:
    """The decoder's weights split by what they read: ``previous`` (the fed-back multi-hots), ``z`` and the
    slot, for the GRU's input; its hidden weights; the initial state's layer and the head. Built once per model
    (weights copied: rebuild it if the model's weights change).

    ``compiled``: run batches of at most :data:`FUSED_ROWS` rows (the objective and its gradient, greedy decoding,
    the encoder's posterior) through the numba-compiled loops of :mod:`.fused` (None: wherever numba imports and
    can keep its compiled code on disk; False: always torch's path; True: wherever numba imports, refused without
    it). The same figures to float rounding; sampled decoding stays on torch's path (its random stream)."""

    def __init__(self, model: PolyVAE, compiled: bool | None = None):
        if model.parallel:
            raise ValueError("the kernel writes out the autoregressive decoder, not the parallel one")
        c = model.config
        gru = model.decoder
        w_ih = gru.weight_ih_l0.detach()
        width = 2 * c.pitches
        self.pitches, self.hidden, self.latent = c.pitches, c.decoder, c.latent
        self.w_prev_t = w_ih[:, :width].t().contiguous()                      # (2 pitches, 3 hidden)
        self.w_z = w_ih[:, width:width + c.latent].contiguous()               # (3 hidden, latent)
        self.w_z_t = self.w_z.t().contiguous()
        self.w_slot_t = w_ih[:, width + c.latent:].t().contiguous()
        self.b_ih = gru.bias_ih_l0.detach().clone()
        self.w_hh = gru.weight_hh_l0.detach().clone()                    # (3 hidden, hidden)
        self.w_hh_t = self.w_hh.t().contiguous()
        self.b_hh = gru.bias_hh_l0.detach().clone()
        self._w_prev_ru_t = self.w_prev_t[:, :2 * self.hidden].contiguous()
        self._w_prev_n_t = self.w_prev_t[:, 2 * self.hidden:].contiguous()
        self._w_hh_ru_t = self.w_hh_t[:, :2 * self.hidden].contiguous()
        self._w_hh_n_t = self.w_hh_t[:, 2 * self.hidden:].contiguous()
        self.w_state = model.to_state.weight.detach().clone()            # (hidden, latent)
        self.w_state_t = self.w_state.t().contiguous()
        self.b_state = model.to_state.bias.detach().clone()
        self.w_head = model.head.weight.detach().clone()                 # (3 pitches, hidden)
        self.w_head_t = self.w_head.t().contiguous()
        self.b_head = model.head.bias.detach().clone()
        self._position = model.position.weight.detach().clone()
        self._model = model
        self._fused = None if compiled is False else compiled_loops(uncached=bool(compiled))
        if compiled and self._fused is None:
            raise ValueError("the compiled kernel needs numba, which does not import here")
        if self._fused is not None:
            self._arrays = {name: _np(t) for name, t in (
                ("w_z_t", self.w_z_t), ("w_z", self.w_z), ("w_state_t", self.w_state_t), ("w_state", self.w_state),
                ("b_state", self.b_state), ("w_hh_t", self.w_hh_t), ("w_hh", self.w_hh), ("b_hh", self.b_hh),
                ("w_head_t", self.w_head_t), ("w_head", self.w_head), ("b_head", self.b_head),
                ("w_prev_t", self.w_prev_t))}
            self._arrays_objective = {k: v for k, v in self._arrays.items() if k != "w_prev_t"}
            gru, e = model.encoder, model.config.embed
            self._encoder = dict(
                w_embed_t=_np(model.embed.weight.t()), b_embed=_np(model.embed.bias),
                w_fwd_t=_np(gru.weight_ih_l0[:, :e].t()), w_bwd_t=_np(gru.weight_ih_l0_reverse[:, :e].t()),
                w_hh_fwd_t=_np(gru.weight_hh_l0.t()), b_hh_fwd=_np(gru.bias_hh_l0),
                w_hh_bwd_t=_np(gru.weight_hh_l0_reverse.t()), b_hh_bwd=_np(gru.bias_hh_l0_reverse),
                w_post_t=_np(model.to_posterior.weight.t()), b_post=_np(model.to_posterior.bias))
            self._encoder_inputs: dict = {}
            self._encoder_slots = (gru.weight_ih_l0[:, e:].detach(), gru.bias_ih_l0.detach(),
                                   gru.weight_ih_l0_reverse[:, e:].detach(), gru.bias_ih_l0_reverse.detach())

    @property
    def compiled(self) -> bool:
        """Whether small batches run through the compiled loops."""
        return self._fused is not None

    def _small(self, rows: int) -> bool:
        return self._fused is not None and rows <= FUSED_ROWS

    def warm_up(self) -> None:
        """Run each compiled loop once on a 1-row, 2-step phrase, so that the first real call does not pay numba's
        compilation (or its cache's load); nothing where the kernel runs on torch alone."""
        if self._fused is None:
            return
        slots = [0, 1]
        z = torch.zeros(1, self.latent)
        features = torch.zeros(1, 2, 2 * self.pitches)
        self.objective(z, self.phrases(features, slots), torch.zeros(1, self.latent), 0.2, 0.0)
        self.objective(z, self.phrases(features, slots), None, grad=False)
        self.decode(z, slots)
        self.encode(features, slots)

    def encode(self, features: torch.Tensor, slots) -> tuple[torch.Tensor, torch.Tensor]:
        """The encoder's posterior (mu, logvar) ``(batch, latent)`` of multi-hots ``(batch, steps, 2 pitches)``:
        :meth:`~.model.PolyVAE.encode` (the model's own for larger batches or without numba)."""
        with torch.no_grad():
            if not self._small(len(features)):
                return self._model.encode(features, slots)
            key = tuple(int(s) for s in slots)
            if key not in self._encoder_inputs:     # a few entries: one per meter's phrase of the model
                index = torch.as_tensor(np.asarray(slots, np.int64))
                position = self._model.position.weight.detach()[index]
                w_f, b_f, w_b, b_b = self._encoder_slots
                self._encoder_inputs[key] = (_np(position @ w_f.t() + b_f), _np(position @ w_b.t() + b_b))
            mu, logvar = self._fused.encode(_np(features), *self._encoder_inputs[key], **self._encoder)
            return torch.from_numpy(mu), torch.from_numpy(logvar)

    def slot_input(self, slots) -> torch.Tensor:
        """The slots' share of the input projection plus the input bias, ``(steps, 3 hidden)``."""
        index = torch.as_tensor(np.asarray(slots, np.int64))
        return self._position[index] @ self.w_slot_t + self.b_ih

    def phrases(self, features: torch.Tensor, slots) -> "Phrases":
        """What the objective of these phrases (multi-hots ``(batch, steps, 2 pitches)``) needs that no code
        changes: the fed-back steps' and slots' input projection, time-major, and the target states."""
        features = features.float()
        previous = torch.cat([torch.zeros_like(features[:, :1]), features[:, :-1]], dim=1)
        fixed = (previous @ self.w_prev_t + self.slot_input(slots)).transpose(0, 1).contiguous()
        states = roll_targets(features, self.pitches)
        return Phrases(fixed, states.transpose(0, 1).contiguous())

    def objective(self, z: torch.Tensor, phrases: "Phrases", logvar: torch.Tensor | None = None,
                  beta: float = 0.0, free_bits: float = 0.0, grad: bool = True):
        """Per phrase ``(batch,)``: the teacher-forced reconstruction loss (nats summed over the phrase's cells)
        plus ``beta`` times the KL of (z, ``logvar``) to N(0, I) above ``free_bits`` (:func:`~.refine.code_loss`),
        and, with ``grad``, its gradient with respect to z ``(batch, latent)`` (else None)."""
        with torch.no_grad():
            return self._objective(z.detach().float(), phrases, logvar, beta, free_bits, grad)

    def _objective(self, z, phrases, logvar, beta, free_bits, grad):
        if self._small(len(z)):
            lv = np.zeros((0, self.latent), np.float32) if logvar is None else _np(logvar)
            loss, dz = self._fused.objective(_np(z), _np(phrases.fixed), np.ascontiguousarray(phrases.states.numpy()),
                                             lv, float(beta), float(free_bits), bool(grad), **self._arrays_objective)
            return torch.from_numpy(loss.astype(np.float32)), torch.from_numpy(dz) if grad else None
        fixed, states = phrases.fixed, phrases.states
        steps, batch = fixed.shape[:2]
        n = self.hidden
        gi = fixed + (z @ self.w_z_t)[None]                                   # (steps, batch, 3 hidden)
        gi_ru = (gi[..., :2 * n] + self.b_hh[:2 * n]).unbind(0)               # r and u: input and hidden biases
        gi_n = gi[..., 2 * n:].contiguous().unbind(0)
        h0 = torch.tanh(torch.addmm(self.b_state, z, self.w_state_t))
        hs = torch.empty(steps + 1, batch, n)
        hs[0] = h0
        gates = torch.empty(steps, batch, 2 * n)        # r, u after the sigmoid
        news = torch.empty(steps, batch, n)
        gh_new = torch.empty(steps, batch, n)
        r_t, u_t = gates[..., :n].unbind(0), gates[..., n:].unbind(0)
        gates_t, news_t, gh_t, hs_t = gates.unbind(0), news.unbind(0), gh_new.unbind(0), hs.unbind(0)
        w_ru, w_n, b_n = self._w_hh_ru_t, self._w_hh_n_t, self.b_hh[2 * n:]
        h = h0
        for t in range(steps):
            torch.sigmoid(torch.addmm(gi_ru[t], h, w_ru, out=gates_t[t]), out=gates_t[t])
            ghn = torch.addmm(b_n, h, w_n, out=gh_t[t])
            new = torch.tanh(torch.addcmul(gi_n[t], r_t[t], ghn), out=news_t[t])
            h = torch.lerp(new, h, u_t[t], out=hs_t[t + 1])
        logits = torch.addmm(self.b_head, hs[1:].reshape(-1, n), self.w_head_t).view(steps, batch, -1, STATES)
        logp = torch.log_softmax(logits, dim=-1)
        picked = logp.gather(-1, states[..., None])[..., 0]                    # (steps, batch, pitches)
        loss = -picked.sum(dim=(0, 2))
        kl = None
        if logvar is not None:
            kl = kl_per_dim(z, logvar).sum(dim=1)
            loss = loss + beta * torch.clamp(kl - free_bits, min=0.0)
        if not grad:
            return loss, None
        d_logits = logp.exp_()
        d_logits.scatter_add_(-1, states[..., None], torch.full_like(d_logits[..., :1], -1.0))
        d_h = (d_logits.view(steps * batch, -1) @ self.w_head).view(steps, batch, n)
        r, u = gates[..., :n], gates[..., n:]
        new, h_prev = news, hs[:-1]
        a = (1.0 - u) * (1.0 - new * new)                   # d new-preactivation / d h
        coef_i = torch.cat([a * gh_new * r * (1.0 - r), (h_prev - new) * u * (1.0 - u), a], dim=-1)
        coef_h = coef_i.clone()
        coef_h[..., 2 * n:] *= r
        coef_i, coef_h = coef_i.view(steps, batch, 3, n), coef_h.view(steps, batch, 3, n)
        d_all = torch.empty(steps, batch, n)
        carry = torch.zeros(batch, n)
        d_h_t, d_all_t, coef_t, u_t = d_h.unbind(0), d_all.unbind(0), coef_h.unbind(0), u.unbind(0)
        for t in range(steps - 1, -1, -1):
            dh = torch.add(d_h_t[t], carry, out=d_all_t[t])
            d_gh = torch.mul(dh[:, None], coef_t[t]).view(batch, 3 * n)
            carry = torch.addmm(dh * u_t[t], d_gh, self.w_hh)
        d_gi = (d_all[:, :, None] * coef_i).sum(dim=0).view(batch, 3 * n)
        dz = d_gi @ self.w_z + (carry * (1.0 - h0 * h0)) @ self.w_state
        if kl is not None and beta > 0:
            dz = dz + beta * (kl > free_bits).float()[:, None] * z
        return loss, dz

    def decode(self, z: torch.Tensor, slots, temperature: float = 0.0, allowed: torch.Tensor | None = None,
               generator: torch.Generator | None = None) -> torch.Tensor:
        """``(batch, steps, pitches)`` states, as :meth:`~.model.PolyVAE.decode_states` writes them: greedy at
        temperature 0, else sampled; a hold only where the pitch sounded the step before; ``allowed``
        ``(pitches,)`` bools masks onsets of the other pitches."""
        with torch.no_grad():
            return self._decode(z.detach().float(), slots, temperature, allowed, generator)

    def _decode(self, z, slots, temperature, allowed, generator):
        if temperature <= 0 and self._small(len(z)):
            a = self._arrays
            mask = (np.ones(self.pitches, np.bool_) if allowed is None
                    else np.ascontiguousarray(torch.as_tensor(allowed, dtype=torch.bool).cpu().numpy()))
            return torch.from_numpy(self._fused.greedy(
                _np(z), _np(self.slot_input(slots)), mask, a["w_z_t"], a["w_state_t"], a["b_state"], a["w_prev_t"],
                a["w_hh_t"], a["b_hh"], a["w_head_t"], a["b_head"]))
        batch, steps, n, p = len(z), len(slots), self.hidden, self.pitches
        fixed = self.slot_input(slots)[:, None] + (z @ self.w_z_t)[None]       # (steps, batch, 3 hidden)
        fixed_ru = (fixed[..., :2 * n] + self.b_hh[:2 * n]).unbind(0)
        fixed_n = fixed[..., 2 * n:].contiguous().unbind(0)
        w_prev_ru, w_prev_n = self._w_prev_ru_t, self._w_prev_n_t
        w_ru, w_n, b_n = self._w_hh_ru_t, self._w_hh_n_t, self.b_hh[2 * n:]
        h = torch.tanh(torch.addmm(self.b_state, z, self.w_state_t))
        previous = torch.zeros(batch, 2 * p)
        quiet = torch.ones(batch, p, dtype=torch.bool)              # pitches not sounding at the step before
        onset_mask = None if allowed is None else ~torch.as_tensor(allowed, dtype=torch.bool)
        out = []
        for t in range(steps):
            ru = torch.sigmoid(torch.addmm(torch.addmm(fixed_ru[t], previous, w_prev_ru), h, w_ru))
            new = torch.tanh(torch.addcmul(torch.addmm(fixed_n[t], previous, w_prev_n), ru[:, :n],
                                           torch.addmm(b_n, h, w_n)))
            h = torch.lerp(new, h, ru[:, n:])
            logits = torch.addmm(self.b_head, h, self.w_head_t).view(batch, p, STATES)
            logits[..., HOLD].masked_fill_(quiet, -1e9)
            if onset_mask is not None:
                logits[..., ONSET].masked_fill_(onset_mask, -1e9)
            if temperature <= 0:
                states = logits.argmax(dim=-1)
            else:
                probs = torch.softmax(logits / temperature, dim=-1).reshape(-1, STATES)
                states = torch.multinomial(probs, 1, generator=generator).view(batch, p)
            out.append(states)
            quiet = states == OFF
            previous = torch.cat([states == ONSET, ~quiet], dim=-1).float()
        return torch.stack(out, dim=1)


@dataclass(frozen=True)
class Phrases:
    """A batch of phrases as :meth:`Kernel.objective` reads them: ``fixed`` ``(steps, batch, 3 hidden)``, the
    input projection of what the decoder is fed besides z, and ``states`` ``(steps, batch, pitches)``."""
    fixed: torch.Tensor
    states: torch.Tensor

    def __len__(self) -> int:
        return self.fixed.shape[1]

    def select(self, rows) -> "Phrases":
        return Phrases(self.fixed[:, rows], self.states[:, rows])


def main(argv: list[str] | None = None) -> int:
    """``python -m musicstudio.generators.vae_poly.kernel [MODEL]``: compile the kernel's loops for a model (the
    shipped ``vae-poly`` unless named) and keep them in numba's disk cache, so that the app's first studio job does
    not wait for the compiler (30 to 45 s on the development machine, once per install; `make setup` runs it).
    Prints what it did; exits 0 where there is nothing to compile (no numba, no disk cache, no such model)."""
    import argparse
    import time

    p = argparse.ArgumentParser(prog="python -m musicstudio.generators.vae_poly.kernel",
                                description="compile the polyphonic VAE's kernel loops into numba's disk cache")
    p.add_argument("model", nargs="?", default="vae-poly")
    args = p.parse_args(argv)
    if compiled_loops() is None:
        print("vae-poly kernel: numba is absent or cannot cache its code here; the torch path runs")
        return 0
    from musicstudio.generators.checkpoint import CheckpointError
    from musicstudio.generators.registry import ModelRegistry  # by name, as the app finds it: no import cycle

    started = time.perf_counter()
    try:
        generator = ModelRegistry().load(args.model, "cpu")       # builds the kernel and warms its loops up
    except CheckpointError as e:
        print(f"vae-poly kernel: nothing compiled ({e})")
        return 0
    kind = "compiled" if generator._kernel is not None and generator._kernel.compiled else "torch (not compiled)"
    print(f"vae-poly kernel: {kind} loops ready for {args.model} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
