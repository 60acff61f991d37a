"""Add drums' groove library: each training style's grooves with the rhythm of the tracks mma plays beside
them, so that a song's own tracks can find the groove that fits them (:mod:`.add`).

The rhythm of a song's pitched tracks over some bars of one meter is :func:`rhythm_features`: three
histograms over the 16th steps of the bar, each normalised to sum 1 (zeros when empty): where any track
starts a note (each track's onsets at a step counted once), where the lowest track (the bass) starts one,
and where notes of a beat or longer start (chords and pads, against runs and arpeggios). Two rhythms are
compared by :func:`distance`, the summed L1 distance of the three (0 to 6).

The library (``library.json`` in the drum model's folder, written by ``python -m
musicstudio.generators.drums.library [MODEL_DIR]`` from the songs cache, :mod:`.songs`) holds for each main
groove of a training style its rhythm, its first :data:`PATTERN_BARS` bars of drums as the model's tokens,
its hits a bar, the GM number it plays for each drum group and where its kick and snare land in the bar;
and for each standard-library style with fills (grooves named ``...Fill`` in :mod:`.grooves`' cache) the
fill's first bar;
and the listener (:mod:`.listener`) fitted on the same songs. The held-out styles are not in it.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from musicstudio.core.note import Note
from musicstudio.generators.codecs.drums import GROUP_OF, DrumCodec, seed_pitches
from musicstudio.generators.codecs.grid import STEP_TICKS, steps_in_bar
from musicstudio.generators.drums.data import HELD_OUT
from musicstudio.generators.drums.grooves import in_standard_library
from musicstudio.generators.drums.listener import Listener, example, fit_listener, with_kit

PATTERN_BARS = 4
LONG_TICKS = 480          # a note of a beat (a quarter) or longer counts as a long one
FILE = "library.json"


def _histogram(starts: Iterable[int], bar_steps: int) -> np.ndarray:
    counts = np.zeros(bar_steps)
    for step in starts:
        counts[step % bar_steps] += 1
    return counts / counts.sum() if counts.sum() else counts


def rhythm_features(tracks: Sequence[Sequence[Note]], meter: tuple[int, int]) -> np.ndarray:
    """``(3, bar_steps)``: the rhythm of pitched tracks (notes counted from a bar line of ``meter``)."""
    bar = steps_in_bar(meter)
    played = [t for t in tracks if t]
    onsets = [{int(round(n.start / STEP_TICKS)) for n in t} for t in played]
    every = _histogram((s for steps in onsets for s in steps), bar)
    if not played:
        return np.zeros((3, bar))
    lowest = min(range(len(played)), key=lambda i: float(np.mean([n.pitch for n in played[i]])))
    long = {int(round(n.start / STEP_TICKS)) for t in played for n in t if n.duration >= LONG_TICKS}
    return np.stack([every, _histogram(onsets[lowest], bar), _histogram(long, bar)])


def distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a - b).sum())


@dataclass(frozen=True)
class LibraryGroove:
    style: str
    groove: str
    meter: tuple[int, int]
    rhythm: np.ndarray       # (3, bar_steps), :func:`rhythm_features` of the tracks beside it
    tokens: np.ndarray       # PATTERN_BARS bars of drum tokens
    density: float           # drum hits a bar
    pitches: dict            # drum group -> GM number
    kit: np.ndarray          # (2, bar_steps): the kick's and the snare's onset-position histograms


@dataclass(frozen=True)
class Library:
    grooves: tuple[LibraryGroove, ...]
    fills: dict              # style -> one bar of fill tokens
    listener: Listener | None = None   # kick and snare from the band's rhythm (:mod:`.listener`)

    @property
    def styles(self) -> list[str]:
        return sorted({g.style for g in self.grooves})

    def to_json(self, vocab_size: int) -> dict:
        return {"vocab_size": vocab_size, "step_ticks": STEP_TICKS, "pattern_bars": PATTERN_BARS,
                "grooves": [{"style": g.style, "groove": g.groove, "meter": list(g.meter),
                             "rhythm": np.round(g.rhythm, 4).tolist(), "tokens": g.tokens.tolist(),
                             "density": round(g.density, 3), "pitches": {str(k): v for k, v in g.pitches.items()},
                             "kit": np.round(g.kit, 4).tolist()}
                            for g in self.grooves],
                "fills": {s: t.tolist() for s, t in self.fills.items()},
                **({} if self.listener is None else {"listener": self.listener.to_json()})}

    @classmethod
    def from_json(cls, data: dict, vocab_size: int) -> Library:
        if data.get("vocab_size") != vocab_size or data.get("step_ticks") != STEP_TICKS:
            raise ValueError("the groove library was written for another drum vocabulary")
        grooves = tuple(LibraryGroove(g["style"], g["groove"], (int(g["meter"][0]), int(g["meter"][1])),
                                      np.asarray(g["rhythm"], float), np.asarray(g["tokens"], np.int64),
                                      float(g["density"]), {int(k): int(v) for k, v in g["pitches"].items()},
                                      np.asarray(g["kit"], float))
                        for g in data["grooves"])
        listener = Listener.from_json(data["listener"]) if "listener" in data else None
        return cls(grooves, {s: np.asarray(t, np.int64) for s, t in data["fills"].items()}, listener)


def load_library(folder: Path, vocab_size: int) -> Library | None:
    """The model folder's groove library, or None when it has none."""
    path = Path(folder) / FILE
    return Library.from_json(json.loads(path.read_text()), vocab_size) if path.exists() else None


def _notes(rows) -> list[Note]:
    return [Note(int(p), int(s), int(d), int(v)) for p, s, d, v in rows]


def library_groove(codec: DrumCodec, record: dict) -> LibraryGroove:
    """A song record (:mod:`.songs`) as a library entry."""
    meter = (int(record["meter"][0]), int(record["meter"][1]))
    bar = steps_in_bar(meter)
    drums = _notes(record["drums"])
    bars = min(PATTERN_BARS, int(record["length"]) // (bar * STEP_TICKS))
    kit = np.stack([_histogram((int(round(n.start / STEP_TICKS)) for n in drums if GROUP_OF[n.pitch] == group), bar)
                    for group in (0, 1)])
    return LibraryGroove(record["style"], record["groove"], meter,
                         rhythm_features([_notes(t) for t in record["others"]], meter),
                         codec.encode(drums, bars * bar), len(drums) / max(1, record["length"] / (bar * STEP_TICKS)),
                         seed_pitches(drums), kit)


def build_library(codec: DrumCodec, songs: list[dict], grooves: list[dict]) -> Library:
    """The library of the training styles' songs and fills, and the listener fitted on those songs
    (held-out styles left out)."""
    training = [r for r in songs if r["style"] not in HELD_OUT]
    entries = tuple(library_groove(codec, r) for r in training)
    fills = {}
    for r in grooves:     # the standard library's fills: the fill measure (:mod:`.fill_rate`) was set with them
        if (r["style"] in HELD_OUT or not in_standard_library(r["style"]) or "fill" not in r["groove"].lower()
                or r["style"] in fills):
            continue
        bar = steps_in_bar((int(r["meter"][0]), int(r["meter"][1])))
        fills[r["style"]] = codec.encode(_notes(r["notes"]), bar)
    return Library(entries, fills, fit_listener([example(r) for r in with_kit(training)]))


if __name__ == "__main__":
    from musicstudio.generators.drums import grooves, songs

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("models/drums")
    config = json.loads((folder / "config.json").read_text())
    drum_codec = DrumCodec.from_vocabulary(config["codec"])
    library = build_library(drum_codec, songs.load(), grooves.load())
    (folder / FILE).write_text(json.dumps(library.to_json(drum_codec.vocab_size), separators=(",", ":")))
    print(f"{len(library.grooves)} grooves of {len(library.styles)} styles, {len(library.fills)} fills: "
          f"{folder / FILE}")
