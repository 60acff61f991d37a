"""``musicstudio generate`` with a drum model, beyond Continue (a :mod:`~musicstudio.generators.new_tracks`
command):

* ``--add-drums [--style S] [--density D] [--fills N] [--drum-bars A-B] [--swing auto|off|RATIO]``: a drum
  part for a song that has none (:mod:`.add`), a new drum track on channel 10 beside the song's, swung as the
  band swings unless ``--swing`` says otherwise; the whole song comes back with it, each take in its own file
  (``OUT.mid``, ``OUT-take2.mid`` ...). ``--style list`` lists the styles.
* ``--mode vary``: variations of the song's drum track (``--amount``, 0 gives it back, 1 a new groove),
  after it;
* ``--repeat W``: how firmly a take keeps the groove (Continue's seed pattern, 0.5 unless given; Add
  drums' chosen groove, 0.7 unless given).

Exit codes as ``generate``'s: 0 written, 2 usage (an unknown style, an option out of range, a model that
is not a drum model), 3 bad input (a song that already has drums, no notes, a file that cannot be read or
written).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from musicstudio.generators.capabilities import DrumWriter

PROG = "musicstudio generate"


class BadInput(ValueError):
    """A song the command cannot serve (exit code 3)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("drums (a drum model)")
    group.add_argument("--add-drums", action="store_true",
                       help="write a drum part for a song without one, as a new drum track")
    group.add_argument("--style", help="add drums: a style of the drum model's groove library ('list' lists them)")
    # --density (0 sparse .. 1 busy) is defined once, with the controls' (controls/arguments.py): read by _density
    group.add_argument("--fills", type=int, default=None, metavar="N",
                       help="add drums: a fill in the last bar of every N bars, 0 none (default: the last bar of "
                            "each pass through the song's form, heard from its harmony)")
    group.add_argument("--drum-bars", metavar="A-B", help="add drums: only bars A to B (from 1; default all)")
    group.add_argument("--repeat", type=float, metavar="W",
                       help="drums: how firmly takes keep the groove, 0-1 (continue 0.5, add drums 0.7)")


def _model_info(args):
    from musicstudio.generators.generate_command import _pick_model
    from musicstudio.generators.registry import ModelRegistry, model_info

    registry = ModelRegistry()
    for folder in args.models_dir:
        registry.add_folder(folder)
    return registry, model_info(registry.resolve(_pick_model(registry, args)))


def _is_drum_model(args) -> bool:
    try:
        return _model_info(args)[1].family.can(DrumWriter)
    except Exception:      # generate itself says what is wrong with the model asked for
        return False


def asked(args: argparse.Namespace) -> bool:
    if args.add_drums:
        return True
    return (args.mode == "vary" or args.repeat is not None) and _is_drum_model(args)


def _span(text: str | None) -> tuple[int, int | None]:
    """``--drum-bars A-B`` as (first bar, end bar) counted from 0, the end exclusive."""
    if not text:
        return 0, None
    try:
        a, b = (int(x) for x in text.split("-"))
    except ValueError:
        raise ValueError(f"--drum-bars takes two bar numbers, A-B (from 1), not {text}") from None
    if not 1 <= a <= b:
        raise ValueError(f"--drum-bars {text}: bars count from 1 and A comes before B")
    return a - 1, b


def _density(text: str | None) -> float | None:
    """``--density`` as Add drums reads it: a number from 0 (sparse) to 1 (busy), or None (what fits the song);
    ValueError in one line for anything else (the controls' bin names, a value a bar)."""
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"--density for drums is a number from 0 (sparse) to 1 (busy), not {text!r}; bin names "
                         "and one value a bar are for a model with control tokens (infill-controls)")
    return value


def _add(generator, song, args):
    from musicstudio.generators.drums.add import AddDrumsError, AddRequest, add_drums

    drums = [k + 1 for k, t in enumerate(song.tracks) if t.is_drum and t.notes]
    if drums:
        raise BadInput(f"the song already has drums (track {drums[0]}): --add-drums writes a part for a song "
                       "without one (continue a drum track with plain generate)")
    first, end = _span(args.drum_bars)
    request = AddRequest(style=args.style, density=_density(args.density), fills=args.fills,
                         variations=args.variations, temperature=args.temperature, random_seed=args.random_seed,
                         first_bar=first, last_bar=end, feel=args.swing,
                         **({} if args.repeat is None else {"repeat": args.repeat}))
    try:
        return add_drums(generator, song, request)
    except AddDrumsError as e:
        if "no notes" in str(e) or "no bars" in str(e):
            raise BadInput(str(e)) from None
        raise


def _vary_or_continue(generator, song, args):
    """Takes of the song's drum track: Vary's (``--mode vary``) or Continue's with ``--repeat``; and the
    tracks of each, placed after the drum track."""
    from musicstudio.core.track import Track
    from musicstudio.generators.generate_command import _request, _seed_clip

    seed, track, start, _ = _seed_clip(song, args, drums_first=True)
    if not track.is_drum:
        raise BadInput("the song has no drum track to vary or continue")
    request = _request(args, song, seed, start)
    options = {} if args.repeat is None else {"repeat": args.repeat}
    if args.mode == "vary":
        takes = generator.vary(replace(request, options={"amount": args.amount, **options}))
    else:
        takes = generator.generate(replace(request, options=options))
    at = start + seed.length
    return [Track(f"{generator.name} {args.mode} {t.variation + 1}", track.program, True,
                  tuple(n.moved_by(ticks=at) for n in t.notes), channel=9) for t in takes]


def main(args: argparse.Namespace) -> int:
    from musicstudio.generators.checkpoint import CheckpointError
    from musicstudio.generators.generate_command import _write_out
    from musicstudio.generators.take_files import take_files_line, take_path, with_take
    from musicstudio.io.errors import MusicFileError
    from musicstudio.io.files import open_song
    from musicstudio.io.output_guard import OutputGuard

    guards = [OutputGuard.watch(take_path(args.out, v), args.force) for v in range(max(1, args.variations))]
    try:
        if args.seed is None:
            raise ValueError("--seed SONG.mid is needed: the song to add drums to")
        _density(args.density)    # refused before the model loads
        registry, info = _model_info(args)
        if not info.family.can(DrumWriter):
            raise ValueError(f"--add-drums, --repeat and a drum vary need a drum model; {info.name} is {info.backend}")
        song = open_song(Path(args.seed)).song
        generator = registry.load(info.folder, args.device)
        if args.style == "list":
            print("\n".join(generator.library.styles) if generator.library else "(no groove library)")
            return 0
        tracks = _add(generator, song, args) if args.add_drums else _vary_or_continue(generator, song, args)
    except (BadInput, MusicFileError, CheckpointError) as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return 3
    except ValueError as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return 2
    drum_index = next((k for k, t in enumerate(song.tracks) if t.is_drum and t.notes), None)
    for v, (track, guard) in enumerate(zip(tracks, guards)):
        where = None if args.add_drums else drum_index
        if _write_out(with_take(song, [track], where), take_path(args.out, v), guard):
            return 3
    plural = "s" if len(tracks) > 1 else ""
    what = f"drum part{plural}" if args.add_drums else f"drum take{plural} ({args.mode})"
    counts = ", ".join(str(len(t.notes)) for t in tracks)
    print(f"{args.out}: {len(tracks)} {what} from {generator.name} ({tracks[0].name}; notes per take: {counts}); "
          f"{take_files_line(args.out, len(tracks))}")
    return 0
