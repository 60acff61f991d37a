"""The generation record of a kept take, as stored in the project's history, and the way back to the
request that made it, so a take can be generated again exactly. Pure data, no Qt.

A record (``kind: "take"``) holds the backend, the model, the variation, every request parameter
(bars, variations, temperature, top_p, random_seed, key, pitch_range, options, meter), the seed phrase, for a
fill (``"fill": true``) the music after the bars and the other tracks the model was given, where the take went
in the song (with the tracks it was dealt out to, voice by voice, and their last pitches) and the notes that
were kept.
"""

from __future__ import annotations

import time

from musicstudio import __version__
from musicstudio.core.clip import Clip
from musicstudio.core.note import Note, make_note
from musicstudio.core.scale import lock_from_record
from musicstudio.generators.interface import GenerationRequest, Take
from musicstudio.ui.generate.seed import SeedPlan

KIND = "take"


def _notes(notes) -> list[list[int]]:
    return [[n.pitch, n.start, n.duration, n.velocity] for n in notes]


def _clip(clip: Clip) -> dict:
    return {"length": clip.length, "notes": _notes(clip.notes)}


def _clip_from(data: dict) -> Clip:
    return Clip(tuple(make_note(*n) for n in data["notes"]), int(data["length"]))


def take_record(take: Take, plan: SeedPlan, notes: tuple[Note, ...], track: int, device: str) -> dict:
    context = {"after": _clip(plan.after), "others": [_clip(c) for c in plan.others]} \
        if take.request.get("fill") and plan.after is not None else {}    # what a fill heard beside the seed
    return {
        "kind": KIND,
        **take.record(),
        "device": device,
        "seed": {"start": plan.seed_start, "length": plan.seed.length, "notes": _notes(plan.seed.notes)},
        **context,
        "placement": {"mode": plan.mode, "track": track, "at": plan.at, "end": plan.end,
                      "lines": [list(line) for line in plan.lines]},
        "notes": _notes(notes),
        "kept": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "app_version": __version__,
    }


def request_from_record(record: dict) -> GenerationRequest:
    """The request that made a recorded take (raises ValueError, KeyError or TypeError for a bad record)."""
    key = record.get("key")
    return GenerationRequest(
        seed=_clip_from(record["seed"]),
        bars=int(record["bars"]), variations=int(record["variations"]),
        temperature=float(record["temperature"]), top_p=float(record["top_p"]),
        random_seed=int(record["random_seed"]),
        key=None if key is None else lock_from_record(key),
        pitch_range=(int(record["pitch_range"][0]), int(record["pitch_range"][1])),
        options=dict(record.get("options") or {}),
        meter=tuple(int(x) for x in record.get("meter") or (4, 4)),  # records from before meters: 4/4
        after=_clip_from(record["after"]) if record.get("fill") and "after" in record else None,
        others=tuple(_clip_from(c) for c in record.get("others", ())) if record.get("fill") else ())


def recorded_notes(record: dict) -> tuple[Note, ...]:
    return tuple(make_note(*n) for n in record["notes"])


def placed_again(record: dict, take: Take) -> tuple[Note, ...]:
    """A regenerated take's notes placed where the recorded one went."""
    p = record["placement"]
    plan = SeedPlan(int(p["track"]), Clip((), 0), 0, int(p["at"]), p["mode"], end=p.get("end"))
    return plan.placed(take)
