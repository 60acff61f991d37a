"""``python -m musicstudio.generators.vae_poly.report [MODEL ...] --json FILE --docs docs/vae-poly.md``: issue 23's
measurements of polyphonic VAEs (default ``vae-poly`` and ``vae-poly-gan`` side by side) on the test split of
the piece cache (:mod:`.data`): reconstruction (2 and 4 bars, with the all-rest and all-hold baselines), prior
samples (overlap, diversity, MuseGAN-style figures, against the held-out phrases'), and slider control. See
:mod:`.evaluation` for what each figure means. A model is a name (``models/NAME``) or a folder.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

HIGHLIGHT = ("note_density", "polyphony")


def load_model(name: str):
    from musicstudio.generators.checkpoint import read_config
    from musicstudio.generators.vae_poly.backend import load

    folder = Path(name) if Path(name).is_dir() else Path("models") / name
    return load(folder, read_config(folder), "cpu")


def measure(vae, cache, seeds: int, samples: int) -> dict:
    from musicstudio.generators.vae_poly.evaluation import prior_samples, reconstruction, slider_control
    from musicstudio.generators.vae_poly.phrases import meter_groups

    two, pieces = meter_groups(cache, "test", vae.codec, vae.config)
    four, _ = meter_groups(cache, "test", vae.codec, vae.config, bars=4)
    started = time.monotonic()
    out = {"model": vae.name, "test_pieces": [p["id"] for p in pieces],
           "reconstruction_2_bars": reconstruction(vae, two), "reconstruction_4_bars": reconstruction(vae, four, 4),
           "prior_samples": prior_samples(vae, two, samples), "sliders": slider_control(vae, two, seeds)}
    out["seconds"] = round(time.monotonic() - started, 1)
    return out


def summary(result: dict) -> dict:
    """The headline figures of one model: what the acceptance points name."""
    prior = result["prior_samples"]
    greedy = [row["temperature_0"] for row in prior.values()]
    sampled = [row["temperature_1"] for row in prior.values()]
    held = [row["held_out"] for row in prior.values()]

    def mean(rows, key):
        return round(float(np.nanmean([r[key] for r in rows])), 4)

    return {"reconstruction_2_bars": result["reconstruction_2_bars"]["step_accuracy"],
            "reconstruction_4_bars": result["reconstruction_4_bars"]["step_accuracy"],
            "all_rest_2_bars": result["reconstruction_2_bars"]["all_rest_baseline"],
            "all_hold_2_bars": result["reconstruction_2_bars"]["all_hold_baseline"],
            "all_rest_4_bars": result["reconstruction_4_bars"]["all_rest_baseline"],
            "all_hold_4_bars": result["reconstruction_4_bars"]["all_hold_baseline"],
            "prior_overlap_greedy": mean(greedy, "mean_overlap_area"),
            "prior_overlap_sampled": mean(sampled, "mean_overlap_area"),
            **{f"{k}_greedy": mean(greedy, k) for k in ("diversity", "qualified_notes", "used_pitch_classes",
                                                         "polyphonicity")},
            **{f"{k}_sampled": mean(sampled, k) for k in ("diversity", "qualified_notes", "used_pitch_classes",
                                                           "polyphonicity")},
            **{f"{k}_held_out": mean(held, k) for k in ("diversity", "qualified_notes", "used_pitch_classes",
                                                         "polyphonicity")},
            **{f"slider_rho_{k}": result["sliders"].get(k, {}).get("own_rho") for k in HIGHLIGHT},
            **{f"slider_median_rho_per_phrase_{k}": result["sliders"].get(k, {}).get("median_rho_per_phrase")
               for k in HIGHLIGHT}}


def markdown(results: list[dict], command: str) -> str:
    names = [r["model"] for r in results]
    rows = [summary(r) for r in results]
    lines = ["# The polyphonic VAE and its VAE-GAN twin, measured", "",
             f"Written by `{command}` (the test split of `cache/poly-pieces.npz`: "
             f"{len(results[0]['test_pieces'])} pieces; see models/vae-poly/README.md for the data). "
             "What each figure means: `musicstudio/generators/vae_poly/evaluation.py`.", "",
             "| figure | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for key in rows[0]:
        lines.append(f"| {key} | " + " | ".join(_cell(r[key]) for r in rows) + " |")
    for r in results:
        lines += ["", f"## {r['model']}: reconstruction by meter", "", "| meter | 2 bars | 4 bars |", "|---|---|---|"]
        four = r["reconstruction_4_bars"]["by_meter"]
        for meter, row in r["reconstruction_2_bars"]["by_meter"].items():
            lines.append(f"| {meter} | {row['step_accuracy']} ({row['phrases']}) | "
                         f"{four.get(meter, {}).get('step_accuracy', '-')} |")
        lines += ["", f"## {r['model']}: sliders (Spearman's rho of the mean attribute against the amount)", "",
                  "| slider | own rho | median rho per phrase |", "|---|---|---|"]
        for name, row in r["sliders"].items():
            lines.append(f"| {name} | {_cell(row['own_rho'])} | {_cell(row['median_rho_per_phrase'])} |")
    return "\n".join(lines) + "\n"


def _cell(value) -> str:
    if value is None:
        return "-"
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m musicstudio.generators.vae_poly.report")
    p.add_argument("models", nargs="*", default=["vae-poly", "vae-poly-gan"])
    p.add_argument("--cache", default="cache/poly-pieces.npz")
    p.add_argument("--json", help="write every figure here")
    p.add_argument("--docs", help="write the Markdown summary here")
    p.add_argument("--seeds", type=int, default=100)
    p.add_argument("--samples", type=int, default=100)
    args = p.parse_args(argv)

    import torch

    from musicstudio.generators.vae_poly.data import read_cache

    torch.set_num_threads(1)
    cache = read_cache(args.cache)
    results = [measure(load_model(m), cache, args.seeds, args.samples) for m in args.models]
    command = "python -m musicstudio.generators.vae_poly.report " + " ".join(argv if argv is not None else sys.argv[1:])
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n", "utf-8")
    if args.docs:
        Path(args.docs).write_text(markdown(results, command), "utf-8")
    print(json.dumps([{"model": r["model"], **summary(r)} for r in results], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
