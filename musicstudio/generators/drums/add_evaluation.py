"""Add drums measured on held-out songs (``python -m musicstudio.generators.drums.add_evaluation``).

The songs are mma renders of the held-out styles (:mod:`.songs`: bossa, the waltz family, two 6/8 styles,
swing), each its own progression and tempo; the drum model and its groove library never saw those styles.
For each of the first :data:`SONGS` songs whose drums play a kick or a snare, the drums are taken out,
Add drums (:func:`.add.add_drums`, default options) writes :data:`TAKES` parts for the rest (one run, that
many variations), each is set against the removed one, and the song's figure for the part is their mean
(a take is a draw from the drum model: one take alone moves the mean over songs by about 0.005):

* **Kick/snare overlap**: for kick and snare (those the removed part plays), the overlapping area of the
  written part's and the removed part's onset-position histograms over the 16th steps of the bar
  (:func:`.evaluation.instrument_overlap`'s measure), their mean, then the mean over songs. Beside it the
  chosen library groove's pattern looped (retrieval alone, no listener, no model), that pattern with the
  listener's and the neighbours' kick and snare looped (no model), a fixed choice, the library's
  most common groove of the meter, looped (no listening at all), and the ceiling of any choice: the best
  library groove of the meter for each song, chosen knowing the removed part.
* **Hi-hats and ride**: the same overlap for the drums that keep time (closed and open hi-hat, ride: those
  the removed part plays, a drum the part lacks scoring 0), what the chosen groove brings (:func:`.add.choose`).
* **Onsets with the band**: the share of the part's drum onsets (16th steps with a hit) where a pitched
  track also starts a note, for the written part and for the removed one; the target is the written
  part at least the removed one's less 10 points.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from musicstudio.core.meter import TimeSignature
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.tempo import Tempo, bpm_to_us
from musicstudio.core.track import Track
from musicstudio.generators.codecs.drums import GROUP_OF
from musicstudio.generators.codecs.grid import STEP_TICKS, steps_in_bar
from musicstudio.generators.drums.add import AddRequest, add_drums, choose, seed_pattern, segments
from musicstudio.generators.drums.data import HELD_OUT
from musicstudio.generators.drums.evaluation import instrument_overlap, mean_of_numbers
from musicstudio.generators.drums.library import build_library, rhythm_features
from musicstudio.generators.drums.listener import FOLDS, style_folds, with_kit
from musicstudio.generators.drums.songs import CACHE, load

SONGS = 50
TAKES = 5            # a song's figures for the part are the mean over this many takes (one until 2026-12-04)
KICK_SNARE = {"kick": (0,), "snare": (1,)}
TIME_KEEPING = {"closed hi-hat": (2,), "open hi-hat": (3,), "ride": (8,)}


def kick_snare_overlap(part, truth, bar: int) -> float:
    """Mean over kick and snare (those ``truth`` plays) of the onset-position overlap; NaN when it plays
    neither."""
    return instrument_overlap(part, truth, bar, KICK_SNARE)


def with_band(drums, others) -> float:
    """The share of the drums' onset steps where a pitched track starts a note too."""
    theirs = {int(round(n.start / STEP_TICKS)) for t in others for n in t}
    mine = {int(round(n.start / STEP_TICKS)) for n in drums}
    return len(mine & theirs) / max(1, len(mine))


def song_of(record: dict) -> tuple[Song, list[Note]]:
    """The record as a song without its drums (at the tempo mma rendered it at), and the drums taken out."""
    meter = (int(record["meter"][0]), int(record["meter"][1]))
    tracks = [Track(f"Track {i + 1}", 0, False, tuple(Note(*n) for n in notes))
              for i, notes in enumerate(record["others"])]
    song = Song(tuple(tracks), tempos=(Tempo(0, bpm_to_us(float(record.get("tempo", 120)))),),
                time_signatures=(TimeSignature(0, *meter),))
    return song, [Note(*n) for n in record["drums"]]


def held_out_songs(records: list[dict], count: int = SONGS) -> list[dict]:
    kit = [r for r in records if r["style"] in HELD_OUT and any(GROUP_OF[n[0]] in (0, 1) for n in r["drums"])]
    return kit[:count]


def _looped(codec, tokens, pitches, steps: int) -> tuple:
    reps = -(-steps // len(tokens))
    return codec.decode(np.tile(tokens, reps)[:steps], pitches)


def _common_groove(library, meter):
    pool = [g for g in library.grooves if g.meter == meter]
    return Counter(g.groove for g in pool).most_common(1)[0][0] if pool else None


def song_row(generator, record: dict, k: int, options: dict | None = None, takes: int = 1) -> dict | None:
    """One song's figures (see the module's note), the part's each the mean over ``takes`` takes (one run of
    Add drums with that many variations); None when the library has no groove of its meter."""
    song, truth = song_of(record)
    meter = (int(record["meter"][0]), int(record["meter"][1]))
    bar, steps = steps_in_bar(meter), int(record["length"]) // STEP_TICKS
    others = [t.notes for t in song.tracks]
    chosen = choose(generator.library, rhythm_features(others, meter), meter)
    fixed_name = _common_groove(generator.library, meter)
    if chosen is None or fixed_name is None:
        return None
    parts = [t.notes for t in add_drums(generator, song, AddRequest(random_seed=k, last_bar=steps // bar,
                                                                     variations=takes, **(options or {})))]
    scores = [kick_snare_overlap(part, truth, bar) for part in parts]
    pattern = seed_pattern(generator, song, AddRequest(), segments(song, 0, steps // bar)[0], chosen)
    fixed = next(g for g in generator.library.grooves if g.groove == fixed_name)
    best = max((kick_snare_overlap(_looped(generator.codec, g.tokens, g.pitches, steps), truth, bar)
                for g in generator.library.grooves if g.meter == meter), default=float("nan"))
    return {"style": record["style"], "groove": record["groove"], "meter": f"{meter[0]}/{meter[1]}",
            "chosen": f"{chosen.style}/{chosen.groove}",
            "oa": mean_of_numbers(scores), "oa_takes": scores,
            "oa_retrieved": kick_snare_overlap(_looped(generator.codec, chosen.tokens, chosen.pitches, steps), truth,
                                               bar),
            "oa_listener": kick_snare_overlap(_looped(generator.codec, pattern, chosen.pitches, steps), truth, bar),
            "oa_fixed": kick_snare_overlap(_looped(generator.codec, fixed.tokens, fixed.pitches, steps), truth, bar),
            "oa_best": best, "time": mean_of_numbers([instrument_overlap(p, truth, bar, TIME_KEEPING) for p in parts]),
            "band": float(np.mean([with_band(p, others) for p in parts])), "truth_band": with_band(truth, others),
            "notes": float(np.mean([len(p) for p in parts])), "truth_notes": len(truth)}


def evaluate(generator, records: list[dict], options: dict | None = None, takes: int = 1) -> dict:
    return summarise([row for k, r in enumerate(records)
                      if (row := song_row(generator, r, k, options, takes)) is not None])


def validation(generator, songs: list[dict], grooves: list[dict], options: dict | None = None,
               listener: bool = True, folds: int = FOLDS, takes: int = 1) -> dict:
    """The same figures on the training styles' songs with a kick or a snare, each song's part written with a
    library (and listener) built without its style: the styles dealt into ``folds`` folds. ``listener``
    False: the library's groove alone (as before the listener)."""
    import dataclasses

    training = with_kit([r for r in songs if r["style"] not in HELD_OUT])
    rows, own = [], generator.library
    try:
        for out in style_folds((r["style"] for r in training), folds):
            library = build_library(generator.codec, [r for r in songs if r["style"] not in out],
                                    [g for g in grooves if g["style"] not in out])
            generator.library = library if listener else dataclasses.replace(library, listener=None)
            rows += [row for k, r in enumerate(training)
                     if r["style"] in out and (row := song_row(generator, r, k, options, takes)) is not None]
    finally:
        generator.library = own
    return summarise(rows)


def take_means(rows: list[dict]) -> list[float]:
    """The kick/snare overlap over ``rows`` of each take alone (the first takes', the second's, ...)."""
    takes = min((len(r.get("oa_takes", [])) for r in rows), default=0)
    return [mean_of_numbers([r["oa_takes"][i] for r in rows]) for i in range(takes)]


def summarise(rows: list[dict]) -> dict:
    def figures(chosen):
        return {"songs": len(chosen), **{key: mean_of_numbers([r.get(key, np.nan) for r in chosen])
                                          for key in ("oa", "oa_retrieved", "oa_listener", "oa_fixed", "oa_best",
                                                      "time", "band", "truth_band")},
                "take_means": take_means(chosen),
                "notes_per_song": float(np.mean([r["notes"] for r in chosen])),
                "truth_notes_per_song": float(np.mean([r["truth_notes"] for r in chosen]))}
    return {"all": figures(rows),
            "per_meter": {m: figures([r for r in rows if r["meter"] == m]) for m in sorted({r["meter"] for r in rows})},
            "per_style": {s: figures([r for r in rows if r["style"] == s]) for s in sorted({r["style"] for r in rows})},
            "rows": rows}


def main(argv: list[str]) -> dict:
    import argparse

    import torch

    from musicstudio.generators.registry import ModelRegistry

    parser = argparse.ArgumentParser(description="Add drums on held-out songs with their drums taken out.")
    parser.add_argument("model", nargs="?", default="drums")
    parser.add_argument("--songs", type=Path, default=CACHE)
    parser.add_argument("--repeat", type=float, help="how firmly the part keeps the chosen groove")
    parser.add_argument("--temperature", type=float, help="the drum model's sampling temperature (1 unless given)")
    parser.add_argument("--drafts", type=int, help="drafts a take, the one most like the others kept")
    parser.add_argument("--fills", type=int, help="a fill in the last bar of every N bars, 0 none (unless given: "
                        "where the band's form comes round)")
    parser.add_argument("--takes", type=int, default=TAKES, help="takes a song (one run with that many "
                        "variations), the part's figures their mean")
    parser.add_argument("--validate", action="store_true", help="the training styles' songs, a fold at a time")
    parser.add_argument("--no-listener", action="store_true", help="with --validate: the library's grooves alone")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    started = time.monotonic()
    asked = (("repeat", args.repeat), ("temperature", args.temperature), ("drafts", args.drafts),
             ("fills", args.fills))
    options = {key: value for key, value in asked if value is not None}
    generator = ModelRegistry().load(args.model, "cpu")
    if args.validate:
        from musicstudio.generators.drums import grooves

        result = validation(generator, load(args.songs), grooves.load(), options, not args.no_listener,
                            takes=args.takes)
    else:
        result = evaluate(generator, held_out_songs(load(args.songs)), options, args.takes)
    result.update(seconds=round(time.monotonic() - started, 1), options=options, takes=args.takes)
    out = args.out or Path("cache/drums/add-validation.json" if args.validate else "cache/drums/add-evaluation.json")
    out.write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    print(json.dumps({k: v for k, v in main(sys.argv[1:]).items() if k != "rows"}, indent=1))
