"""``musicstudio generate --fill 5-8 --track N --seed SONG.mid --out OUT.mid``: make bars of a song's track
again, in place (issue 18).

The bars are counted from 1 as a musician reads them (``--fill 5`` is one bar), in the song's own bars
(its meter map). They are planned as the app's "Fill these bars" plans them
(:func:`~musicstudio.generators.seed_plan.plan_seed`, "regenerate"): up to
:data:`~musicstudio.generators.seed_plan.CONTEXT_BARS` bars before them seed the model, and a model that
fills (:class:`~musicstudio.generators.capabilities.Infiller`) also hears the track after them and the song's
other pitched tracks; any other model regenerates them from the bars before only, and the command says so
in one line. A span that cannot be filled (bar 0, backwards, past the song's end, a drum track for a model
of pitched notes, a meter the model does not write) is a usage error, exit 2, said before any model loads.

``OUT.mid`` is the whole song with take 1 in place of the bars (the track's other notes, and every other
track, as they were); each other take is the same song in a file of its own (``OUT-take2.mid`` ...:
:func:`~musicstudio.generators.take_files.take_path`). The takes keep to the pitch range that ``--range``
gives, or to the track's own register.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, replace

from musicstudio.core.song import Song
from musicstudio.generators.interface import GenerationRequest
from musicstudio.generators.seed_plan import SeedPlan, plan_seed, take_meter
from musicstudio.generators.take_files import take_files_line, take_path

_SPAN = re.compile(r"\s*(\d+)\s*(?:(?:-|\.\.|to)\s*(\d+)\s*)?")


def bar_span(text: str) -> tuple[int, int]:
    """``--fill``'s bars: ``5-8`` (``5..8``, ``5 to 8``) or ``5`` alone, counted from 1; first <= last."""
    m = _SPAN.fullmatch(text)
    if not m:
        raise argparse.ArgumentTypeError(f"the bars to fill are FIRST-LAST counted from 1, e.g. 5-8, or one bar, "
                                         f"e.g. 5; not {text!r}")
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    if first < 1:
        raise argparse.ArgumentTypeError(f"bars are counted from 1 (the song's first bar is bar 1), so "
                                         f"{text!r} names no bar")
    if last < first:
        raise argparse.ArgumentTypeError(f"the bars {text!r} run backwards: give the first bar first "
                                         f"({last}-{first})")
    return first, last


def add_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fill", type=bar_span, default=None, metavar="BARS",
                        help="make these bars of --track again in place, e.g. 5-8 or 5 (counted from 1): a model "
                             "that fills hears the bars before and after them and the other tracks, any other "
                             "regenerates them from the bars before; OUT holds the song with take 1 in their place")


@dataclass(frozen=True)
class Fill:
    """Bars of one track to fill: where the takes go (the plan), the bars as the user named them, and
    whether the model hears both sides."""
    plan: SeedPlan
    span: tuple[int, int]
    both_sides: bool
    others: int = 0        # other pitched tracks given to the model

    def write(self, song: Song, takes, generator, args, guards, write_out) -> int:
        """Each take in place of the bars in its own copy of the song (``write_out(song, path, guard)``: 0, or
        3 when a file could not be written), and a line that says so; 0 or 3."""
        plan, (first, last) = self.plan, self.span
        if not self.both_sides:
            print(f"musicstudio generate: {generator.name} does not fill (it hears only the bars before the gap), so "
                  f"bars {first}-{last} are regenerated from the left; a model that fills hears both sides",
                  file=sys.stderr)
        for take, guard in zip(takes, guards):
            name = f"{generator.name} take {take.variation + 1}"
            filled = plan.change(song, plan.placed(take), name).apply(song)
            if write_out(filled, take_path(args.out, take.variation), guard):
                return 3
        meter = take_meter(song, plan.at)
        heard = "the bars before and after them" if self.both_sides else "the bars before them only"
        if self.others and getattr(generator, "hears_others", False):
            heard += f" and the harmony of {self.others} other track{'s' if self.others > 1 else ''}"
        counts = ", ".join(str(len(plan.placed(t))) for t in takes)
        print(f"{args.out}: {len(takes)} takes of bars {first}-{last} of track {plan.track + 1} ({plan.bars} bars "
              f"of {meter[0]}/{meter[1]}) from {generator.name} on {generator.device}, hearing {heard} (notes per "
              f"take: {counts}); {take_files_line(args.out, len(takes))}")
        return 0


def planned(song: Song, index: int | None, info, args, request: GenerationRequest) -> tuple[GenerationRequest,
                                                                                             Fill | None]:
    """With ``--fill``: the request for the bars of track ``index`` (the seed before them, their count and
    meter, and for a model that fills the music after them and the other tracks), and the :class:`Fill` that
    writes the takes; without it, ``request`` as it is and None. A ValueError says what is wrong with the
    span, before any model loads."""
    if args.fill is None:
        return request, None
    if index is None or args.voices or args.seed_bars is not None or args.mode != "continue":
        raise ValueError("--fill makes bars of one track again: give --track N, without --track all, --voices, "
                         "--seed-bars or --mode")
    first, last = args.fill
    bars = song.bar_count if song.end_tick else 0
    if last > bars:
        raise ValueError(f"the song has {bars} bars, so bars {first}-{last} are past its end: fill bars "
                         f"1-{bars} at the most")
    meter = song.meter
    plan = plan_seed(song, index, "bars", "regenerate", loop=(meter.bar_start(first - 1), meter.bar_start(last)))
    context = plan.request_context(info.family)
    request = replace(request, seed=plan.seed, bars=plan.bars, meter=take_meter(song, plan.at), **context)
    return request, Fill(plan, (first, last), bool(context), len(context.get("others", ())))
