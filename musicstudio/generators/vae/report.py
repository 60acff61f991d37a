"""``python -m musicstudio.generators.vae.report MODEL``: issue 7's measurements of a trained VAE on the
test split, meter by meter (issue 17), written as JSON and pictures (default ``docs/vae/``). See
:mod:`.evaluation` for what each figure means.

For each meter the model writes (of 2/4, 3/4, 4/4, 2/2, 6/8, 9/8, or ``--meters``): the test split's pieces
in that meter throughout (of the model's collections, whatever meters it trained on), cut into 2-bar
phrases of the meter one bar apart (and 4-bar ones for the chunk-by-chunk figure), measured as
:mod:`.evaluation` says. ``--pictures`` names the meters whose piano rolls and slider curves are drawn (a
folder per meter). A model without meters (``vae-nc``) writes 4/4 and 2/2 only; its earlier figures, on
4/4 and 2/4 pieces together as 32-step windows, are those of its own folder.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

METERS = ((2, 4), (3, 4), (4, 4), (2, 2), (6, 8), (9, 8))


def _meters(text: str | None, vae) -> list[tuple[int, int]]:
    if text == "none":
        return []
    if text:
        return [tuple(int(x) for x in m.split("/")) for m in text.split(",") if m]
    return [m for m in METERS if m in vae.meters]


def _collections(text: str | None) -> dict:
    if not text:
        return {}
    return {"collections": None if text == "all" else [c for c in text.split(",") if c]}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m musicstudio.generators.vae.report")
    p.add_argument("model", help="a VAE model name or folder")
    p.add_argument("--corpus", default="cache/corpus")
    p.add_argument("--out", default="docs/vae")
    p.add_argument("--meters", help="meters to measure, comma-separated (default: every one of 2/4, 3/4, 4/4, 2/2, "
                   "6/8, 9/8 the model writes)")
    p.add_argument("--pictures", default="4/4,6/8",
                   help="meters whose pictures are drawn (default 4/4,6/8; none: no pictures)")
    p.add_argument("--collections", help="the collections whose test pieces are measured, comma-separated, or all "
                   "(default: those the model trained on)")
    p.add_argument("--seeds", type=int, default=100, help="held-out seeds for the slider measurements")
    p.add_argument("--pairs", type=int, default=50, help="held-out pairs to interpolate")
    p.add_argument("--samples", type=int, default=200, help="prior samples")
    p.add_argument("--threads", type=int, default=1, help="torch threads (the machine is shared)")
    args = p.parse_args(argv)

    import torch

    from musicstudio.generators.checkpoint import read_config
    from musicstudio.generators.corpus import load_corpus
    from musicstudio.generators.interface import meter_name
    from musicstudio.generators.registry import ModelRegistry
    from musicstudio.generators.training.data import DataConfig

    torch.set_num_threads(args.threads)
    started = time.monotonic()
    registry = ModelRegistry()
    folder = registry.resolve(args.model)
    vae = registry.load(args.model, "cpu")
    config = read_config(folder)
    corpus = load_corpus(args.corpus)
    data = DataConfig.from_dict({**(config.get("data") or {}), "meter_classes": None, "transpose": [0], "limit": None,
                                 **_collections(args.collections)})
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    pictures = set(_meters(args.pictures, vae))
    figures: dict = {"model": vae.name, "corpus": args.corpus, "meters": {}}
    for meter in _meters(args.meters, vae):
        name = meter_name(meter)
        where = out / name.replace("/", "-") if meter in pictures else None
        row = measure(vae, corpus, data, meter, args, where,
                      log=lambda m, name=name: print(f"{vae.name} {name}: {m}", file=sys.stderr, flush=True))
        if row:
            figures["meters"][name] = row
    figures["seconds"] = round(time.monotonic() - started, 1)
    (out / "figures.json").write_text(json.dumps(figures, indent=1, default=float) + "\n", "utf-8")
    print(f"{vae.name}: figures in {out / 'figures.json'} ({figures['seconds']:.0f} s)", file=sys.stderr)
    return 0


def test_windows(vae, corpus, data, meter) -> tuple[np.ndarray, np.ndarray]:
    """The 2-bar and 4-bar phrases of the test split's pieces in ``meter`` throughout."""
    from musicstudio.generators.corpus_piece import METER_CHANGE, NO_METER
    from musicstudio.generators.training.data import piece_sequences, split_pieces
    from musicstudio.generators.vae.phrases import cut_windows

    size = vae.phrase_steps(meter)
    lines = []
    for piece_id in split_pieces(corpus, "test", data):
        piece = corpus.piece(piece_id)
        if tuple(piece.info.meter) == meter and not {METER_CHANGE, NO_METER} & set(piece.info.flags):
            lines += [s for s in piece_sequences(piece, vae.phrases.codec) if len(s)]
    two = [cut_windows(s, size, size // 2) for s in lines]
    four = [cut_windows(s, 2 * size, size // 2) for s in lines]
    empty = np.zeros((0, size), np.int64)
    return (np.concatenate(two) if two else empty), (np.concatenate(four) if four else empty.reshape(0, 2 * size))


def measure(vae, corpus, data, meter, args, pictures: Path | None, log) -> dict | None:
    """One meter's figures (None when the test split has no phrase in it); pictures in ``pictures``."""
    from musicstudio.core.clip import Clip
    from musicstudio.generators.interface import bar_ticks
    from musicstudio.generators.vae import evaluation as ev

    windows, four = test_windows(vae, corpus, data, meter)
    if not len(windows):
        return None
    codec, bar = vae.phrases.codec, bar_ticks(meter)
    figures: dict = {"test_phrases": len(windows), "phrase_steps": int(windows.shape[1])}
    log(f"reconstruction of {len(windows)} test phrases ...")
    figures["reconstruction_2_bars"] = ev.reconstruction(vae, windows, meter=meter)
    if len(four):
        figures["reconstruction_4_bars_chunk_by_chunk"] = ev.reconstruction(vae, four.reshape(-1, windows.shape[1]),
                                                                            meter=meter)
        figures["reconstruction_4_bars_chunk_by_chunk"]["phrases"] = len(four)
    rng = np.random.default_rng(0)
    clips = [Clip(codec.decode(w), 2 * bar) for w in windows]
    reference = [c.notes for c in clips]
    log("prior samples ...")
    pick = rng.permutation(len(reference))[:args.samples]
    prior, samples = ev.prior_samples(vae, [reference[i] for i in pick], args.samples, meter=meter)
    prior["held_out_empty_bar_rate"] = ev.empty_bar_rate([reference[i] for i in pick], bar=bar)
    prior["held_out_notes_per_phrase"] = float(np.mean([len(reference[i]) for i in pick]))
    figures["prior_samples"] = prior
    log("attribute control ...")
    seeds = [clips[i] for i in np.linspace(0, len(clips) - 1, min(args.seeds, len(clips))).astype(int)]
    figures["attribute_control"] = ev.attribute_control(vae, seeds, meter=meter)
    log("interpolation ...")
    order = rng.permutation(len(clips))
    pairs = [(clips[order[2 * k]], clips[order[2 * k + 1]]) for k in range(min(args.pairs, len(clips) // 2))]
    figures["interpolation"] = ev.interpolation(vae, pairs, steps=8, meter=meter)
    if pictures is not None:
        log("pictures and timings ...")
        _pictures(vae, figures, samples, seeds, pairs, meter, pictures)
        if len(four) >= 3:
            a, b = (Clip(codec.decode(four[len(four) // k]), 4 * bar) for k in (2, 3))
            figures["timings"] = ev.timings(vae, a, b, meter=meter)
    return figures


def _pictures(vae, figures: dict, samples, seeds, pairs, meter, out: Path) -> None:
    from musicstudio.generators.interface import bar_ticks, meter_name
    from musicstudio.generators.vae.pictures import interpolation_png

    out.mkdir(parents=True, exist_ok=True)
    name, phrase = f"{vae.name} in {meter_name(meter)}", 2 * bar_ticks(meter)
    interpolation_png(samples[:8], out / "samples.png", f"{name}: eight prior samples (2 bars each)", phrase)
    _slider_png(figures["attribute_control"], out / "sliders.png", name, len(seeds))
    seed = seeds[min(3, len(seeds) - 1)]
    z = vae.encode(seed, meter)
    interpolation_png([vae.decode(vae.move(z, "note_density", a), meter=meter) for a in (-1.5, -0.75, 0, 0.75, 1.5)],
                      out / "density_slider.png", f"{name}: one test phrase, note-density slider at -1.5, -0.75, 0, "
                      "+0.75, +1.5", phrase)
    a, b = pairs[0]
    interpolation_png([a.notes] + vae.interpolate(a, b, 8, meter) + [b.notes], out / "interpolation.png",
                      f"{name}: A (original), 8 steps from A to B decoded, B (original)", phrase)
    _hamming_png(figures["interpolation"]["mean_hamming_from_a"], out / "interpolation_distance.png", name)


def _slider_png(control: dict, path: Path, name: str, seeds: int) -> Path:
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
    fig.suptitle(f"{name}: each attribute's mean over {seeds} test seeds as each slider moves (solid: its own slider)")
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
