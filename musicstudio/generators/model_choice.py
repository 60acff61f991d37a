"""Which model writes the takes when the musician asks for a family's default: a seed with triplets goes to
the family's model that hears them.

The default ``lstm`` counts time in 16ths: it cannot write a triplet (0% of its takes' onsets on the
triplet seeds of docs/triplets.md, against 21.5% in the true continuations), and ``lstm-triplets``, the
same network on a grid of 12 steps a quarter, writes them (23.4%). So when the musician leaves the model
to the family (``generate --backend lstm`` without ``--model``; the Generate panel's first choice, not
picked by hand) and the seed holds triplets, the takes come from an installed model of the same family
whose grid holds the 8th triplet; a model named by the musician is never changed.

*Holds triplets*: at least :data:`THRESHOLD` of the seed's onsets are triplet onsets (on the grid of 12 a
quarter, not on the 16th grid, :func:`~musicstudio.generators.codecs.grid.is_triplet_onset`). The threshold
comes from the licence-clean corpus on the 12-a-quarter grid (``cache/corpus-clean-12``), its train and
valid pieces (2,806 that keep one meter for 8 bars and more; never its test pieces, which the reports
measure): as a rule for "bars 5-8 put at least 10% of their onsets on triplets" (the triplet report's mark
of a triplet piece) read from bars 1-4, "the seed's share >= t" has a balanced accuracy (the mean of the
share of triplet continuations caught and of straight ones left alone) of 0.78 for every t from "any
triplet onset" up to 7% (0.785 at 7%, the highest; 71% of the triplet continuations caught, 87% of the
straight ones left alone), then it falls (0.777 at 8%, 0.770 at 10%, 0.67 at 15%). A single triplet figure
in a 4-bar tune is 2 onsets of about 30 (6.7%): below the mark, an ornament rather than a triplet feel.

A seed that is not on that grid at all (a performance, played rather than written: under
:data:`ON_GRID` of its onsets on the 12-a-quarter grid) says nothing about triplets: every model rounds
it to its own grid, and the default stays.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from musicstudio.core.ticks import PPQ
from musicstudio.generators.codecs.grid import TRIPLET_STEPS_PER_QUARTER, is_triplet_onset

THRESHOLD = 0.07   # a seed with at least this share of triplet onsets goes to a triplet model (see above)
ON_GRID = 0.9      # a seed is read when at least this share of its onsets lie on the 12-a-quarter grid
TRIPLET_EIGHTH = PPQ // 3


@dataclass(frozen=True)
class Candidate:
    """An installed model as the choice sees it."""

    name: str
    backend: str
    step_ticks: int        # its codec's grid
    licence: str = ""      # its licence's name: a triplet model of the same licence is preferred

    @property
    def hears_triplets(self) -> bool:
        return TRIPLET_EIGHTH % self.step_ticks == 0


@dataclass(frozen=True)
class Choice:
    name: str
    reason: str = ""       # one line when the model is not the one asked for; empty otherwise


def triplet_share(notes) -> float | None:
    """The share of the notes' onsets that are triplet onsets; None when there are no onsets or the notes
    are not written on the 12-a-quarter grid (under :data:`ON_GRID` of the onsets on it)."""
    starts = [n.start for n in notes]
    step = PPQ // TRIPLET_STEPS_PER_QUARTER
    if not starts or sum(s % step == 0 for s in starts) < ON_GRID * len(starts):
        return None
    return sum(is_triplet_onset(s) for s in starts) / len(starts)


def choose(asked: Candidate, notes, installed: Iterable[Candidate], named: bool) -> Choice:
    """The model for a seed of ``notes`` when ``asked`` is what the musician asked for (``named``: by its
    name, which is never changed; otherwise the family's default)."""
    if named or asked.hears_triplets:
        return Choice(asked.name)
    share = triplet_share(notes)
    if share is None or share < THRESHOLD:
        return Choice(asked.name)
    kin = [c for c in installed if c.backend == asked.backend and c.hears_triplets]
    if not kin:
        return Choice(asked.name)
    picked = next((c for c in kin if c.licence == asked.licence), kin[0])
    return Choice(picked.name, f"The seed has triplets ({share:.0%} of its onsets): generating with "
                               f"{picked.name}, which writes them, instead of {asked.name} (give the model by "
                               "name to keep it).")


def candidate(info, config: dict) -> Candidate:
    """A :class:`~musicstudio.generators.registry.ModelInfo` and its config as a :class:`Candidate`."""
    codec = config.get("codec") if isinstance(config.get("codec"), dict) else {}
    step = codec.get("step_ticks")
    return Candidate(info.name, info.backend, step if isinstance(step, int) and step > 0 else PPQ // 4,
                     info.licence.name)


def _config(info) -> dict:
    """A model's config.json as it is (the registry has proved it readable; {} if it no longer is)."""
    try:
        found = json.loads((Path(info.folder) / "config.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def grid_ticks(info) -> int:
    """A model's grid in ticks, its codec's step (a 16th when its config does not say): what
    :func:`~musicstudio.generators.fitting.fit_request` asks to know whether the model hears a swing as triplets."""
    return candidate(info, _config(info)).step_ticks


def for_seed(asked, notes, infos, named: bool, say: Callable[[str], None] | None = None):
    """The :class:`~musicstudio.generators.registry.ModelInfo` to generate a seed of ``notes`` with, of
    ``infos`` (the installed models) when the musician asked for ``asked`` (``named``: by its name); ``say``
    gets the line that says why it is another."""
    kin = [i for i in infos if i.backend == asked.backend]
    if named or not notes or not any(i.name != asked.name for i in kin):   # nothing else to choose
        return asked
    choice = choose(candidate(asked, _config(asked)), notes, [candidate(i, _config(i)) for i in kin], named)
    if not choice.reason:
        return asked
    if say is not None:
        say(choice.reason)
    return next(i for i in kin if i.name == choice.name)


def told(line: str) -> None:
    """A choice's line on the command line: on stderr, as ``musicstudio generate``'s other notes."""
    print(f"musicstudio generate: {line}", file=sys.stderr)
