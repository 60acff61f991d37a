"""How often the key found from the notes (:mod:`musicstudio.core.key_finding`) is the key the source
states, on the corpus's pieces that carry a key signature, and on Mozart's K.525 (G major, whose MIDI
file in music21 has no key signature, so it reads as C major).

What a source states decides what "right" means:

* a key with its mode (Bach, O'Neill's, Ryan's: ``K:Am`` in ABC, a key in MusicXML and Humdrum): the found
  key must be that key;
* a tonic alone (the Essen collection: its ABC ``K:`` field is the tonic, as EsAC writes it, and the notes
  carry their own accidentals; the Hildebrandslied is ``K: G`` with B-flats throughout, so music21 reads
  every Essen tune as major): the found key's tonic must be it, and a major/minor difference is counted
  apart as "mode not stated";
* a signature alone (Palestrina, modal pieces): the found key's signature must be it (a key or its
  relative).

Wrong keys are sorted: the relative major or minor, the parallel (same tonic, other mode), a fifth away
(dominant or subdominant, same mode) and other. The profile, the final-note bonus and the margin that
:func:`~musicstudio.core.key_finding.song_key` gives a signature are chosen on the validation split; the
test split reports.

``python -m musicstudio.generators.evaluation.key_accuracy [--split test] [--corpus DIR] [--out FILE.md]``
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from musicstudio.core.key import Key
from musicstudio.core.key_finding import (
    DEFAULT_PROFILE,
    DEFAULT_WEIGHTING,
    FINAL_BONUS,
    PROFILES,
    SIGNATURE_MARGIN,
    WEIGHTINGS,
    find_key,
    same_key,
    song_key,
)
from musicstudio.core.song import Song

TONIC_ONLY = frozenset({"essenFolksong"})      # collections whose K: field names the tonic, not the key
TARGET = 0.85
BONUSES = (0.0, 0.1, 0.2)
MARGINS = (0.0, 0.1, 0.2, 0.3, 0.4)


@dataclass
class Tally:
    """Verdicts of one way of finding keys over some pieces."""

    verdicts: Counter = field(default_factory=Counter)
    by_collection: dict = field(default_factory=dict)

    def add(self, collection: str, verdict: str) -> None:
        self.verdicts[verdict] += 1
        self.by_collection.setdefault(collection, Counter())[verdict] += 1

    @property
    def pieces(self) -> int:
        return sum(self.verdicts.values())

    @staticmethod
    def share(counts: Counter) -> float:
        total = sum(counts.values())
        return (counts["right"] + counts["right (mode not stated)"]) / total if total else float("nan")

    @property
    def accuracy(self) -> float:
        return self.share(self.verdicts)


def wrong_kind(found: Key, stated: Key) -> str:
    """How a found key differs from the stated one: right, relative, parallel, fifth or other."""
    if same_key(found, stated):
        return "right"
    if found.minor != stated.minor and found.scale() == stated.scale():
        return "relative"
    if found.tonic == stated.tonic:
        return "parallel"
    if found.minor == stated.minor and (found.tonic - stated.tonic) % 12 in (5, 7):
        return "fifth"
    return "other"


def verdict(info, found: Key) -> str | None:
    """The verdict on ``found`` for a manifest row, as its source allows (None: it states no key)."""
    if info.key_sharps is None:
        return None
    signature = Key(info.key_sharps, info.mode == "minor")
    if info.collection in TONIC_ONLY:
        kind = wrong_kind(found, signature)
        return "right (mode not stated)" if kind == "parallel" else kind
    if info.mode not in ("major", "minor"):
        return "right" if found.scale() == signature.scale() else "other"
    return wrong_kind(found, signature)


Way = tuple[str, str, float]    # profile, weighting, final-note bonus
DEFAULT_WAY: Way = (DEFAULT_PROFILE, DEFAULT_WEIGHTING, FINAL_BONUS)


def tally(pieces, way: Way = DEFAULT_WAY, strict: bool = False) -> Tally:
    """Verdicts over ``pieces`` (corpus pieces); ``strict`` takes the manifest's key at its word."""
    profile, weighting, bonus = way
    out = Tally()
    for piece in pieces:
        fit = find_key(piece.notes, profile, bonus, weighting)
        if fit is None or piece.info.key_sharps is None:
            continue
        if strict and piece.info.key is not None:
            out.add(piece.info.collection, wrong_kind(fit.key, piece.info.key))
        elif not strict:
            out.add(piece.info.collection, verdict(piece.info, fit.key))
    return out


def _stated_key(info) -> Key | None:
    """The key a row states when its mode is known (Essen's tonic with the mode the notes show aside)."""
    return info.key if info.collection not in TONIC_ONLY else None


def signature_kept_and_found(pieces, margin: float) -> tuple[float, float, int]:
    """:func:`song_key` with ``margin``: the share of songs whose stated key stands, and the share of
    songs not in C major or A minor whose key is found again when their signature is taken away (a MIDI
    file without one reads as C major); and how many songs were tried."""
    kept = found = tried = missing = 0
    for piece in pieces:
        key = _stated_key(piece.info)
        if key is None:
            continue
        song = piece.song()
        tried += 1
        kept += same_key(song_key(song, margin=margin), key)
        if key.sharps != 0:
            missing += 1
            found += same_key(song_key(Song(tracks=song.tracks), margin=margin), key)
    return kept / max(tried, 1), found / max(missing, 1), tried


def k525_files() -> list[Path]:
    """Mozart's K.525, first movement, as MIDI files music21 ships (its OMR test material)."""
    import music21
    folder = Path(music21.__file__).parent / "omr"
    return [p for p in (folder / "k525MIDIMvt1.mid", folder / "k525short.mid") if p.exists()]


def k525_rows() -> list[dict]:
    """For each K.525 file: the signature's key, the key found from the notes, the song key and the share
    of F#s among its notes."""
    from musicstudio.io.files import open_song

    rows = []
    for path in k525_files():
        song = open_song(path).song
        notes = song.pitched_notes()
        fit = find_key(notes)
        rows.append({"file": path.name, "notes": len(notes), "signature": song.key.name,
                     "found": fit.key.name if fit else "none", "song_key": song_key(song).name,
                     "f_sharps": sum(n.pitch % 12 == 6 for n in notes),
                     "f_naturals": sum(n.pitch % 12 == 5 for n in notes)})
    return rows


def choose(valid) -> dict:
    """The profile, weighting and final-note bonus with the best validation accuracy, and each margin's
    figures for the defaults."""
    grid = {(p, w, b): tally(valid, (p, w, b)).accuracy for p in PROFILES for w in WEIGHTINGS for b in BONUSES}
    best = max(grid, key=grid.get)
    margins = {margin: signature_kept_and_found(valid, margin) for margin in MARGINS}
    best_margin = max(margins, key=lambda m: margins[m][0] + margins[m][1])
    return {"grid": grid, "best": best, "margins": margins, "best_margin": best_margin}


def essen_minor_thirds(pieces) -> tuple[int, int]:
    """Essen pieces read as major whose minor third above the tonic sounds longer than their major third,
    and how many Essen pieces there are: the evidence that their K: field names no mode."""
    from musicstudio.core.key_finding import pitch_class_durations

    minor = total = 0
    for piece in pieces:
        if piece.info.collection in TONIC_ONLY and piece.info.key is not None:
            total += 1
            tonic, durations = piece.info.key.tonic, pitch_class_durations(piece.notes)
            minor += durations[(tonic + 3) % 12] > durations[(tonic + 4) % 12]
    return minor, total


KINDS = ("right", "right (mode not stated)", "relative", "parallel", "fifth", "other")


def _table(rows: list[list], head: list[str]) -> list[str]:
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + \
        ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]


def report(test, valid, split: str) -> tuple[str, float]:
    """The markdown report and the headline figure (the chosen way's share right on ``test``)."""
    chosen = choose(valid)
    best = chosen["best"]
    main = tally(test, DEFAULT_WAY)
    lines = [f"# Key finding: the key from the notes against the key the source states ({split} split)", "",
             "Made by `python -m musicstudio.generators.evaluation.key_accuracy --out docs/key-finding.md`; "
             "what counts as right for each source is in that module's docstring.", "",
             f"**{main.accuracy:.1%} right on {main.pieces} {split} pieces that carry a key signature** "
             f"(target {TARGET:.0%}) with the app's way: profile `{DEFAULT_WAY[0]}`, pitch classes weighted by "
             f"{DEFAULT_WAY[1]}, final-note bonus {DEFAULT_WAY[2]}. The best on the validation split: "
             f"`{best[0]}`, {best[1]}, bonus {best[2]}"
             + (" (the same)." if best == DEFAULT_WAY else ": the defaults in core/key_finding.py are out of date."),
             ""]
    rows = [[c] + [counts[k] for k in KINDS] + [sum(counts.values()), f"{Tally.share(counts):.1%}"]
            for c, counts in sorted(main.by_collection.items())]
    rows.append(["**all**"] + [main.verdicts[k] for k in KINDS] + [main.pieces, f"**{main.accuracy:.1%}**"])
    lines += _table(rows, ["collection"] + list(KINDS) + ["pieces", "right"]) + [""]
    strict = tally(test, DEFAULT_WAY, strict=True)
    minor, essen = essen_minor_thirds(test)
    lines += [f"Taking the manifest's major/minor at its word ({strict.pieces} pieces with a mode): "
              f"{strict.accuracy:.1%} right; relative major/minor confusions {strict.verdicts['relative']}, "
              f"parallel {strict.verdicts['parallel']}, a fifth away {strict.verdicts['fifth']}, other "
              f"{strict.verdicts['other']}. The parallel ones are Essen's: {minor} of its {essen} {split} tunes, "
              "all read as major, sound their minor third longer than their major third.", "",
             f"## Every profile on the {split} split", ""]
    rows = [[*way, f"{tally(test, way).accuracy:.1%}", f"{share:.1%}"] for way, share in chosen["grid"].items()]
    lines += _table(rows, ["profile", "weighting", "final-note bonus", split, "validation"]) + [""]
    lines += ["## The song key: when the notes overrule the signature", "",
              "`song_key` keeps the signature unless the best key scores more than the margin above the "
              "signature's key. Validation split, songs with a stated key: the share whose key stands, and "
              "the share (of those not in C major / A minor) whose key is found again with the signature "
              "taken away (a file without one reads as C major). The margin used is the one with the best "
              "mean of the two" + (" (it is)." if chosen["best_margin"] == SIGNATURE_MARGIN else
                                   f": {chosen['best_margin']}, so core/key_finding.py is out of date."), ""]
    rows = [[m, f"{kept:.1%}", f"{found:.1%}", n] + (["(used)"] if m == SIGNATURE_MARGIN else [""])
            for m, (kept, found, n) in chosen["margins"].items()]
    lines += _table(rows, ["margin", "signature stands", "found without it", "songs", ""]) + [""]
    lines += ["## Mozart, K.525 (G major, a MIDI file without a key signature)", ""]
    rows = [[r["file"], r["notes"], r["signature"], r["found"], r["song_key"], r["f_sharps"], r["f_naturals"]]
            for r in k525_rows()]
    lines += _table(rows, ["file", "notes", "signature", "found from the notes", "song key", "F#", "F"]) + [""]
    return "\n".join(lines), main.accuracy


def main(argv: list[str] | None = None) -> int:
    from musicstudio.generators.corpus import load_corpus
    from musicstudio.generators.corpus_store import CorpusCacheError

    p = argparse.ArgumentParser(prog="python -m musicstudio.generators.evaluation.key_accuracy",
                                description="Measure key finding on the corpus and on K.525.")
    p.add_argument("--corpus", help="the corpus cache folder (default: the project's)")
    p.add_argument("--split", default="test", choices=("test", "valid", "train"), help="the split to report")
    p.add_argument("--out", help="also write the report to this markdown file")
    args = p.parse_args(argv)
    try:
        corpus = load_corpus(args.corpus)
    except CorpusCacheError as e:
        print(f"key_accuracy: {e}", file=sys.stderr)
        return 3
    text, accuracy = report(list(corpus.pieces(args.split)), list(corpus.pieces("valid")), args.split)
    print(text)
    if args.out:
        Path(args.out).write_text(text, "utf-8")
    return 0 if accuracy >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
