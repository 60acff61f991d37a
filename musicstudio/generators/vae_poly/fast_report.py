"""``python -m musicstudio.generators.vae_poly.fast_report [MODEL] --net FILE --hidden H --trained-steps K
--split valid --json FILE --docs FILE``: greedy reconstruction from the codes of the learned update network
(:mod:`.iterative`) after each number of steps k = 0 .. K, over all phrases and by meter, beside Adam's
refinement (:mod:`.refine`) after the same number of steps (``--adam-lr``), and what each costs a 4-bar phrase.

Measured on the valid split of the piece cache (choose there; the test split is measured once, with the chosen
setting, by :mod:`.report`), at most ``--per-meter`` 2-bar phrases a meter, the same fixed random pick as
:mod:`.refine_report`; each phrase keeps its best code by the objective (the encoder's mean included) both ways.
The time per 4-bar phrase (two 2-bar codes: encoded, moved, then decoded greedily, as the generator does for a
new selection) is the median of ``--repeats`` runs on one torch thread, of a 4/4 phrase of the split, with its
processor time beside it (the machine is shared: the wall time grows with the load).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch


def _trajectories(vae, kernel, net, groups, steps: int, beta: float, free_bits: float, adam_lr: float) -> list[dict]:
    from musicstudio.generators.vae_poly.iterative import fast_codes
    from musicstudio.generators.vae_poly.refine import refine_steps

    rows = []
    for method in ("learned", "adam"):
        hits = {k: {} for k in range(steps + 1)}
        losses = {k: [] for k in range(steps + 1)}
        for meter, rolls, slots, features in groups:
            with torch.no_grad():
                mu, logvar = vae.model.encode(features, slots)
            phrases = kernel.phrases(features, slots)
            if method == "learned":
                found = [(k, *fast_codes(kernel, net, phrases, mu, logvar, k, beta, free_bits))
                         for k in range(steps + 1)]
            else:
                found = [(k, z.clone(), loss.clone()) for k, z, loss in
                         refine_steps(vae.model, features, slots, steps, adam_lr, beta, free_bits=free_bits)]
            for k, z, loss in found:
                hits[k][meter] = (kernel.decode(z, slots).numpy() == rolls).all(axis=-1)
                losses[k].append(loss.numpy())
        for k in range(steps + 1):
            every = np.concatenate([h.ravel() for h in hits[k].values()])
            rows.append({"method": method, "steps": k, "step_accuracy": round(float(every.mean()), 4),
                         "by_meter": {f"{m[0]}/{m[1]}": round(float(h.mean()), 4) for m, h in hits[k].items()},
                         "objective": round(float(np.concatenate(losses[k]).mean()), 2)})
    return rows


def _times(vae, kernel, net, rolls: np.ndarray, steps: int, beta: float, free_bits: float, adam_lr: float,
           repeats: int) -> dict:
    from musicstudio.generators.vae_poly.iterative import fast_codes
    from musicstudio.generators.vae_poly.objective import as_features
    from musicstudio.generators.vae_poly.refine import refine_codes

    slots = vae.config.slots((4, 4), rolls.shape[1])
    features = as_features(rolls[:2])

    def learned(k):
        with torch.no_grad():
            mu, logvar = vae.model.encode(features, slots)
        z, _ = fast_codes(kernel, net, kernel.phrases(features, slots), mu, logvar, k, beta, free_bits)
        kernel.decode(z, slots)

    def adam(k):
        z, _ = refine_codes(vae.model, features, slots, k, adam_lr, beta, free_bits)
        kernel.decode(z, slots)

    out = {}
    for name, fn in (("learned", learned), ("adam", adam)):
        for k in range(steps + 1):
            wall, cpu = [], []
            for _ in range(repeats + 1):
                w, c = time.perf_counter(), time.process_time()
                fn(k)
                wall.append(1000 * (time.perf_counter() - w))
                cpu.append(1000 * (time.process_time() - c))
            out[f"{name} {k}"] = {"wall_ms": round(float(np.median(wall[1:])), 1),
                                  "cpu_ms": round(float(np.median(cpu[1:])), 1)}
    return out


def markdown(rows: list[dict], times: dict, meters: list[str], command: str) -> str:
    lines = [f"Written by `{command}`.", "",
             "| method | K | greedy step accuracy | " + " | ".join(meters) + " | objective (nats) | ms a 4-bar "
             "phrase (wall / processor) |", "|---|---:|---:|" + "---:|" * len(meters) + "---:|---:|"]
    for r in rows:
        t = times.get(f"{r['method']} {r['steps']}", {})
        cell = f"{t['wall_ms']} / {t['cpu_ms']}" if t else ""
        lines.append(f"| {r['method']} | {r['steps']} | {r['step_accuracy']:.4f} | "
                     + " | ".join(f"{r['by_meter'].get(m, float('nan')):.3f}" for m in meters)
                     + f" | {r['objective']:.1f} | {cell} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m musicstudio.generators.vae_poly.fast_report")
    p.add_argument("model", nargs="?", default="vae-poly")
    p.add_argument("--net", required=True, help="the update network's .safetensors file")
    p.add_argument("--hidden", type=int, required=True)
    p.add_argument("--trained-steps", type=int, required=True)
    p.add_argument("--beta", type=float, default=0.2)
    p.add_argument("--free-bits", type=float, default=512.0)
    p.add_argument("--adam-lr", type=float, default=0.1)
    p.add_argument("--cache", default="cache/poly-pieces.npz")
    p.add_argument("--split", default="valid", choices=("train", "valid", "test"))
    p.add_argument("--per-meter", type=int, default=200)
    p.add_argument("--repeats", type=int, default=15)
    p.add_argument("--json")
    p.add_argument("--docs")
    args = p.parse_args(argv)

    from musicstudio.generators.vae_poly.iterative import Fast, _groups, load_net
    from musicstudio.generators.vae_poly.kernel import Kernel
    from musicstudio.generators.vae_poly.refine_report import write_outputs
    from musicstudio.generators.vae_poly.report import load_model

    torch.set_num_threads(1)
    vae = load_model(args.model)
    fast = Fast(args.trained_steps, Path(args.net).name, args.hidden, args.beta, args.free_bits)
    net = load_net(Path(args.net), vae.config.latent, fast)
    kernel = Kernel(vae.model)
    groups = _groups(vae, args.cache, args.split, args.per_meter)
    rows = _trajectories(vae, kernel, net, groups, args.trained_steps, args.beta, args.free_bits, args.adam_lr)
    four = [g for g in groups if g[0] == (4, 4)]
    times = _times(vae, kernel, net, four[0][1], args.trained_steps, args.beta, args.free_bits, args.adam_lr,
                   args.repeats) if four and len(four[0][1]) >= 2 else {}
    meters = [f"{m[0]}/{m[1]}" for m, *_ in groups]
    command = "python -m musicstudio.generators.vae_poly.fast_report " + " ".join(
        argv if argv is not None else sys.argv[1:])
    result = {"model": vae.name, "split": args.split, "phrases": {f"{m[0]}/{m[1]}": len(r) for m, r, *_ in groups},
              "rows": rows, "times": times, "command": command}
    write_outputs(result, markdown(rows, times, meters, command), args.json, args.docs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
