"""Iterative amortised inference for the polyphonic VAE: a small learned update network that moves a phrase's
code from the encoder's mean towards the code the decoder reads best in a few steps, each step reading the
gradient of the phrase's objective at the current code (Marino, Yue & Mandt, "Iterative Amortized Inference",
2018).

Step k (k = 0 .. K-1) of :func:`fast_codes`: the objective of :func:`~.refine.code_loss` (teacher-forced
reconstruction plus beta times the KL above the free bits) and its gradient g_k at z_k, by the hand-written
decoder of :mod:`.kernel`; then ``z_{k+1} = z_k + f(z_k, z_k - mu, g_k / rms(g_k), log rms(g_k), k)``, where f
is :class:`UpdateNet`: a learned per-step, per-dimension step along the normalised gradient plus a two-layer
MLP's correction. Every phrase keeps the best code its trajectory reached by the objective (the encoder's mean
included: one objective more, without a gradient, at z_K), so the fast code is never worse than the encoder's.

Training (:func:`train`, ``python -m musicstudio.generators.vae_poly.iterative MODEL --out FILE``) runs on
the training split's 2-bar phrases against the frozen VAE: the loss is the sum over k = 1..K of the mean
objective at z_k, the gradients fed to the network detached (as Marino et al. do). Because the network's inputs
hold no graph through the decoder, the training gradient needs no backward pass of its own through it: the
objective's gradient at z_k, which the next step reads anyway, is what flows into z_k
(``sum_k <g_k, z_k>`` is backpropagated through the network alone). ``--widen-from`` starts a network for more
steps from one trained for fewer (:func:`widen_net`: its later steps begin as its last). Safe to import: no side
effects.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from musicstudio.generators.vae_poly.kernel import Kernel, Phrases
from musicstudio.generators.vae_poly.side_weights import (
    load_side_weights,
    save_side_weights,
    side_entry,
    weights_beside,
)


@dataclass(frozen=True)
class Fast:
    """``encoding.fast`` in a model's config.json: ``steps`` learned updates (K), the network's file beside the
    weights (``weights``) and its ``hidden`` width, and the objective (``beta`` on the KL above ``free_bits``)."""
    steps: int
    weights: str
    hidden: int
    beta: float = 1.0
    free_bits: float = 0.0
    trained_steps: int = 0          # the steps the network was trained for (0: ``steps``)

    def __post_init__(self) -> None:
        if self.trained_steps == 0:
            object.__setattr__(self, "trained_steps", self.steps)

    @classmethod
    def from_config(cls, config: dict | None) -> "Fast | None":
        spec = side_entry(((config or {}).get("encoding") or {}).get("fast"), "encoding.fast",
                          "steps, weights, hidden, beta, free_bits",
                          {"steps", "weights", "hidden", "beta", "free_bits", "trained_steps"},
                          {"steps", "weights", "hidden"})
        if spec is None:
            return None
        out = cls(int(spec["steps"]), str(spec["weights"]), int(spec["hidden"]), float(spec.get("beta", 1.0)),
                  float(spec.get("free_bits", 0.0)), int(spec.get("trained_steps", spec["steps"])))
        if out.steps < 1 or out.hidden < 1 or out.beta < 0 or out.free_bits < 0:
            raise ValueError(f"encoding.fast needs steps >= 1, hidden >= 1, beta >= 0, free_bits >= 0, not {spec}")
        if out.steps > out.trained_steps:
            raise ValueError(f"encoding.fast asks for {out.steps} steps of a network trained for {out.trained_steps}")
        weights_beside("encoding.fast", out.weights)
        return out


class UpdateNet(nn.Module):
    """``f(z - mu, g_hat, log rms g, the previous step's g_hat and log rms g, k)``: ``-exp(log_rate[k]) * g_hat``
    (a learned step per dimension along the normalised gradient) plus an MLP's correction of those inputs and a
    one-hot of the step k. It reads where the code has moved and the objective's gradients, at this step and the
    one before (the change of the gradient along the last step: curvature, as a quasi-Newton method reads it),
    not the code itself, so it cannot learn the training phrases' codes by heart."""

    def __init__(self, latent: int, hidden: int, steps: int):
        super().__init__()
        self.latent, self.hidden, self.steps = latent, hidden, steps
        self.log_rate = nn.Parameter(torch.full((steps, latent), float(np.log(0.05))))
        self.mlp = nn.Sequential(nn.Linear(3 * latent + 2 + steps, hidden), nn.Tanh(), nn.Linear(hidden, hidden),
                                 nn.Tanh(), nn.Linear(hidden, latent))
        nn.init.zeros_(self.mlp[-1].weight)
        nn.init.zeros_(self.mlp[-1].bias)

    def forward(self, z: torch.Tensor, mu: torch.Tensor, grad: torch.Tensor, k: int,
                previous: torch.Tensor | None = None) -> torch.Tensor:
        """The update of codes ``z`` (encoder's means ``mu``) at step ``k``, ``grad`` the objective's gradient at
        z, ``previous`` that at the step before (None at the first step)."""
        g_hat, log_rms = _normalised(grad)
        if previous is None:
            p_hat, p_log = torch.zeros_like(g_hat), torch.zeros_like(log_rms)
        else:
            p_hat, p_log = _normalised(previous)
        step = torch.zeros(len(z), self.steps)
        step[:, k] = 1.0
        x = torch.cat([z - mu, g_hat, log_rms, p_hat, p_log, step], dim=1)
        return -torch.exp(self.log_rate[k]) * g_hat + self.mlp(x)


def _normalised(grad: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    rms = grad.pow(2).mean(dim=1, keepdim=True).sqrt().clamp_min(1e-8)
    return grad / rms, torch.log(rms)


def fast_codes(kernel: Kernel, net: UpdateNet, phrases: Phrases, mu: torch.Tensor, logvar: torch.Tensor,
               steps: int, beta: float, free_bits: float, cancel=None) -> tuple[torch.Tensor, torch.Tensor]:
    """Each phrase's best code over ``steps`` learned updates from the encoder's mean ``mu``, and its objective
    (:func:`~.refine.code_loss`). ``cancel`` is checked between steps."""
    if not 0 <= steps <= net.steps:
        raise ValueError(f"the update network was trained for 1 to {net.steps} steps, not {steps}")
    with torch.no_grad():
        z = mu.detach().float()
        best, best_loss, previous = z.clone(), None, None
        for k in range(steps + 1):
            loss, grad = kernel.objective(z, phrases, logvar, beta, free_bits, grad=k < steps)
            if best_loss is None:
                best_loss = loss.clone()
            else:
                better = loss < best_loss
                best[better] = z[better]
                best_loss = torch.minimum(loss, best_loss)
            if k < steps:
                if cancel is not None:
                    cancel.check()
                z, previous = z + net(z, mu, grad, k, previous), grad
    return best, best_loss


def load_net(path: Path, latent: int, fast: Fast) -> UpdateNet:
    """The update network in ``path`` (safetensors), checked: present, small, finite, the shapes of a network
    of ``fast.hidden`` units for ``fast.trained_steps`` steps over ``latent`` dimensions."""
    return load_side_weights(
        path, UpdateNet(latent, fast.hidden, fast.trained_steps), "the update network",
        "the model's encoding.fast names this update network, and it is missing",
        f"the update network encoding.fast describes ({fast.hidden} hidden units, {fast.trained_steps} steps, "
        f"{latent} latent dimensions)")


def widen_net(path: Path, latent: int, hidden: int, steps: int) -> UpdateNet:
    """A network for ``steps`` updates warm-started from the one in ``path`` (``hidden`` units, trained for
    fewer steps, K0): its weights as they are, and each later step k >= K0 starting as its last step K0 - 1
    (that step's ``log_rate`` row and the step one-hot's input column copied), so the first K0 steps move codes
    exactly as the smaller network does."""
    from musicstudio.generators.checkpoint import CheckpointError
    from musicstudio.generators.weights_header import WeightsFileError, read_header

    try:
        shape = read_header(Path(path)).shapes().get("log_rate")
    except (WeightsFileError, OSError) as e:
        raise CheckpointError(Path(path), f"the update network to widen cannot be read ({e})") from None
    if not shape or len(shape) != 2:
        raise CheckpointError(Path(path), "it is not an update network (no log_rate of steps x latent)")
    trained = int(shape[0])
    if not 1 <= trained <= steps:
        raise ValueError(f"widening a network trained for {trained} steps to {steps}: it needs at least as many")
    old = load_net(Path(path), latent, Fast(trained, Path(path).name, hidden))
    net = UpdateNet(latent, hidden, steps)
    state = {k: v.clone() for k, v in old.state_dict().items()}
    state["log_rate"] = torch.cat([state["log_rate"], state["log_rate"][-1:].expand(steps - trained, -1)])
    weight = state["mlp.0.weight"]                      # inputs: 3 * latent + 2 features, then the step one-hot
    state["mlp.0.weight"] = torch.cat([weight, weight[:, -1:].expand(-1, steps - trained)], dim=1)
    net.load_state_dict(state)
    return net


def save_net(net: UpdateNet, path: Path) -> Path:
    return save_side_weights(net, path)


# -- training ---------------------------------------------------------------------------------------------------
def _groups(vae, cache, split: str, per_meter: int | None = None, seed: int = 0, transpose=(0,)):
    from musicstudio.generators.vae_poly.data import read_cache
    from musicstudio.generators.vae_poly.objective import as_features
    from musicstudio.generators.vae_poly.phrases import meter_groups, pick

    groups, _ = meter_groups(read_cache(cache) if not isinstance(cache, tuple) else cache, split, vae.codec,
                             vae.config, transpose)
    if per_meter:
        groups = pick(groups, per_meter, seed)
    out = []
    for meter, rolls in groups.items():
        slots = vae.config.slots(meter, rolls.shape[1])
        out.append((meter, rolls, slots, as_features(rolls)))
    return out


def score(vae, kernel: Kernel, net: UpdateNet, groups, steps: int, beta: float, free_bits: float,
          batch: int = 256) -> dict:
    """Greedy step accuracy (the report's measure) and mean objective of the fast codes, over all phrases."""
    hits, losses = [], []
    for _, rolls, slots, features in groups:
        for i in range(0, len(rolls), batch):
            x = features[i:i + batch]
            with torch.no_grad():
                mu, logvar = vae.model.encode(x, slots)
            z, loss = fast_codes(kernel, net, kernel.phrases(x, slots), mu, logvar, steps, beta, free_bits)
            hits.append((kernel.decode(z, slots).numpy() == rolls[i:i + batch]).all(axis=-1).ravel())
            losses.append(loss.numpy())
    return {"step_accuracy": float(np.concatenate(hits).mean()), "objective": float(np.concatenate(losses).mean())}


def train(vae, cache, out: Path, steps: int = 4, hidden: int = 512, beta: float = 0.2, free_bits: float = 512.0,
          batch: int = 64, lr: float = 1e-3, minutes: float = 30.0, validate_minutes: float = 3.0,
          valid_per_meter: int = 60, seed: int = 0, transpose=(0,), init: Path | None = None,
          widen_from: Path | None = None, log=print) -> dict:
    """Train an :class:`UpdateNet` for ``steps`` updates on the training split (phrases drawn per batch from one
    meter, in proportion to the meters' phrases; each training piece in every transposition of ``transpose``) for
    ``minutes``; every ``validate_minutes`` score it on a fixed
    pick of the valid split at ``steps`` updates and keep the best by greedy step accuracy, written to
    ``out``; ``init``: a network of the same shape to start from; ``widen_from``: one trained for fewer steps,
    widened by :func:`widen_net`. Returns the history."""
    if init is not None and widen_from is not None:
        raise ValueError("start from one network: init (the same shape) or widen_from (fewer steps), not both")
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = vae.model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    kernel = Kernel(model)
    train_groups = _groups(vae, cache, "train", transpose=transpose)
    valid_groups = _groups(vae, cache, "valid", valid_per_meter)
    sizes = np.array([len(g[1]) for g in train_groups], float)
    log(f"training phrases: {int(sizes.sum())} in {len(sizes)} meters; valid pick: "
        f"{sum(len(g[1]) for g in valid_groups)}")
    net = UpdateNet(model.config.latent, hidden, steps)
    if init is not None:
        net = load_net(Path(init), model.config.latent, Fast(steps, Path(init).name, hidden))
        net.train()
    if widen_from is not None:
        net = widen_net(Path(widen_from), model.config.latent, hidden, steps).train()
    optimiser = torch.optim.Adam(net.parameters(), lr=lr)
    history, best = [], None
    started = last = time.monotonic()
    batches = 0

    def validate():
        nonlocal best
        net.eval()
        s = score(vae, kernel, net, valid_groups, steps, beta, free_bits)
        net.train()
        row = {"minutes": round((time.monotonic() - started) / 60, 2), "batches": batches, **s}
        history.append(row)
        log(json.dumps(row))
        if best is None or s["step_accuracy"] > best["step_accuracy"]:
            best = row
            save_net(net, out)

    validate()
    while time.monotonic() - started < minutes * 60:
        _, rolls, slots, features = train_groups[rng.choice(len(sizes), p=sizes / sizes.sum())]
        rows = rng.choice(len(rolls), size=min(batch, len(rolls)), replace=False)
        x = features[rows]
        with torch.no_grad():
            mu, logvar = model.encode(x, slots)
        phrases = kernel.phrases(x, slots)
        z = mu
        _, grad = kernel.objective(z, phrases, logvar, beta, free_bits)
        surrogate, total, previous = 0.0, 0.0, None
        for k in range(steps):
            z, previous = z + net(z, mu, grad, k, previous), grad
            loss, grad = kernel.objective(z, phrases, logvar, beta, free_bits)
            surrogate = surrogate + (grad * z).sum() / len(z)       # d/dz of the mean objective at z_k is grad/len
            total += float(loss.mean())
        optimiser.zero_grad()
        surrogate.backward()
        nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        optimiser.step()
        batches += 1
        if batches % 50 == 0:
            log(f"batch {batches}: mean objective over the steps {total / steps:.1f}")
        if time.monotonic() - last >= validate_minutes * 60:
            last = time.monotonic()
            validate()
    validate()
    return {"history": history, "best": best}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m musicstudio.generators.vae_poly.iterative",
                                description="train the polyphonic VAE's update network (iterative amortised "
                                            "inference) against the frozen model")
    p.add_argument("model", nargs="?", default="vae-poly")
    p.add_argument("--out", required=True, help="the network's .safetensors file")
    p.add_argument("--cache", default="cache/poly-pieces.npz")
    p.add_argument("--steps", type=int, default=4)
    p.add_argument("--hidden", type=int, default=512)
    p.add_argument("--beta", type=float, default=0.2)
    p.add_argument("--free-bits", type=float, default=512.0)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--minutes", type=float, default=30.0)
    p.add_argument("--validate-minutes", type=float, default=3.0)
    p.add_argument("--transpose", default="0", help="semitones, comma-separated: the training pieces' transpositions")
    p.add_argument("--init", help="a network of the same shape to start from")
    p.add_argument("--widen-from", help="a network of the same width trained for fewer steps to start from, its "
                                        "later steps starting as its last")
    p.add_argument("--history", help="a JSON file for the validation history")
    args = p.parse_args(argv)

    from musicstudio.generators.registry import ModelRegistry  # the backend by name: no import cycle

    folder = Path(args.model) if Path(args.model).is_dir() else Path("models") / args.model
    torch.set_num_threads(1)
    vae = ModelRegistry([folder.parent]).load(folder.name, "cpu")
    result = train(vae, args.cache, Path(args.out), args.steps, args.hidden, args.beta,
                   args.free_bits, args.batch, args.lr, args.minutes, args.validate_minutes,
                   transpose=tuple(int(t) for t in args.transpose.split(",")), init=args.init,
                   widen_from=args.widen_from)
    if args.history:
        Path(args.history).write_text(json.dumps(result, indent=1) + "\n", "utf-8")
    print(json.dumps(result["best"]), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
