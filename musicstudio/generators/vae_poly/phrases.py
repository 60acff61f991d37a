"""Rolls of 2-bar phrases from the piece cache (:mod:`.data`), grouped by the meter the model reads them in,
and their musical attributes (the sliders' and the report's).

Attributes of a roll (``nan`` where undefined):

* ``note_density``: notes starting per bar;
* ``polyphony``: mean number of pitches sounding at the steps where anything sounds;
* ``pitch_height``: mean pitch of the onsets;
* ``pitch_range``: highest minus lowest onset pitch;
* ``syncopation``: share of onsets off the beat (not on a quarter of the bar: a dotted quarter in 6/8, 9/8).
"""

from __future__ import annotations

import numpy as np

from musicstudio.generators.codecs.grid import steps_in_bar
from musicstudio.generators.vae.model import MeterRefused
from musicstudio.generators.vae_poly.data import piece_phrases, read_cache
from musicstudio.generators.vae_poly.roll import OFF, ONSET, RollCodec

ATTRIBUTES = ("note_density", "polyphony", "pitch_height", "pitch_range", "syncopation")
Groups = dict[tuple[int, int], np.ndarray]


def beat_steps(meter) -> int:
    """16th steps in one beat: a dotted quarter in compound meters (6/8, 9/8, 12/8), else the denominator's note."""
    n, d = int(meter[0]), int(meter[1])
    return 6 if d == 8 and n % 3 == 0 and n > 3 else 16 // d


def roll_attributes(roll: np.ndarray, low: int, meter=(4, 4)) -> dict[str, float]:
    roll = np.asarray(roll)
    steps, pitches = np.nonzero(roll == ONSET)
    sounding = (roll != OFF).sum(axis=1)
    bars = len(roll) / steps_in_bar(tuple(meter))
    n, nan = len(steps), float("nan")
    return {
        "note_density": n / bars,
        "polyphony": float(sounding[sounding > 0].mean()) if (sounding > 0).any() else nan,
        "pitch_height": float(pitches.mean() + low) if n else nan,
        "pitch_range": float(pitches.max() - pitches.min()) if n else nan,
        "syncopation": float((steps % beat_steps(meter) != 0).mean()) if n else nan,
    }


def attribute_table(rolls: np.ndarray, low: int, meter) -> dict[str, np.ndarray]:
    rows = [roll_attributes(r, low, meter) for r in rolls]
    return {name: np.array([r[name] for r in rows]) for name in ATTRIBUTES}


def meter_groups(cache, split: str, codec: RollCodec, config, transpose=(0,), bars: int = 2,
                 hop_bars: int = 1, min_notes: int = 4) -> tuple[Groups, list[dict]]:
    """``{meter: rolls (n, steps, pitches)}`` of the split's pieces (every transposition in ``transpose``), and
    a row per piece used (id, collection, meter, phrases) for the card. ``config``: the model's
    :class:`~.model.PolyConfig` (which meters it reads, and in which kin's bars)."""
    manifest, arrays = read_cache(cache) if not isinstance(cache, tuple) else cache
    out: dict[tuple[int, int], list] = {}
    used = []
    for row in manifest["pieces"]:
        if row["split"] != split:
            continue
        found = 0
        for first, last, n, d in row.get("segments", [[0, None, *row["meter"]]]):
            try:
                meter = config.phrase_meter((n, d))
            except MeterRefused:
                continue
            for shift in transpose:
                notes = arrays[row["key"]].copy()
                notes[:, 0] += shift
                cut = piece_phrases(notes, meter, bars, hop_bars, codec.low, codec.high, min_notes, (first, last))
                size = bars * steps_in_bar(meter)
                rolls = [codec.encode_steps(p, size) for p in cut]
                out.setdefault(meter, []).extend(rolls)
                found += len(rolls) if shift == 0 else 0
        if not found:
            continue
        used.append({"id": row["id"], "collection": row["collection"], "meter": row["meter"], "phrases": found})
    return {m: np.stack(r) for m, r in out.items() if r}, used


def pick(groups: dict, per_meter: int, seed: int = 0) -> dict:
    """At most ``per_meter`` phrases of each meter's group, a fixed random choice kept in their order (the
    valid picks the refinement tables are measured on)."""
    rng = np.random.default_rng(seed)
    return {m: r[np.sort(rng.permutation(len(r))[:per_meter])] for m, r in groups.items()}
