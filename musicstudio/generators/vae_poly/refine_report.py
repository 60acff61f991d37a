"""``python -m musicstudio.generators.vae_poly.refine_report [MODEL] --split valid --json FILE --docs FILE``: how much
refining the encoder's code (:mod:`.refine`) buys greedy reconstruction, for each number of Adam steps K,
learning rate, KL weight and what the decoder is fed while refining; and what it costs a 4-bar phrase.

Measured on the valid split of the piece cache (choose there; the test split is measured once, with the chosen
setting, by :mod:`.report`), at most ``--per-meter`` 2-bar phrases a meter (a fixed random pick), each scored as
the report scores it: the share of steps whose every pitch's state comes back when the code is decoded greedily
(:func:`~.objective.step_accuracy`), over all the phrases and by meter. One trajectory per setting: the figure
at K is that of each phrase's best code after K steps. The time per 4-bar phrase (two 2-bar codes refined in
one batch, then decoded) is the median of ``--repeats`` runs on one torch thread, of a 4/4 phrase of the split.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

from musicstudio.generators.vae_poly.phrases import pick


def trajectory(vae, groups: dict, ks: list[int], lr: float, beta: float, feedback: str,
               free_bits: float = 0.0) -> list[dict]:
    """Per K in ``ks``: greedy step accuracy over all phrases and by meter, and the mean objective."""
    from musicstudio.generators.vae_poly.objective import as_features
    from musicstudio.generators.vae_poly.refine import refine_steps

    hits = {k: {} for k in ks}
    losses = {k: [] for k in ks}
    for meter, rolls in groups.items():
        slots = vae.config.slots(meter, rolls.shape[1])
        for k, best, loss in refine_steps(vae.model, as_features(rolls), slots, max(ks), lr, beta, feedback,
                                             free_bits):
            if k in hits:
                with torch.no_grad():
                    decoded = vae.model.decode_states(best, slots).numpy()
                hits[k][meter] = (decoded == rolls).all(axis=-1)
                losses[k].append(loss.numpy())
    rows = []
    for k in ks:
        every = np.concatenate([h.ravel() for h in hits[k].values()])
        rows.append({"feedback": feedback, "beta": beta, "free_bits": free_bits, "lr": lr, "steps": k,
                     "step_accuracy": round(float(every.mean()), 4),
                     "by_meter": {f"{m[0]}/{m[1]}": round(float(h.mean()), 4) for m, h in hits[k].items()},
                     "objective": round(float(np.concatenate(losses[k]).mean()), 2)})
    return rows


def time_per_phrase(vae, rolls: np.ndarray, meter, steps: int, lr: float, repeats: int) -> float:
    """Median ms to refine and decode one 4-bar phrase (two 2-bar codes)."""
    from musicstudio.generators.vae_poly.objective import as_features
    from musicstudio.generators.vae_poly.refine import refine_codes

    slots = vae.config.slots(meter, rolls.shape[1])
    features = as_features(rolls[:2])
    out = []
    for _ in range(repeats + 1):
        started = time.perf_counter()
        z, _ = refine_codes(vae.model, features, slots, steps, lr)
        vae.model.decode_states(z, slots)
        out.append(1000 * (time.perf_counter() - started))
    return round(float(np.median(out[1:])), 1)


def markdown(rows: list[dict], timings: dict, meters: list[str], command: str) -> str:
    head = "| fed back | beta | free bits | lr | K | greedy step accuracy | " + " | ".join(meters)
    lines = [f"Written by `{command}` (the last column: teacher-forced refinement, whatever is fed back).", "",
             head + " | objective (nats) | ms a 4-bar phrase |",
             "|---|---:|---:|---:|---:|---:|" + "---:|" * len(meters) + "---:|---:|"]
    for r in rows:
        ms = timings.get(str(r["steps"]), "")
        lines.append(f"| {r['feedback']} | {r['beta']:g} | {r.get('free_bits', 0):g} | {r['lr']:g} | {r['steps']} | "
                     f"{r['step_accuracy']:.4f} | "
                     + " | ".join(f"{r['by_meter'].get(m, float('nan')):.3f}" for m in meters)
                     + f" | {r['objective']:.1f} | {ms} |")
    return "\n".join(lines) + "\n"


def _floats(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x]


def write_outputs(result: dict, text: str, json_path: str | None, docs_path: str | None) -> None:
    """A table tool's figures to ``json_path`` and its Markdown to ``docs_path`` (where given), the Markdown
    printed."""
    if json_path:
        Path(json_path).write_text(json.dumps(result, indent=1) + "\n", "utf-8")
    if docs_path:
        Path(docs_path).write_text(text, "utf-8")
    print(text)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m musicstudio.generators.vae_poly.refine_report")
    p.add_argument("model", nargs="?", default="vae-poly")
    p.add_argument("--cache", default="cache/poly-pieces.npz")
    p.add_argument("--split", default="valid", choices=("train", "valid", "test"))
    p.add_argument("--per-meter", type=int, default=200)
    p.add_argument("--steps", default="0,5,10,20,50,100", help="the K to report, comma-separated")
    p.add_argument("--lrs", default="0.01,0.03,0.1")
    p.add_argument("--betas", default="1")
    p.add_argument("--free-bits", type=float, default=0.0, help="KL nats free of the beta penalty")
    p.add_argument("--feedback", default="true", help="comma-separated: true, greedy, dropout")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--json")
    p.add_argument("--docs")
    args = p.parse_args(argv)

    from musicstudio.generators.vae_poly.data import read_cache
    from musicstudio.generators.vae_poly.phrases import meter_groups
    from musicstudio.generators.vae_poly.report import load_model

    torch.set_num_threads(1)
    torch.manual_seed(0)
    vae = load_model(args.model)
    groups, _ = meter_groups(read_cache(args.cache), args.split, vae.codec, vae.config)
    groups = pick(groups, args.per_meter)
    ks = sorted({int(k) for k in args.steps.split(",")})
    rows = []
    for feedback in args.feedback.split(","):
        for beta in _floats(args.betas):
            for lr in _floats(args.lrs):
                rows += trajectory(vae, groups, ks, lr, beta, feedback, args.free_bits)
                print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    four = groups.get((4, 4))
    timings = {str(k): time_per_phrase(vae, four, (4, 4), k, _floats(args.lrs)[0], args.repeats)
               for k in ks} if four is not None and len(four) >= 2 else {}
    meters = [f"{m[0]}/{m[1]}" for m in groups]
    command = "python -m musicstudio.generators.vae_poly.refine_report " + " ".join(
        argv if argv is not None else sys.argv[1:])
    result = {"model": vae.name, "split": args.split, "phrases": {f"{m[0]}/{m[1]}": len(r) for m, r in groups.items()},
              "rows": rows, "ms_per_4_bar_phrase": timings, "command": command}
    write_outputs(result, markdown(rows, timings, meters, command), args.json, args.docs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
