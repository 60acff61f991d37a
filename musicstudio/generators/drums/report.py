"""The drum model's card (models/drums/card.md) and report (docs/drums.md), from its config.json and the
evaluation's figures (``cache/drums/evaluation.json``, written by ``python -m
musicstudio.generators.drums.evaluation``): ``python -m musicstudio.generators.drums.report``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from musicstudio.generators.drums.data import HELD_OUT
from musicstudio.generators.licences import licence_section, trained_collections

CITATIONS = [
    "Gillick, Roberts, Engel, Eck and Bamman, \"Learning to Groove with Inverse Sequence Transformations\", 2019 "
    "(drum hits grouped into a few instrument classes, the Groove MIDI Dataset's representation)",
    "Roberts, Engel, Raffel, Hawthorne and Eck, \"A Hierarchical Latent Vector Model for Learning Long-Term "
    "Structure in Music\", 2018 (the nine drum classes of MusicVAE's drum models)",
    "Hochreiter and Schmidhuber, \"Long Short-Term Memory\", 1997",
]
DATA_COMMANDS = [
    "apt-get download mma && dpkg -x mma_*.deb /tmp/mma",
    "MMA_HOME=/tmp/mma/usr/share/mma python3 /tmp/mma/usr/bin/mma -G   # mma indexes its groove library once",
    "python -m musicstudio.generators.drums.grooves /tmp/mma/usr/share/mma   # cache/drums/grooves.json",
]
GPL_NOTE = ("The grooves are Bob van der Poel's mma library (Debian package `mma` 21.09, `lib/stdlib/*.mma`), "
            "GPL-2+ per the package's copyright file; the groove files state no terms of their own. The weights "
            "are fitted to those patterns, so we treat them as a work derived from GPL-2+ data: whoever ships them "
            "should offer them (and this card, and the training code) under the GPL-2+ too, and they are not a "
            "default the app may ship under other terms. Whether trained weights are legally a derivative of their "
            "training data is not settled; that is a judgement, not a ruling.")


def _number(value: float) -> str:
    return "-" if value != value else f"{value:.3f}"   # NaN: no groove of the set plays a kit piece


def _figures_table(result: dict) -> list[str]:
    lines = ["| set | grooves (with kit) | onset overlap (kick, snare, hi-hat) | loop of the last seed bar "
             "| truth's halves | takes keeping the meter | where evident | truths keeping it | GM numbers |",
             "|---|---|---|---|---|---|---|---|---|"]
    rows = [("all held out", result["all"])] + [(m, f) for m, f in result["per_meter"].items()]
    for name, f in rows:
        lines.append(f"| {name} | {f['grooves']} ({f['kit_grooves']}) | {_number(f['oa'])} | {_number(f['oa_loop'])} "
                     f"| {_number(f['oa_truth_halves'])} | {f['meter_kept']:.1%} | {f['meter_kept_evident']:.1%} "
                     f"| {f['truth_meter_kept']:.1%} | {f['gm']:.1%} |")
    return lines


def card_text(config: dict, result: dict) -> str:
    s = config["summary"]
    lines = ["# drums", "", "An LSTM that continues a drum groove in its meter: one token per 16th step naming the "
             "set of drums hit (ten General MIDI instrument groups, three velocity levels), with the LSTM "
             "backend's meter-aware bar-position input. Takes are General MIDI drum numbers, placed on channel 10.",
             "", "## Data", "", GPL_NOTE, "",
             f"mma renders each of its grooves (main grooves, variations, fills, intros, endings) over 16 of its bars "
             f"of a C chord; the drum channel is read back (`musicstudio/generators/drums/grooves.py`). Whole styles "
             f"are held out for evaluation: {', '.join(HELD_OUT)}. Training: {s['train_grooves']} grooves "
             f"({s['distinct_train']} distinct drum parts) in 4/4, 3/4, 6/8 and 5/4; validation {s['valid_grooves']} "
             f"grooves (one in ten of the training styles, by a hash of the name).", "",
             "Onsets are moved to the nearest 16th: swung and triplet grooves are approximated (a swung 8th lands on "
             "the 16th after it) until the triplet grid lands.", ""]
    lines += licence_section(trained_collections(config))[:-1]
    lines += ["", "## Metrics", "", f"Vocabulary {s['vocab']} step sets; {s['parameters']:,} parameters; best "
              f"validation cross-entropy {s['valid_loss']:.3f} nats a step (epoch {s['best_epoch']}); trained "
              f"{s['wall_seconds']} s on the CPU (2 shared cores, busy).", "",
              "Held-out styles, 4-bar seed, 8 bars x 4 variations (docs/drums.md says how each is measured):", ""]
    lines += _figures_table(result) + ["", "## Command", "", "```sh", *DATA_COMMANDS,
                                       f"{config['command']}", "python -m musicstudio.generators.drums.evaluation",
                                       "python -m musicstudio.generators.drums.report", "```", "",
                                       "## Citations", ""]
    return "\n".join(lines + [f"- {c}" for c in CITATIONS]) + "\n"


def docs_text(config: dict, result: dict, bench: str = "") -> str:
    from musicstudio.generators.drums import evaluation

    lines = ["# Drums", "", "`musicstudio generate --backend drums --seed SONG.mid` continues the song's first drum "
             "track (or `--track N`, which must be a drum track) in the song's meter; the takes are drum tracks "
             "(channel 10) of General MIDI numbers. Every other backend refuses a drum seed before it loads.", "",
             "## How it is measured", "", evaluation.__doc__.split("\n\n", 1)[1].strip(), "",
             "Reproduce: `python -m musicstudio.generators.drums.evaluation` then "
             "`python -m musicstudio.generators.drums.report`.", "", "## Continue, held-out styles", ""]
    lines += _figures_table(result) + ["", "Per held-out style:", "", "| style | grooves | overlap | meter kept |",
                                       "|---|---|---|---|"]
    lines += [f"| {s} | {f['grooves']} | {_number(f['oa'])} | {f['meter_kept']:.1%} |"
              for s, f in result["per_style"].items()]
    lines += ["", f"Evaluation took {result.get('seconds', 0)} s on the shared CPU.", ""]
    if bench:
        lines += ["## Speed", "", bench, ""]
    a = result["all"]
    lines += ["## Targets", "",
              f"- Onset-position overlap >= 0.8: **not met**, {a['oa']:.3f} over the {a['kit_grooves']} held-out "
              f"grooves with kit pieces (a loop of the seed's last bar scores {a['oa_loop']:.3f}; the truth's own two "
              f"halves {a['oa_truth_halves']:.3f}). 6/8 is the weakest meter: 25 training grooves of it.",
              f"- Takes keeping the seed's bar >= 90%: **not met**, {a['meter_kept']:.1%} of takes "
              f"({a['meter_kept_evident']:.1%} where the truth shows its bar; the truths themselves "
              f"{a['truth_meter_kept']:.1%}, so the measure is weak on grooves that repeat every beat).",
              f"- GM drum numbers on channel 10: met, {a['gm']:.1%} of take notes are GM percussion numbers; "
              "`generate` writes the take as a drum track (tests/generators/drums/test_drum_cli.py reads the "
              "file's note-ons back: channel 10 only).", ""]
    lines += ["## Data and licence", "", GPL_NOTE, "", "## Not yet", "",
              "- Add drums (a part for a drumless song) and Vary are not built; only Continue.",
              "- Triplet and swing feels are on the 16th grid; microtiming is dropped.",
              "- Fill rate at phrase ends is not measured; mma's fills are trained as grooves of their own.",
              "- The data is mma's hand-written, repeating patterns: held-out grooves repeat within a bar or two, so "
              "the loop of the seed's last bar is a strong reference (shown beside the model).", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    folder = Path("models/drums")
    config = json.loads((folder / "config.json").read_text())
    result = json.loads(Path("cache/drums/evaluation.json").read_text())
    bench = Path(sys.argv[1]).read_text().strip() if len(sys.argv) > 1 else ""
    (folder / "card.md").write_text(card_text(config, result))
    Path("docs/drums.md").write_text(docs_text(config, result, bench))
    print("wrote", folder / "card.md", "and docs/drums.md")
