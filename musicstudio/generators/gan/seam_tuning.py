"""``python -m musicstudio.generators.gan.seam_tuning MODEL``: how the first bar's draws (:mod:`.seam`) move
issue 8's seam and how well the takes follow their chords, for a grid of ``draws,chord_weight`` settings,
on the **validation split** by default (the split the shipped setting was chosen on; ``--split test``
measures once with the chosen one).

* **Seam**: :mod:`.report`'s figure: the tonal distance between each seed's last bar and the first
  generated bar, the first take and over eight, on the held-out 4/4 and 2/4 phrases of the collections and
  meters the ``--seeds-from`` model trained on (every 1/200th of the split, as the report takes 100).
* **Chord tones**: the share of the takes' sounding 16th steps on the triad each bar was conditioned on,
  over all 5 bars and over the first, 100 of those seeds x 4 variations, following the seed's own chords
  and a typed ``Am F C G``.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

TYPED = "Am F C G"


def chord_tones(gan, seeds, typed: str | None, bars: int = 5) -> tuple[float, float]:
    """The share of the takes' sounding steps on their bars' triads: all bars, and the first bar."""
    from musicstudio.core.clip import Clip
    from musicstudio.generators.codecs.grid import on_grid
    from musicstudio.generators.evaluate import window
    from musicstudio.generators.gan.chords import NO_CHORD, bars_chroma, triad
    from musicstudio.generators.gan.evaluation import SEED_BARS
    from musicstudio.generators.interface import BAR, GenerationRequest

    on, total = np.zeros(2), np.zeros(2)
    for i, phrase in enumerate(seeds):
        seed = Clip(window(phrase.notes, 0, SEED_BARS), SEED_BARS * BAR)
        request = GenerationRequest(seed=seed, bars=bars, variations=4, random_seed=i,
                                    options={"chords": typed} if typed else {})
        chords = gan.progression(request, list(on_grid(seed.notes)))
        for take in gan.generate(request):
            chroma = bars_chroma(list(on_grid(take.notes)), 0, bars, BAR)
            for b, chord in enumerate(chords):
                if chord != NO_CHORD:
                    hit, sound = chroma[b, list(triad(chord))].sum(), chroma[b].sum()
                    on += (hit, hit if b == 0 else 0)
                    total += (sound, sound if b == 0 else 0)
    return float(on[0] / total[0]), float(on[1] / total[1])


def measure(gan, seeds) -> dict:
    from musicstudio.generators.gan import evaluation as ev

    seam = lambda runs: float(np.nanmean([ev.boundary_distance(r["seed"].notes, r["seed"].length, t.notes)  # noqa: E731
                                          for r in runs for t in r["takes"]]))
    fewer = seeds[::2]
    own, typed = chord_tones(gan, fewer, None), chord_tones(gan, fewer, TYPED)
    return {"seam": seam(ev.continue_seeds(gan, seeds, 1)),
            "seam_8_takes": seam(ev.continue_seeds(gan, seeds, 1, variations=8)),
            "chord_tones_seed_chords": {"all_bars": own[0], "first_bar": own[1]},
            "chord_tones_typed": {"all_bars": typed[0], "first_bar": typed[1]}}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m musicstudio.generators.gan.seam_tuning")
    p.add_argument("model", help="a GAN model name or folder")
    p.add_argument("settings", nargs="+", help="draws,chord_weight pairs, e.g. 1,0 2,0 6,2")
    p.add_argument("--split", default="valid", choices=("valid", "test"))
    p.add_argument("--corpus", default="cache/corpus")
    p.add_argument("--seeds-from", default="gan-nc", metavar="MODEL")
    p.add_argument("--json", default=None, help="write the figures here too")
    args = p.parse_args(argv)

    from musicstudio.generators.checkpoint import read_config
    from musicstudio.generators.corpus import load_corpus
    from musicstudio.generators.gan import evaluation as ev
    from musicstudio.generators.gan.backend import load
    from musicstudio.generators.registry import ModelRegistry
    from musicstudio.generators.training.data import DataConfig

    registry = ModelRegistry()
    folder = registry.resolve(args.model)
    data = DataConfig.from_dict({**(read_config(registry.resolve(args.seeds_from)).get("data") or {}),
                                 "transpose": [0], "limit": None})
    phrases = [ph for ph in ev.held_out_phrases(load_corpus(args.corpus), args.split, data)
               if ph.bars >= ev.SEED_BARS + 5]
    seeds = phrases[::max(1, len(phrases) // 200)][:200]
    rows = []
    for setting in args.settings:
        draws, weight = setting.split(",")
        config = {**read_config(folder), "first_bar": {"draws": int(draws), "chord_weight": float(weight)}}
        row = {"draws": int(draws), "chord_weight": float(weight), **measure(load(folder, config), seeds)}
        rows.append(row)
        print(f"{args.split} draws {draws} chord weight {weight}: seam {row['seam']:.3f} (8 takes "
              f"{row['seam_8_takes']:.3f}); chord tones, all bars / first bar: seed's chords "
              f"{row['chord_tones_seed_chords']['all_bars']:.3f} / {row['chord_tones_seed_chords']['first_bar']:.3f}, "
              f"typed {row['chord_tones_typed']['all_bars']:.3f} / {row['chord_tones_typed']['first_bar']:.3f}",
              flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"model": args.model, "split": args.split, "seeds": len(seeds), "rows": rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())

