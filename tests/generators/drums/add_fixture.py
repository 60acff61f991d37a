"""A drum model with a groove library built from the fixture's grooves, each heard with a band whose rhythm
tells the styles apart (a rock bass on one and three, a waltz bass on one with chords on two and three)."""

import json
import shutil

from drum_fixture import PATTERNS, pattern_notes, records

from musicstudio.core.meter import TimeSignature
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.generators.codecs.drums import DrumCodec
from musicstudio.generators.drums.library import FILE, build_library

BANDS = {"rock": ({0: 36, 8: 43}, {0: 60, 4: 64, 8: 60, 12: 64}), "threefour": ({0: 36}, {4: 60, 8: 60}),
         "sixeight": ({0: 36, 6: 43}, {0: 60, 2: 62, 4: 64, 6: 60, 8: 62, 10: 64})}
FILL = {38: "x.x.x.x.xxxxxxxx", 42: "x.x.x.x.xxxxxxxx"}    # a snare roll with the hat (sets the codec knows)


def band(style: str, bars: int, start_bar: int = 0) -> list[list[Note]]:
    """The style's bass (8ths) and chord (quarters) tracks over ``bars`` bars, from bar ``start_bar``."""
    meter = PATTERNS[style][0]
    steps = meter[0] * 16 // meter[1]
    return [[Note(pitch, ((start_bar + b) * steps + step) * 120, 240 * (k + 1), 90) for b in range(bars)
             for step, pitch in part.items()] for k, part in enumerate(BANDS[style])]


def song_records(bars: int = 8) -> list[dict]:
    out = []
    for r in records(bars):
        style = r["style"]
        out.append({**r, "tempo": 120, "chords": ["C"], "drums": r["notes"],
                    "others": [[[n.pitch, n.start, n.duration, n.velocity] for n in t] for t in band(style, bars)]})
    return out


def groove_records() -> list[dict]:
    fill = pattern_notes(FILL, 16, 1)
    return records() + [{"style": "rock", "groove": "rockFill", "meter": [4, 4], "length": 16 * 120,
                         "notes": [[n.pitch, n.start, n.duration, n.velocity] for n in fill]}]


def with_library(models, target) -> str:
    """A copy of ``drums-tiny`` with a groove library, as ``drums-add`` under ``target``."""
    folder = target / "drums-add"
    shutil.copytree(models / "drums-tiny", folder)
    config = json.loads((folder / "config.json").read_text())
    config["name"] = "drums-add"
    (folder / "config.json").write_text(json.dumps(config))
    codec = DrumCodec.from_vocabulary(config["codec"])
    library = build_library(codec, song_records(), groove_records())
    (folder / FILE).write_text(json.dumps(library.to_json(codec.vocab_size)))
    return "drums-add"


def band_song(parts: list[tuple[str, int]]) -> Song:
    """A drumless song of the styles' bands one after another (style, bars), with its meter changes."""
    tracks: list[list[Note]] = [[], []]
    signatures, tick = [], 0
    for style, bars in parts:
        meter = PATTERNS[style][0]
        steps = meter[0] * 16 // meter[1]
        signatures.append(TimeSignature(tick, *meter))
        for k, notes in enumerate(band(style, bars)):
            tracks[k].extend(n.moved_by(tick) for n in notes)
        tick += bars * steps * 120
    return Song((Track("Bass", 33, False, tuple(tracks[0])), Track("Piano", 0, False, tuple(tracks[1]))),
                time_signatures=tuple(signatures))
