"""The harmonizer's model card (``card.md``) and its loss curves (``loss.png``), from the folder's
config.json and history.csv: ``python -m musicstudio.generators.harmonizer.card models/harmonizer-nc
[--figures FILE.json]`` (the report's JSON, for the Metrics section)."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from musicstudio.generators.licences import licence_section, trained_collections

PAPERS = ("Huang, Cooijmans, Roberts, Courville and Eck, \"Counterpoint by Convolution\", 2017 (Coconet: the "
          "orderless convolutional model and blocked Gibbs sampling with an annealed masking rate)",
          "Hadjeres, Pachet and Nielsen, \"DeepBach: a Steerable Model for Bach Chorales Generation\", 2017 (the "
          "note-on / hold tokens of each voice)")


def loss_png(folder: Path) -> Path:
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    with open(folder / "history.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    x = [int(r["batch"]) for r in rows]
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    for column, label in (("train_nats", "train (masked steps, the batches since the last point)"),
                          ("valid_harmonize_nats", "valid: alto, tenor, bass given the soprano"),
                          ("valid_random_nats", "valid: Coconet's random masks")):
        ax.plot(x, [float(r[column]) for r in rows], label=label)
    ax.set_xlabel("batch (32 windows of 128 16th steps)")
    ax.set_ylabel("cross-entropy, nats per masked step")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(folder / "loss.png")
    plt.close(fig)
    return folder / "loss.png"


def metrics(figures: dict | None) -> list[str]:
    if not figures:
        return ["Not measured yet: `python -m musicstudio.generators.harmonizer.report --docs docs/harmonize.md "
                "--json FILE`."]
    h, a = figures["harmonize"], figures["add_part"]
    w, b = h["written"], h["bach"]
    return [f"On all {h['chorales']} test chorales ({h['takes']} harmonizations; docs/harmonize.md has every "
            "figure and the GAN's beside them):", "",
            "| figure | written | Bach |", "|---|---:|---:|"] + [
        f"| {v}: mean interval | {w['voices'][v]['mean_interval']:.2f} | {b['voices'][v]['mean_interval']:.2f} |"
        for v in ("alto", "tenor", "bass")] + [
        f"| parallel 5ths/8ves per 100 transitions | {w['parallels_per_100']:.2f} | {b['parallels_per_100']:.2f} |",
        f"| crossings per 100 adjacent pairs | {w['crossings_per_100']:.2f} | {b['crossings_per_100']:.2f} |",
        f"| beats on a triad or seventh | {w['chord_beats']:.1%} | {b['chord_beats']:.1%} |", "",
        f"Add a part on {a['excerpts']} test excerpts: mean overlapping area {a['mean_oa']:.3f}, "
        f"{a['in_register']:.0%} of takes inside the requested register."]


def card(folder: Path, figures: dict | None = None) -> str:
    config = json.loads((folder / "config.json").read_text())
    s, m = config.get("summary", {}), config["model"]
    weights = (folder / "weights.safetensors").stat().st_size
    lines = [f"# {config.get('name', folder.name)} (non-commercial)", "",
             "Harmonizer: a Coconet-style convolutional network over four voices' piano rolls (soprano, alto, "
             "tenor, bass on the 16th grid, C2..C6) with the meter's bar lines, beats and 8ths as input planes, "
             "trained with random masks to write any voices given the others, and sampled by blocked Gibbs "
             "sampling with an annealed masking rate. One model harmonizes a melody (alto, tenor and bass under "
             "it) and adds a part (one voice hearing the others). Non-commercial: trained on Bach's chorales.", "",
             "| | |", "|---|---|", "| backend | `harmonizer` |",
             f"| command | `{config.get('command', '')}` (OMP_NUM_THREADS=1) |",
             f"| batches | {s.get('batches', s.get('best_batch', '?'))} (best kept: {s.get('best_batch', '?')}) |",
             f"| wall time | {s.get('wall_seconds', 0)} s ({s.get('wall_seconds', 0) / 60:.1f} min) on the CPU, "
             "one thread, beside three other jobs on two cores |",
             f"| network | {m['blocks']} dilated residual blocks of {m['hidden']} channels (dilations "
             f"{m['dilations']}), kernel 3 over time, the pitches as channels |",
             f"| parameters | {s.get('parameters', 0):,} |", f"| weights | {weights / 1e6:.2f} MB |",
             f"| decoding | {json.dumps(config.get('decoding', {}))} |"] + (
                [f"| decoding chosen | {config['decoding_chosen']} |"] if config.get("decoding_chosen") else []) + [
             "",
             "## Data", "",
             f"music21's Bach chorales (corpus collection `bach`, the corpus cache `{config['data'].get('corpus')}`), "
             f"those with one soprano, alto, tenor and bass part: {s.get('train_chorales')} training chorales "
             f"({s.get('train_lines')} with transpositions from a fourth down to a fifth up that stay in C2..C6), "
             f"{s.get('valid_chorales')} validation chorales. The split is the corpus's (by piece id, "
             "docs/corpus.md), so no test chorale is trained on. Pickups are shifted so that bar lines fall on "
             "the grid's bars (the corpus does this). Fermatas are not read (the corpus does not keep them): "
             "the model hears phrase ends only from the melody's long notes and the bar lines.", "",
             "Voice ranges the decoder keeps each written voice inside (99.5% of each voice's notes in the "
             "training chorales): " + ", ".join(f"{n} {lo}-{hi}" for n, (lo, hi) in
                                                zip(("soprano", "alto", "tenor", "bass"), config["ranges"])) + ".",
             ""]
    lines += licence_section(trained_collections(config))[:-1]
    lines += ["", "## Metrics", ""] + metrics(figures)
    lines += ["", "## Training", "",
              f"Adam (rate {config['training'].get('lr')}, falling to a tenth over the last 30% of the "
              f"{config['training'].get('max_minutes')}-minute cap), batches of {config['training'].get('batch')} "
              f"windows of {config['training'].get('window')} steps; masks: alto, tenor and bass 35% of the time, "
              "one voice 25%, else a random set of voices, masked whole 40% of the time, else at a rate drawn "
              "from 0.05..1. Validation losses: harmonize "
              f"{s.get('valid_harmonize')} nats per masked step, random masks {s.get('valid_random')}.", "",
              "![loss curves](loss.png)", "", "## Papers", ""] + [f"* {p}" for p in PAPERS]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m musicstudio.generators.harmonizer.card", description=__doc__)
    p.add_argument("folder")
    p.add_argument("--figures", help="the report's JSON")
    args = p.parse_args(argv)
    folder = Path(args.folder)
    loss_png(folder)
    figures = json.loads(Path(args.figures).read_text()) if args.figures else None
    (folder / "card.md").write_text(card(folder, figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
