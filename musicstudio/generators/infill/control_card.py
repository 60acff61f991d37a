"""The controls model's card: the training run's card (:class:`~..training.outputs.ModelFolder`) names the
corpus cache's collections only, so the polyphonic pieces' cache, its splits and their collections' licences are
written into it (``python -m musicstudio.generators.infill.control_card FOLDER`` redoes it for a folder)."""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections import Counter
from pathlib import Path

from musicstudio.generators.licences import licence_section
from musicstudio.generators.vae_poly.data import LICENCE, SPLIT_RULE, read_cache

PAPERS = ('Pasquier, Ens et al., "MIDI-GPT: A Controllable Generative Model for Computer-Assisted Multitrack Music '
          'Composition" (2025); Ens & Pasquier, "MMM: Exploring Conditional Multi-Track Music Generation with the '
          'Transformer" (2020)')


def poly_paragraph(cache: str | Path) -> str:
    manifest, _ = read_cache(cache)
    splits = Counter(row["split"] for row in manifest["pieces"])
    digest = hashlib.sha256(Path(cache).read_bytes()).hexdigest()[:16]
    return (f"Polyphonic pieces: `{cache}` (sha256 `{digest}`), music21's {', '.join(manifest['collections'])} "
            f"({LICENCE}), every part of a piece merged into one stream; split by piece ({SPLIT_RULE}): "
            f"{splits['train']} train, {splits['valid']} valid, {splits['test']} test pieces; the train split's "
            f"stretches of one meter the model knows are half the training draws. Control tokens: {PAPERS}.")


def with_poly(card: str, config: dict, cache: str | Path) -> str:
    """``card`` with the polyphonic data after its Data section's first paragraph and its licence section over
    every collection of ``config``'s ``trained_on``."""
    licence = "\n".join(licence_section(sorted(config["trained_on"]))[:-1])
    card = re.sub(r"## Licence\n.*?(?=\n## )", lambda _: licence + "\n", card, count=1, flags=re.S)
    marker = "Corpus arrays sha256"
    at = card.index("\n", card.index(marker))
    return card[:at] + "\n\n" + poly_paragraph(cache) + card[at:]


def rewrite(folder: str | Path, cache: str | Path) -> None:
    folder = Path(folder)
    config = json.loads((folder / "config.json").read_text())
    card = folder / "card.md"
    card.write_text(with_poly(card.read_text(encoding="utf-8"), config, cache), encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="write the polyphonic data and licences into a controls card")
    parser.add_argument("folder")
    parser.add_argument("--poly-cache", default="cache/poly-pieces.npz")
    args = parser.parse_args(argv)
    rewrite(args.folder, args.poly_cache)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
