"""Issue 8's measurements of a bar GAN, on notes (so they compare with any backend's and with the data).

* **MuseGAN metrics** of generated bars against the training data's own: empty-bar rate (EB), pitch classes
  per non-empty bar (UPC), qualified-note rate (QN, notes of at least a 32nd; every note on the 16th grid
  qualifies, so QN is 1 for both and says nothing here), and two figures that do show fragmentation on this
  grid: notes of a single 16th step, and mean note length.
* **Tonal distance (TD)** between voices where there are several: the top line (the highest note sounding
  at each step) against the notes under it, bar by bar, for chorale continuations against chorale bars.
* **Continuation**: the tonal distance between the seed's last bar and the first generated bar (of the first
  take, and of eight), against the distance between consecutive bars of held-out music (the whole split,
  and the seeds' own pieces).
* **Variety**: how much of one variation's notes another variation of the same request shares.
* **Voices that drop out**: MuseGAN's empty-bar rate per track. The GAN writes a chorale's voices in one
  roll, so each take is dealt out to the seed's voices as the app does
  (:func:`~musicstudio.core.voices.continue_voices`) and the bars in which a voice has no note are counted,
  against Bach's own parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.codecs.grid import on_grid
from musicstudio.generators.evaluate import phrase_of, window
from musicstudio.generators.evaluation.musegan import (
    QUALIFIED_SHARE,
    bar_chroma,
    bar_to_bar_tonal_distances,
    bar_used_pitch_classes,
    centroid_of_chroma,
)
from musicstudio.generators.gan.chords import bar_window
from musicstudio.generators.interface import BAR, GenerationRequest

SEED_BARS = 4


@dataclass
class Phrase:
    name: str
    collection: str
    notes: tuple[Note, ...]
    parts: tuple[tuple[Note, ...], ...] = ()   # each pitched track's notes on the grid (a chorale's voices)

    @property
    def bars(self) -> int:
        return -(-max((n.end for n in self.notes), default=0) // BAR)


def held_out_phrases(corpus, split: str, data) -> list[Phrase]:
    from musicstudio.generators.training.data import split_pieces
    out = []
    for piece_id in split_pieces(corpus, split, data):
        piece = corpus.piece(piece_id)
        notes = phrase_of(piece.tracks, None)
        if notes:
            parts = tuple(on_grid(t.notes) for t in piece.tracks if not t.is_drum and t.notes)
            out.append(Phrase(piece_id, piece.info.collection, notes, parts))
    return out


def empty_bars_by_line(lines: Sequence[Sequence[Note]], bars: int) -> np.ndarray:
    """How many of the first ``bars`` bars each line has no note sounding in."""
    return np.array([sum(not any(n.start < (b + 1) * BAR and n.end > b * BAR for n in line) for b in range(bars))
                     for line in lines])


def parts_empty_bar_share(pieces: Sequence[Sequence[Sequence[Note]]]) -> float:
    """The share of (part, bar) pairs with no note sounding, over whole pieces given as their parts."""
    empty = total = 0
    for parts in pieces:
        bars = -(-max(n.end for part in parts for n in part) // BAR)
        empty += int(empty_bars_by_line(parts, bars).sum())
        total += len(parts) * bars
    return empty / total if total else float("nan")


def dealt_out_empty_bars(run: dict, bars: int) -> tuple[np.ndarray, np.ndarray] | None:
    """For a :func:`continue_seeds` run of a phrase in several parts: (empty bars of each line summed over
    the takes, each dealt out to the seed's parts; the same for the held-out continuation's own parts),
    lines highest part first. None when a part is silent in the seed."""
    from musicstudio.core.voices import continue_voices

    seeds = [window(part, 0, SEED_BARS) for part in run["phrase"].parts]
    if len(seeds) < 2 or not all(seeds):
        return None
    order = sorted(range(len(seeds)), key=lambda i: -np.mean([n.pitch for n in seeds[i]]))
    last = [max(seeds[i], key=lambda n: (n.start, n.pitch)).pitch for i in order]
    generated = sum(empty_bars_by_line(continue_voices(t.notes, last), bars) for t in run["takes"])
    truth = empty_bars_by_line([window(run["phrase"].parts[i], SEED_BARS, bars) for i in order], bars)
    return generated, truth


def bar_figures(phrases: Sequence[tuple[Sequence[Note], int]]) -> dict:
    """EB, UPC, QN, notes per bar, one-step share and mean note length over (notes, bars) phrases."""
    used, notes, bars = [], [], 0
    for phrase, n_bars in phrases:
        u = bar_used_pitch_classes(phrase, BAR, n_bars * BAR)
        used.append(u)
        notes.extend(phrase)
        bars += n_bars
    used_ = np.concatenate(used) if used else np.zeros(0)
    lengths = np.array([n.duration for n in notes], dtype=float)
    full = ~np.isnan(used_)
    return {"bars": bars, "notes": len(notes),
            "EB": float(np.mean(~full)) if len(used_) else float("nan"),
            "UPC": float(np.mean(used_[full])) if full.any() else float("nan"),
            "QN": float(np.mean(lengths >= QUALIFIED_SHARE * BAR)) if len(lengths) else float("nan"),
            "notes_per_bar": len(notes) / max(1, int(full.sum())),
            "one_step_notes": float(np.mean(lengths <= BAR // 16)) if len(lengths) else float("nan"),
            "mean_note_steps": float(lengths.mean() / (BAR // 16)) if len(lengths) else float("nan")}


def relative_gaps(generated: dict, data: dict, keys=("EB", "UPC", "QN")) -> dict:
    """|generated - data| / data for each key (where the data's is 0: 0 if the generated is too, else infinite)."""
    out = {}
    for k in keys:
        g, d = generated[k], data[k]
        out[k] = abs(g - d) / d if d else (0.0 if g == d else float("inf"))
    return out


def top_line_split(notes: Sequence[Note]) -> tuple[list[Note], list[Note]]:
    """(the highest note sounding at each of its steps, the rest): a note belongs to the top line when it is
    the highest sounding pitch at its start."""
    notes = sorted(notes, key=lambda n: (n.start, -n.pitch))
    top, rest = [], []
    for n in notes:
        sounding_higher = any(m.pitch > n.pitch and m.start <= n.start < m.end for m in notes)
        (rest if sounding_higher else top).append(n)
    return top, rest


def voice_tonal_distances(notes: Sequence[Note], bars: int) -> np.ndarray:
    """Per bar, the tonal distance between the top line and the notes under it (NaN where either is silent)."""
    from musicstudio.generators.evaluation.musegan import bar_tonal_distances
    top, rest = top_line_split(notes)
    return bar_tonal_distances(top, rest, BAR, bars * BAR)


def boundary_distance(seed: Sequence[Note], seed_length: int, after: Sequence[Note]) -> float:
    """Tonal distance between the seed's last bar and the first bar after it (NaN if either is silent)."""
    last = bar_window(seed, seed_length - BAR)
    first = [n for n in after if n.start < BAR]
    a = centroid_of_chroma(bar_chroma(last, BAR, BAR))[0]
    b = centroid_of_chroma(bar_chroma(first, BAR, BAR))[0]
    return float(np.linalg.norm(a - b))


def consecutive_distances(phrases: Sequence[Phrase]) -> np.ndarray:
    """Tonal distances between every pair of consecutive sounding bars of held-out music."""
    values = [bar_to_bar_tonal_distances(p.notes, BAR, p.bars * BAR) for p in phrases]
    d = np.concatenate(values) if values else np.zeros(0)
    return d[~np.isnan(d)]


def spread(values) -> dict:
    v = np.asarray([x for x in values if not np.isnan(x)], dtype=float)
    if not len(v):
        return {"n": 0}
    return {"n": int(len(v)), "mean": float(v.mean()), "std": float(v.std()),
            "median": float(np.median(v)), "p25": float(np.percentile(v, 25)), "p75": float(np.percentile(v, 75))}


def continue_seeds(generator, seeds: Sequence[Phrase], bars: int, variations: int = 1) -> list[dict]:
    """Each seed's first four bars continued for ``bars`` bars (random seed = the seed's number)."""
    out = []
    for i, phrase in enumerate(seeds):
        seed = Clip(window(phrase.notes, 0, SEED_BARS), SEED_BARS * BAR)
        takes = generator.generate(GenerationRequest(seed=seed, bars=bars, variations=variations, random_seed=i))
        out.append({"phrase": phrase, "seed": seed, "takes": takes,
                    "truth": window(phrase.notes, SEED_BARS, bars)})
    return out


def variation_overlap(takes) -> float:
    """Mean share of notes (pitch, start, length) two variations of one request have in common (Jaccard)."""
    sets = [set((n.pitch, n.start, n.duration) for n in t.notes) for t in takes]
    shares = [len(a & b) / len(a | b) for i, a in enumerate(sets) for b in sets[i + 1:] if a | b]
    return float(np.mean(shares)) if shares else float("nan")
