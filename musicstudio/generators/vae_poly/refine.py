"""Refining the encoder's code: semi-amortised inference for the polyphonic VAE.

The encoder gives each phrase a posterior mean in one pass; that mean need not be the code the decoder reads
best (the amortisation gap: Cremer, Li & Duvenaud, "Inference Suboptimality in Variational Autoencoders",
2018). :func:`refine_codes` starts from it and takes a few Adam steps on the phrase's own objective with
respect to the variational mean alone (the network's weights stay as they are): Kim, Wiseman, Miller, Sontag &
Rush, "Semi-Amortized Variational Autoencoders", 2018; Krishnan, Liang & Hoffman, "On the Challenges of
Learning with Inference Networks on Sparse, High-dimensional Data", 2018.

The objective per phrase (:func:`code_loss`, lower is better) is the negative ELBO at the mean, in the form the
model was trained with: the decoder's teacher-forced reconstruction loss of the phrase (the true previous steps
fed back, as in training, nats summed over its cells) at z = mean, plus ``beta`` times the KL of q (the mean,
and the encoder's own log-variance, which stays fixed) to N(0, I), the prior the model was trained against,
above ``free_bits`` nats (beta 1 and no free bits: the ELBO itself). Each phrase keeps the best code its steps
reached, the encoder's mean included, so a refined code is never worse than the encoder's by that objective.
With the phrase's own steps fed back (teacher forcing) and the autoregressive decoder, the objective and its
gradient come from the hand-written decoder of :mod:`.kernel` (the same figures, about half the time a step of
autograd through ``nn.GRU``); the other feedbacks go through autograd.
Safe to import: no side effects.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from musicstudio.generators.vae_poly.kernel import Kernel
from musicstudio.generators.vae_poly.model import PolyVAE, kl_per_dim
from musicstudio.generators.vae_poly.objective import phrase_objective, roll_targets, state_features


@dataclass(frozen=True)
class Refine:
    """``encoding.refine`` in a model's config.json: ``steps`` Adam steps at learning rate ``lr`` (0 steps: the
    encoder's mean as it is), the KL above ``free_bits`` weighted by ``beta`` (1 and 0: the ELBO)."""
    steps: int = 0
    lr: float = 0.05
    beta: float = 1.0
    free_bits: float = 0.0

    @classmethod
    def from_config(cls, config: dict | None) -> "Refine":
        spec = ((config or {}).get("encoding") or {}).get("refine") or {}
        unknown = set(spec) - {"steps", "lr", "beta", "free_bits"}
        if unknown:
            raise ValueError(f"encoding.refine has no {', '.join(sorted(unknown))} (steps, lr, beta, free_bits)")
        out = cls(int(spec.get("steps", 0)), float(spec.get("lr", cls.lr)), float(spec.get("beta", cls.beta)),
                  float(spec.get("free_bits", cls.free_bits)))
        if out.steps < 0 or out.lr <= 0 or out.beta < 0 or out.free_bits < 0:
            raise ValueError(f"encoding.refine needs steps >= 0, lr > 0, beta >= 0 and free_bits >= 0, not {spec}")
        return out


def code_loss(model: PolyVAE, z: torch.Tensor, logvar: torch.Tensor, fed: torch.Tensor, slots,
              targets: torch.Tensor, beta: float = 1.0, free_bits: float = 0.0) -> torch.Tensor:
    """Per phrase ``(batch,)``: the reconstruction loss of ``targets`` at ``z``, the decoder fed ``fed`` as the
    previous steps (the phrase's own multi-hots: teacher forcing), plus ``beta`` times KL(q || N(0, I)) above
    ``free_bits``, nats."""
    logits = model.decode_logits(z, fed, slots)
    return phrase_objective(logits, targets, kl_per_dim(z, logvar).sum(dim=1), beta, free_bits)[0]


def refine_steps(model: PolyVAE, features: torch.Tensor, slots, steps: int, lr: float = 0.05, beta: float = 1.0,
                 feedback: str = "true", free_bits: float = 0.0, kernel: Kernel | None = None):
    """Yield ``(k, best codes, their losses)`` after each of ``steps`` Adam steps (k = 0: the encoder's mean).
    ``feedback``: what the decoder is fed as the previous steps while the codes are refined: ``true`` (the
    phrase's own, teacher forcing: the ELBO), ``greedy`` (its greedy decoding of the current code, the targets
    still the phrase's) or ``dropout`` (the phrase's, half of them blanked as in training)."""
    if feedback not in ("true", "greedy", "dropout"):
        raise ValueError(f"no feedback {feedback!r} (true, greedy or dropout)")
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            mu, logvar = model.encode(features, slots)
        targets = roll_targets(features, model.config.pitches)
        z = mu.clone().requires_grad_(True)
        best, best_loss = mu.clone(), None
        optimiser = torch.optim.Adam([z], lr=lr)
        phrases = None
        if feedback == "true" and not model.parallel and features.device.type == "cpu":
            kernel = kernel or Kernel(model)
            phrases = kernel.phrases(features, slots)
        else:
            kernel = None
        for k in range(steps + 1):
            if kernel is not None:
                loss, grad = kernel.objective(z, phrases, logvar, beta, free_bits, grad=k < steps)
            else:
                fed = features
                if feedback == "greedy":
                    fed = state_features(model.decode_states(z.detach(), slots))
                model.train(feedback == "dropout")
                with torch.enable_grad():
                    loss = code_loss(model, z, logvar, fed, slots, targets, beta, free_bits)
                    grad = torch.autograd.grad(loss.sum(), z)[0] if k < steps else None
                model.eval()
            loss = loss.detach()
            if best_loss is None:
                best_loss = loss.clone()
            else:
                better = loss < best_loss
                best[better] = z.detach()[better]
                best_loss = torch.minimum(loss, best_loss)
            yield k, best, best_loss
            if grad is not None:
                z.grad = grad
                optimiser.step()
    finally:
        model.train(was_training)


def refine_codes(model: PolyVAE, features: torch.Tensor, slots, steps: int, lr: float = 0.05, beta: float = 1.0,
                 free_bits: float = 0.0, cancel=None,
                 kernel: Kernel | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """The refined means ``(batch, latent)`` of the phrases whose multi-hots are ``features`` and their losses
    (:func:`code_loss`, teacher-forced): each phrase's best code over ``steps`` Adam steps from the encoder's
    mean. ``cancel`` (a :class:`~musicstudio.generators.interface.CancelToken`) is checked between steps;
    ``kernel``: the model's :class:`~.kernel.Kernel` where the caller keeps one (else one is built for the call)."""
    trajectory = []
    for k, best, loss in refine_steps(model, features, slots, steps, lr, beta, free_bits=free_bits, kernel=kernel):
        trajectory[:] = [best, loss]
        if cancel is not None and k < steps:
            cancel.check()
    return trajectory[0], trajectory[1]
