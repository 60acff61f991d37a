"""How often a drum part fills at phrase ends: in songs people wrote for mma, and in Add drums' parts.

mma's documentation ships example songs (``/usr/share/doc/mma/examples/*/*.mma``, each with mma's own
rendering beside it as ``.mid``), written by people, some of which switch to a groove's ``...Fill`` at the
end of a phrase. A **phrase end** is the last bar of each :data:`PHRASE`-bar phrase counted from the song's
first bar (bars 4, 8, 12, ...). A **fill** is a bar whose snare and tom onsets (16th steps where one
starts) number at least :data:`FILL_RATIO` times the song's median bar's and :data:`FILL_MORE` more
(:func:`fill_bars`): the bar breaks from the groove's usual bars the way a drummer's fill does. The rate is
the fills at phrase ends over the phrase ends (:func:`phrase_rate`).

The measure (``python -m musicstudio.generators.drums.fill_rate``): the rate over the example songs whose
grooves are all of the training styles, and over the held-out example songs that play a ``...Fill``
groove (the target); Add drums, at its default (a fill in the last bar of each pass through the song's
form, :mod:`.form`) or at ``--fills N``, writes :data:`TAKES` parts for each of those songs with their
drums taken out, and their rate is set against the songs' own. The form found for each song is listed.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Sequence

import numpy as np

from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.generators.codecs.drums import GROUP_OF
from musicstudio.generators.codecs.grid import STEP_TICKS
from musicstudio.generators.drums.form import FILL_GROUPS

PHRASE = 4
FILL_RATIO, FILL_MORE = 1.5, 2
TAKES = 5
EXAMPLES = Path("/usr/share/doc/mma/examples")
_GROOVE_LINE = re.compile(r"^\s*groove\s+(.+)$", re.IGNORECASE | re.MULTILINE)


def fill_bars(drums: Sequence[Note], bar_ticks: int, bars: int | None = None) -> np.ndarray:
    """Booleans, one a bar (``bars`` of them, or up to the last hit's): whether the bar is a fill (see the
    module's note). Onsets go to the bar of their nearest 16th step."""
    bar = max(1, bar_ticks // STEP_TICKS)
    hits = {int(round(n.start / STEP_TICKS)) for n in drums if GROUP_OF[n.pitch] in FILL_GROUPS}
    last = max((int(round(n.start / STEP_TICKS)) for n in drums), default=-1)
    count = bars if bars is not None else last // bar + 1
    counts = np.bincount([s // bar for s in hits if s // bar < count], minlength=count)[:count]
    if count == 0:
        return np.zeros(0, bool)
    median = float(np.median(counts))
    return counts >= max(median + FILL_MORE, FILL_RATIO * median)


def phrase_rate(fills: np.ndarray, phrase: int = PHRASE) -> tuple[int, int]:
    """(fills at phrase ends, phrase ends) of a song's bars."""
    ends = np.arange(phrase - 1, len(fills), phrase)
    return int(fills[ends].sum()), len(ends)


def groove_styles(text: str, styles_of: dict) -> set[str]:
    """The library styles of the grooves an mma song's ``Groove`` lines name (``styles_of``: groove name
    in lower case -> style)."""
    found = set()
    for line in _GROOVE_LINE.findall(text):
        for word in line.split("//")[0].split():
            if word.lower() in styles_of:
                found.add(styles_of[word.lower()])
    return found


def plays_fill(text: str) -> bool:
    return any(re.search(r"fill\b", line.split("//")[0], re.IGNORECASE) for line in _GROOVE_LINE.findall(text))


def _drums_and_bar(song: Song) -> tuple[list[Note], int, int]:
    drums = [n for t in song.tracks if t.is_drum for n in t.notes]
    bar = song.meter.bar_start(1)
    bars = (max((n.start for n in drums), default=0) + bar // 2) // bar + 1 if drums else 0
    return drums, bar, bars


def example_songs(folder: Path, styles_of: dict) -> list[dict]:
    """The examples with drums: path, the song, its styles, whether it plays a Fill groove."""
    from musicstudio.io.midi_read import import_midi

    out = []
    for path in sorted(folder.glob("*/*.mma")):
        midi = path.with_suffix(".mid")
        if not midi.exists():
            continue
        text = path.read_text("latin-1")
        song = import_midi(midi).song
        if any(t.is_drum and t.notes for t in song.tracks):
            out.append({"name": f"{path.parent.name}/{path.name}", "song": song,
                        "styles": groove_styles(text, styles_of), "fill_groove": plays_fill(text)})
    return out


def song_rate(song: Song) -> tuple[int, int, list[int]]:
    """(fills at phrase ends, phrase ends, the fill bars counted from 1) of a song's drums."""
    drums, bar, bars = _drums_and_bar(song)
    fills = fill_bars(drums, bar, bars)
    return (*phrase_rate(fills), [int(i) + 1 for i in np.flatnonzero(fills)])


def added_rate(generator, song: Song, fills: int | None, takes: int = TAKES) -> tuple[int, int]:
    """Add drums' parts (``takes`` of them, the song's own drums taken out) at ``fills`` (None: the
    default, the form's ends): their fills at phrase ends and phrase ends, summed."""
    from musicstudio.generators.drums.add import AddRequest, add_drums

    _, bar, bars = _drums_and_bar(song)
    band = song.with_tracks([t for t in song.tracks if not t.is_drum])
    request = AddRequest(fills=fills, variations=takes, last_bar=bars)
    found = [phrase_rate(fill_bars(t.notes, bar, bars)) for t in add_drums(generator, band, request)]
    return sum(f for f, _ in found), sum(n for _, n in found)


def song_form(song: Song) -> int | None:
    """The form length (bars) Add drums hears in the song's band (:func:`.form.form_length`)."""
    from musicstudio.generators.drums.form import bar_chroma, form_length

    _, bar, bars = _drums_and_bar(song)
    return form_length(bar_chroma([t.notes for t in song.tracks if not t.is_drum], bar, bars))


def _summed(rows: dict, chosen: list[dict]) -> list[int]:
    return [sum(rows[s["name"]][i] for s in chosen) for i in (0, 1)]


def measure(generator, folder: Path, styles_of: dict, held_out: Sequence[str], fills: int | None = None) -> dict:
    """The rates (see the module's note); Add drums' at ``fills`` (None: its default)."""
    songs = example_songs(folder, styles_of)
    training = [s for s in songs if s["styles"] and not s["styles"] & set(held_out)]
    held = [s for s in songs if s["fill_groove"] and s["styles"] and s["styles"] <= set(held_out)]
    rows = {s["name"]: song_rate(s["song"]) for s in training + held}
    added = {s["name"]: added_rate(generator, s["song"], fills) for s in training + held}
    return {"phrase": PHRASE, "training_songs": [s["name"] for s in training],
            "training": _summed(rows, training), "added_training": _summed(added, training),
            "training_fill_grooves": sum(s["fill_groove"] for s in training),
            "mixed_fill_songs": [s["name"] for s in songs if s["fill_groove"] and s not in held and s not in training],
            "held_out_songs": [s["name"] for s in held], "held_out": _summed(rows, held),
            "added_fills": fills, "added": _summed(added, held), "takes": TAKES,
            "songs": {s["name"]: {"fills": rows[s["name"]][0], "phrase_ends": rows[s["name"]][1],
                                  "fill_bars": rows[s["name"]][2], "form": song_form(s["song"]),
                                  "added": list(added[s["name"]])} for s in training + held}}


def main(argv: list[str]) -> dict:
    import argparse

    import torch

    from musicstudio.generators.drums import grooves
    from musicstudio.generators.drums.data import HELD_OUT
    from musicstudio.generators.registry import ModelRegistry

    parser = argparse.ArgumentParser(description="Fills at phrase ends: mma's example songs and Add drums.")
    parser.add_argument("model", nargs="?", default="drums")
    parser.add_argument("--examples", type=Path, default=EXAMPLES)
    parser.add_argument("--fills", type=int, help="Add drums' fills setting (default: its own, the form's ends)")
    parser.add_argument("--out", type=Path, default=Path("cache/drums/fill-rate.json"))
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    styles_of = {r["groove"].lower(): r["style"] for r in grooves.load()}
    result = measure(ModelRegistry().load(args.model, "cpu"), args.examples, styles_of, HELD_OUT, args.fills)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    print(json.dumps({k: v for k, v in main(sys.argv[1:]).items() if k != "songs"}, indent=1))
