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
    fast = getattr(vae, "fast", None)
    if vae.refine.steps > 0 or fast is not None:    # greedy from the refined code, beside the encoder's mean
        if fast is not None:        # the update network's steps (iterative.py), what the generator encodes with
            out["fast"] = {"steps": fast.steps, "weights": fast.weights, "beta": fast.beta,
                           "free_bits": fast.free_bits}
        else:                       # Adam's steps (refine.py)
            out["refine"] = {"steps": vae.refine.steps, "lr": vae.refine.lr, "beta": vae.refine.beta,
                             "free_bits": vae.refine.free_bits}
        out["reconstruction_2_bars_refined"] = reconstruction(vae, two, refined=True)
        out["reconstruction_4_bars_refined"] = reconstruction(vae, four, 4, refined=True)
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

    refined = {k: result.get(f"reconstruction_{k}_refined", {}) for k in ("2_bars", "4_bars")}
    return {"reconstruction_2_bars": result["reconstruction_2_bars"]["step_accuracy"],
            "reconstruction_4_bars": result["reconstruction_4_bars"]["step_accuracy"],
            **{f"reconstruction_{k}_refined": r.get("step_accuracy") for k, r in refined.items()},
            "onset_f1_2_bars": result["reconstruction_2_bars"]["onset_f1"],
            "onset_f1_4_bars": result["reconstruction_4_bars"]["onset_f1"],
            **{f"onset_f1_{k}_refined": r.get("onset_f1") for k, r in refined.items()},
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


MUSEGAN = ("qualified_notes", "used_pitch_classes", "polyphonicity")
INTRO = ("A MusicVAE-style VAE over 2-bar piano rolls of the song's meter (off / onset / hold per pitch, 24..107; "
         "a position slot per 16th of each meter's bar), a bidirectional GRU encoder and a GRU decoder on z and the "
         "previous step, half of whose fed-back steps are blanked while training (Roberts et al. 2018; Bowman et al. "
         "2016), trained in three stages, each from the weights of the one before (41 minutes at free bits 128, then "
         "5 and 70 minutes at free bits 512; models/vae-poly/card.md), its prior samples drawn from the Gaussian "
         "fitted to its training phrases' codes (Ghosh et al. 2020), and its VAE-GAN twin: the first vae-poly's "
         "network, data and 30-minute CPU budget, with a convolutional discriminator whose features the "
         "reconstruction is matched in, and a hinge loss on reconstructions and prior samples, from a quarter of the "
         "budget on (Larsen et al. 2016). A selection is encoded 2 bars at a time (a 4-bar phrase is two 2-bar codes "
         "end to end); a 4-bar level above the frozen 2-bar model, a second-stage VAE whose GRU conductor writes the "
         "two 2-bar codes (`conductor`; \"4 bars, hierarchical\" below), writes the app's takes from the prior. Where "
         "a model's config moves the codes of encoded phrases from the encoder's mean (`encoding.fast`: a few steps "
         "of a learned update network reading the gradient of each phrase's objective, Marino et al. 2018, the "
         "sixth to eighth passes below; or `encoding.refine`: Adam steps on that objective, Kim et al. 2018, the "
         "fourth pass), reconstruction is reported both ways: `reconstruction_*` greedy from the encoder's mean, "
         "`reconstruction_*_refined` greedy from the moved posterior mean (what the app decodes); the sliders are "
         "measured from the codes the app uses; prior samples use no encoder.")
KEPT = "<!-- written by hand: the report keeps what follows when it rewrites this file -->"


def kept_part(docs: Path, marker: str = KEPT) -> str:
    """What follows ``marker`` (:data:`KEPT`) in an existing file (the docs' diagnosis and history, the card's
    paragraphs written by hand), with the marker."""
    text = docs.read_text("utf-8") if docs.exists() else ""
    return text[text.index(marker):] if marker in text else ""


def gan_verdict(plain: dict, gan: dict) -> tuple[bool, str]:
    """Issue 23's rule: the VAE-GAN ships when its prior samples' overlap is higher by >= 0.03, or its
    MuseGAN-style figures are closer to the held-out phrases' (2 of 3 here), at a 2-bar reconstruction no more
    than 2 points lower. Greedy prior samples (temperature 0)."""
    oa = gan["prior_overlap_greedy"] - plain["prior_overlap_greedy"]
    closer = [k for k in MUSEGAN if abs(gan[f"{k}_greedy"] - gan[f"{k}_held_out"])
              < abs(plain[f"{k}_greedy"] - plain[f"{k}_held_out"])]
    recon = gan["reconstruction_2_bars"] - plain["reconstruction_2_bars"]
    ships = (oa >= 0.03 or len(closer) >= 2) and recon >= -0.02
    return ships, (f"overlap {oa:+.4f}; MuseGAN-style figures closer to the held-out phrases': "
                   f"{', '.join(closer) or 'none'}; 2-bar reconstruction {recon:+.4f}: the VAE-GAN "
                   f"{'is better by the rule' if ships else 'is not better by the rule'}.")


TARGETS = (("reconstruction_2_bars", 0.85), ("reconstruction_4_bars", 0.75), ("reconstruction_2_bars_refined", 0.85),
           ("reconstruction_4_bars_refined", 0.75), ("prior_overlap_greedy", 0.75),
           ("prior_overlap_sampled", 0.75), ("slider_rho_note_density", 0.9), ("slider_rho_polyphony", 0.9))


def acceptance(row: dict) -> list[str]:
    """Issue 23's targets against one model's figures, a Markdown table."""
    lines = ["| target | figure | met |", "|---|---:|---|"]
    for key, floor in TARGETS:
        value = row.get(key)
        met = value is not None and value == value and value >= floor
        lines.append(f"| {key} >= {floor} | {_cell(value)} | {'yes' if met else 'no'} |")
    return lines


def markdown(results: list[dict], command: str) -> str:
    names = [r["model"] for r in results]
    rows = [summary(r) for r in results]
    lines = ["# The polyphonic VAE and its VAE-GAN twin, measured", "", INTRO, "",
             f"Written by `{command}` (the test split of `cache/poly-pieces.npz`: "
             f"{len(results[0]['test_pieces'])} pieces; the data: models/vae-poly/card.md). "
             "What each figure means: `musicstudio/generators/vae_poly/evaluation.py`.", ""]
    lines += [f"## Issue 23's targets: {names[0]}", "", *acceptance(rows[0]), ""]
    if len(rows) == 2:
        lines += [f"**{names[1]} against {names[0]}** (the two as measured here; where they were trained with "
                  "different networks or budgets, the like-for-like comparison is in the history below): "
                  f"{gan_verdict(rows[0], rows[1])[1]}", "",
                  "Their training curves (reconstruction, KL, greedy step accuracy on validation phrases, and the "
                  "discriminator's hinge loss and the decoder's adversarial term): models/vae-poly/curves.png and, "
                  "for a VAE-GAN that does not ship, models/vae-poly/gan-curves.png (its history: gan-history.csv "
                  "there; its weights stay outside the checkout).", ""]
    lines += ["## Side by side", ""]
    lines += ["| figure | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for key in rows[0]:
        lines.append(f"| {key} | " + " | ".join(_cell(r[key]) for r in rows) + " |")
    for r in results:
        lines += ["", f"## {r['model']}: reconstruction by meter", "", *by_meter(r)]
        lines += ["", f"## {r['model']}: sliders (Spearman's rho of the mean attribute against the amount)", "",
                  "| slider | own rho | median rho per phrase |", "|---|---|---|"]
        for name, row in r["sliders"].items():
            lines.append(f"| {name} | {_cell(row['own_rho'])} | {_cell(row['median_rho_per_phrase'])} |")
    return "\n".join(lines) + "\n"


def by_meter(result: dict) -> list[str]:
    """Step accuracy by meter: greedy from the encoder's mean and, for a model that refines its codes, from the
    refined mean (2 and 4 bars each)."""
    refined = "reconstruction_2_bars_refined" in result
    cols = [("2_bars", "2 bars"), ("4_bars", "4 bars")] + ([("2_bars_refined", "2 bars, refined"),
                                                            ("4_bars_refined", "4 bars, refined")] if refined else [])
    lines = ["| meter (phrases) | " + " | ".join(c for _, c in cols) + " |", "|---|" + "---:|" * len(cols)]
    for meter, row in result["reconstruction_2_bars"]["by_meter"].items():
        cells = [result[f"reconstruction_{k}"]["by_meter"].get(meter, {}).get("step_accuracy", "-") for k, _ in cols]
        lines.append(f"| {meter} ({row['phrases']}) | " + " | ".join(str(c) for c in cells) + " |")
    if refined and "fast" in result:
        s = result["fast"]
        free = f" above {s['free_bits']:g} nats" if s.get("free_bits") else ""
        lines += ["", f"Refined: {s['steps']} steps of the learned update network ({s['weights']}) from the encoder's "
                      "mean, each reading the gradient of the phrase's objective (its teacher-forced reconstruction "
                      f"loss plus {s['beta']:g} times the KL{free}) (models/vae-poly/config.json: `encoding.fast`; "
                      "`musicstudio/generators/vae_poly/iterative.py`)."]
    elif refined:
        s = result["refine"]
        free = f" above {s['free_bits']:g} nats" if s.get("free_bits") else ""
        lines += ["", f"Refined: {s['steps']} Adam steps at learning rate {s['lr']:g} from the encoder's mean on each "
                      f"phrase's objective: its teacher-forced reconstruction loss plus {s['beta']:g} times the KL"
                      f"{free} (models/vae-poly/config.json: `encoding.refine`; "
                      "`musicstudio/generators/vae_poly/refine.py`)."]
    return lines


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
        kept = kept_part(Path(args.docs))
        Path(args.docs).write_text(markdown(results, command) + ("\n" + kept if kept else ""), "utf-8")
    print(json.dumps([{"model": r["model"], **summary(r)} for r in results], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
