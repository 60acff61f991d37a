"""Drum parts <-> tokens: one token per 16th step, naming the set of instruments hit there and how hard.

General MIDI percussion (channel 10, the pitch names the drum) is grouped into ten instruments
(:data:`GROUPS`): kick, snare, closed hi-hat, open hi-hat, low / mid / high tom, crash, ride and
percussion. The kit's nine follow Magenta's drum classes (Roberts et al., "A Hierarchical Latent Vector
Model for Learning Long-Term Structure in Music", 2018; Gillick et al., "Learning to Groove with Inverse
Sequence Transformations", 2019); hand percussion (tambourine, cowbell, congas, bongos, timbales, claves,
shakers, guiro, triangle ...) and any number outside the kit are the tenth. Every number 0-127 maps to a
group (:func:`group_of`); a group decodes to one GM number, its canonical one, or the one the seed used
most for it (so claves stay claves and a side stick stays a side stick when a groove is continued).

Velocity is kept in :data:`LEVELS` levels (soft, medium, loud), decoded to :data:`LEVEL_VELOCITIES`.

Time is a 16th grid counted from a bar line (:data:`~.grid.STEP_TICKS` ticks a step): onsets are moved to
the nearest 16th, so a swung or triplet groove is approximated (a swung 8th lands on the 16th after it)
until the triplet grid lands. A step's token is the set of (group, level) hits there; the vocabulary is the
sets the training grooves use (:meth:`DrumCodec.fit`), the empty step first. A set outside the vocabulary
(a seed's rare combination) becomes the nearest one inside it: the most of its instruments kept, then
the closest levels (:meth:`DrumCodec.token_of`). Decoded hits last one step.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

import numpy as np

from musicstudio.core.note import Note
from musicstudio.generators.codecs.grid import STEP_TICKS

GROUPS = ("kick", "snare", "closed hi-hat", "open hi-hat", "low tom", "mid tom", "high tom", "crash", "ride",
          "percussion")
CANONICAL = (36, 38, 42, 46, 45, 48, 50, 49, 51, 75)   # the GM number each group decodes to by default
_MEMBERS = {
    0: (35, 36), 1: (37, 38, 39, 40), 2: (42, 44), 3: (46,), 4: (41, 43, 45), 5: (47, 48), 6: (50,),
    7: (49, 52, 55, 57), 8: (51, 53, 59),
}
PERCUSSION = 9
GROUP_OF = np.full(128, PERCUSSION, np.int64)
for _group, _pitches in _MEMBERS.items():
    GROUP_OF[list(_pitches)] = _group
LEVELS = 3
LEVEL_EDGES = (56, 86)              # velocity below 56 soft, below 86 medium, else loud
LEVEL_VELOCITIES = (45, 72, 102)
MAX_VOCAB = 512

Hit = tuple[int, int]               # (group, level)
HitSet = tuple[Hit, ...]            # sorted by group, one level per group


def group_of(pitch: int) -> int:
    """The instrument group (index into :data:`GROUPS`) of a GM percussion number."""
    return int(GROUP_OF[pitch])


def level_of(velocity: int) -> int:
    return int(np.searchsorted(LEVEL_EDGES, velocity, side="right"))


def step_hits(notes: Iterable[Note], steps: int) -> list[HitSet]:
    """Per 16th step, the (group, level) hits starting there (the loudest level when a group is hit twice)."""
    found: list[dict[int, int]] = [{} for _ in range(steps)]
    for n in notes:
        step = int(round(n.start / STEP_TICKS))
        if 0 <= step < steps:
            group, level = group_of(n.pitch), level_of(n.velocity)
            found[step][group] = max(level, found[step].get(group, 0))
    return [tuple(sorted(hits.items())) for hits in found]


def seed_pitches(notes: Iterable[Note]) -> dict[int, int]:
    """For each group the seed plays, the GM number it plays most for it."""
    counts: dict[int, Counter] = {}
    for n in notes:
        counts.setdefault(group_of(n.pitch), Counter())[n.pitch] += 1
    return {group: c.most_common(1)[0][0] for group, c in counts.items()}


class DrumCodec:
    """Drum notes <-> one token per 16th step (see the module's note). ``sets``: the vocabulary, the
    empty set first (by default the empty step and each single hit; :meth:`fit` learns the sets a corpus
    uses)."""

    name = "drums"

    def __init__(self, sets: Iterable[HitSet] | None = None):
        if sets is None:   # before fitting (a config's spec): the empty step and each single hit
            sets = [()] + [((g, lv),) for g in range(len(GROUPS)) for lv in range(LEVELS)]
        sets = [tuple(tuple(int(x) for x in hit) for hit in s) for s in sets]
        if not sets or sets[0] != ():
            raise ValueError("a drum vocabulary starts with the empty step")
        if len(set(sets)) != len(sets):
            raise ValueError("a drum vocabulary names each set once")
        for s in sets:
            if any(not (0 <= g < len(GROUPS) and 0 <= lv < LEVELS) for g, lv in s):
                raise ValueError(f"{s} is not a set of (group, level) hits")
        self.sets = sets
        self.index = {s: i for i, s in enumerate(sets)}
        self._nearest: dict[HitSet, int] = {}
        self._groups = [dict(s) for s in sets]

    @classmethod
    def fit(cls, parts: Iterable[tuple[Iterable[Note], int]], max_vocab: int = MAX_VOCAB) -> DrumCodec:
        """The sets the parts (notes, steps) use, most used first, at most ``max_vocab``."""
        counts: Counter = Counter()
        for notes, steps in parts:
            counts.update(s for s in step_hits(notes, steps) if s)
        return cls([()] + [s for s, _ in counts.most_common(max_vocab - 1)])

    @property
    def vocab_size(self) -> int:
        return len(self.sets)

    def vocabulary(self) -> dict:
        return {"codec": self.name, "size": self.vocab_size, "step_ticks": STEP_TICKS, "groups": list(GROUPS),
                "levels": list(LEVEL_VELOCITIES), "sets": [[list(h) for h in s] for s in self.sets]}

    @classmethod
    def from_vocabulary(cls, vocab: dict) -> DrumCodec:
        if vocab.get("codec") != cls.name or vocab.get("step_ticks") != STEP_TICKS:
            raise ValueError(f"not a drum vocabulary on the {STEP_TICKS}-tick grid")
        codec = cls([tuple(tuple(h) for h in s) for s in vocab["sets"]])
        if vocab.get("size") != codec.vocab_size:
            raise ValueError(f"the vocabulary says {vocab.get('size')} sets and lists {codec.vocab_size}")
        return codec

    def token_of(self, hits: HitSet) -> int:
        """The token of a step's hits: its own set, else the nearest set of the vocabulary."""
        found = self.index.get(hits)
        if found is not None:
            return found
        if hits not in self._nearest:
            wanted = dict(hits)

            def cost(i: int) -> tuple[int, int]:
                have = self._groups[i]
                if any(g not in wanted for g in have):
                    return (10 ** 6, 0)
                return (len(wanted) - len(have), sum(abs(wanted[g] - lv) for g, lv in have.items()))
            self._nearest[hits] = min(range(len(self.sets)), key=cost)
        return self._nearest[hits]

    def encode(self, notes: Iterable[Note], steps: int) -> np.ndarray:
        """``steps`` tokens for the notes (counted from a bar line); notes past the end are left out."""
        return np.array([self.token_of(s) for s in step_hits(notes, steps)], dtype=np.int64)

    def decode(self, tokens: np.ndarray, pitches: dict[int, int] | None = None, start: int = 0) -> tuple[Note, ...]:
        """Drum notes for the tokens, the first at tick ``start``; ``pitches``: a GM number per group
        instead of the canonical one (:func:`seed_pitches`)."""
        chosen = {g: (pitches or {}).get(g, CANONICAL[g]) for g in range(len(GROUPS))}
        notes = []
        for step, token in enumerate(np.asarray(tokens, dtype=np.int64)):
            for group, level in self.sets[int(token)]:
                notes.append(Note(chosen[group], start + step * STEP_TICKS, STEP_TICKS, LEVEL_VELOCITIES[level]))
        return tuple(notes)

    def expected(self, notes: Iterable[Note], steps: int) -> tuple[Note, ...]:
        """What a round trip gives back for notes whose step sets are all in the vocabulary: each hit on
        its 16th, one step long, at its level's velocity, its group's canonical GM number."""
        return self.decode(self.encode(notes, steps))
