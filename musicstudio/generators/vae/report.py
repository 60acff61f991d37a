"""``python -m musicstudio.generators.vae.report MODEL``: issue 7's measurements of a trained VAE on the
test split, written as JSON and pictures (default ``docs/vae/``). See :mod:`.evaluation` for what each
figure means."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m musicstudio.generators.vae.report")
    p.add_argument("model", help="a VAE model name or folder")
    p.add_argument("--corpus", default="cache/corpus")
    p.add_argument("--out", default="docs/vae")
    p.add_argument("--seeds", type=int, default=100, help="held-out seeds for the slider measurements")
    p.add_argument("--pairs", type=int, default=50, help="held-out pairs to interpolate")
    p.add_argument("--samples", type=int, default=200, help="prior samples")
    p.add_argument("--threads", type=int, default=1, help="torch threads (the machine is shared)")
    args = p.parse_args(argv)

    import torch

    from musicstudio.core.clip import Clip
    from musicstudio.generators.checkpoint import read_config
    from musicstudio.generators.corpus import load_corpus
    from musicstudio.generators.interface import BAR
    from musicstudio.generators.registry import ModelRegistry
    from musicstudio.generators.training.data import DataConfig, split_sequences
    from musicstudio.generators.vae import evaluation as ev
    from musicstudio.generators.vae.phrases import phrase_windows
    from musicstudio.generators.vae.pictures import interpolation_png

    torch.set_num_threads(args.threads)
    started = time.monotonic()
    registry = ModelRegistry()
    folder = registry.resolve(args.model)
    vae = registry.load(args.model, "cpu")
    config = read_config(folder)
    corpus = load_corpus(args.corpus)
    data = DataConfig.from_dict({**(config.get("data") or {}), "transpose": [0], "limit": None})
    codec = vae.phrases.codec
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    log = lambda m: print(f"{vae.name}: {m}", file=sys.stderr, flush=True)  # noqa: E731

    test_lines = split_sequences(corpus, "test", codec, data, augment=False)
    windows = phrase_windows(test_lines)                    # the kind of phrase the model trained on
    every = phrase_windows(test_lines, min_notes=0, min_sounding=0.0)   # every 2-bar window, silences too
    four = phrase_windows(test_lines, steps=64)
    figures: dict = {"model": vae.name, "test_lines": len(test_lines), "test_phrases": len(windows)}
    log(f"reconstruction of {len(windows)} test phrases ...")
    figures["reconstruction_2_bars"] = ev.reconstruction(vae, windows)
    figures["reconstruction_4_bars_chunk_by_chunk"] = ev.reconstruction(vae, four.reshape(-1, 32))
    figures["reconstruction_4_bars_chunk_by_chunk"]["phrases"] = len(four)

    rng = np.random.default_rng(0)
    clips = [Clip(codec.decode(w), 2 * BAR) for w in windows]
    reference = [c.notes for c in clips]
    log("prior samples ...")
    _prior_samples(vae, reference, every, rng, args.samples, figures, out)

    log("attribute control ...")
    seeds = [clips[i] for i in np.linspace(0, len(clips) - 1, args.seeds).astype(int)]
    figures["attribute_control"] = ev.attribute_control(vae, seeds)
    _slider_png(figures["attribute_control"], out / "sliders.png", vae.name)
    seed = seeds[3]
    interpolation_png([vae.decode(vae.move(vae.encode(seed), "note_density", a)) for a in (-1.5, -0.75, 0, 0.75, 1.5)],
                      out / "density_slider.png", f"{vae.name}: one test phrase, note-density slider at "
                      "-1.5, -0.75, 0, +0.75, +1.5")

    log("interpolation ...")
    order = rng.permutation(len(clips))
    pairs = [(clips[order[2 * k]], clips[order[2 * k + 1]]) for k in range(args.pairs)]
    figures["interpolation"] = ev.interpolation(vae, pairs, steps=8)
    a, b = pairs[0]
    interpolation_png([a.notes] + vae.interpolate(a, b, 8) + [b.notes], out / "interpolation.png",
                      f"{vae.name}: A (original), 8 steps from A to B decoded, B (original)")
    _hamming_png(figures["interpolation"]["mean_hamming_from_a"], out / "interpolation_distance.png", vae.name)

    log("timings ...")
    four_clip = Clip(codec.decode(four[len(four) // 2]), 4 * BAR)
    figures["timings"] = ev.timings(vae, four_clip, Clip(codec.decode(four[len(four) // 3]), 4 * BAR))
    figures["seconds"] = round(time.monotonic() - started, 1)
    (out / "figures.json").write_text(json.dumps(figures, indent=1, default=float) + "\n", "utf-8")
    log(f"figures in {out / 'figures.json'} ({figures['seconds']:.0f} s)")
    return 0


def _prior_samples(vae, reference, every, rng, count: int, figures: dict, out: Path) -> None:
    """Prior samples at temperatures 1 and 0.5 against held-out phrases (``rng`` draws which), and the
    picture of eight."""
    from musicstudio.generators.vae import evaluation as ev
    from musicstudio.generators.vae.pictures import interpolation_png

    codec = vae.phrases.codec
    pick = rng.permutation(len(reference))[:count]
    prior, samples = ev.prior_samples(vae, [reference[i] for i in pick], count)
    prior["held_out_empty_bar_rate"] = ev.empty_bar_rate([reference[i] for i in pick])
    prior["held_out_all_windows_empty_bar_rate"] = ev.empty_bar_rate(
        [codec.decode(w) for w in every[rng.permutation(len(every))[:count]]])
    prior["held_out_notes_per_phrase"] = float(np.mean([len(reference[i]) for i in pick]))
    figures["prior_samples"] = prior
    cooler, _ = ev.prior_samples(vae, [reference[i] for i in pick], count, temperature=0.5)
    figures["prior_samples_temperature_0.5"] = cooler
    interpolation_png(samples[:8], out / "samples.png", f"{vae.name}: eight prior samples (2 bars each)")


def _slider_png(control: dict, path: Path, name: str) -> Path:
    from musicstudio.generators.evaluation.pictures import _figure, _save
    from musicstudio.generators.vae.attributes import ATTRIBUTES

    fig = _figure(13, 5.5)
    axes = fig.subplots(2, 3).ravel()
    for ax, attribute in zip(axes, ATTRIBUTES):
        for slider, row in control.items():
            style = "-" if slider == attribute else ":"
            ax.plot(row["amounts"], row["means"][attribute], style, marker="o" if slider == attribute else None,
                    label=slider if slider == attribute or slider.startswith("component") else None)
        ax.set_title(f"{attribute} of the decoded phrases", fontsize=9)
        ax.set_xlabel("slider amount")
        ax.legend(fontsize=7)
    fig.suptitle(f"{name}: each attribute's mean over 100 test seeds as each slider moves (solid: its own slider)")
    return _save(fig, path)


def _hamming_png(distances, path: Path, name: str) -> Path:
    from musicstudio.generators.evaluation.pictures import _figure, _save

    fig = _figure(5, 3.5)
    ax = fig.add_subplot()
    ax.plot(range(len(distances)), distances, marker="o")
    ax.set_xlabel("interpolation step (A = 0)")
    ax.set_ylabel("share of steps differing from A")
    ax.set_title(f"{name}: distance from A along A -> B", fontsize=9)
    return _save(fig, path)


if __name__ == "__main__":
    sys.exit(main())
