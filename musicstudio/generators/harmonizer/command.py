"""``musicstudio generate --backend harmonizer --harmonize --track N --seed SONG.mid --out OUT.mid`` (alto,
tenor and bass under track N's melody: three new tracks) and ``... --add-part bass|tenor|alto|soprano
[--range LOW-HIGH]`` (one new part hearing the song's other pitched tracks): a command of
:mod:`musicstudio.generators.new_tracks`. Each take is the song with its new tracks, in its own file
(``OUT.mid``, ``OUT-take2.mid`` ...). Exit codes as ``generate``'s: 0 written, 2 usage, 3 bad input."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from musicstudio.generators.harmonizer.voices import VOICE_NAMES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--harmonize", action="store_true",
                        help="write alto, tenor and bass under the melody of --track N (three new tracks, "
                             "a harmonizer model)")
    parser.add_argument("--add-part", choices=VOICE_NAMES, default=None, metavar="ROLE",
                        help="write one new part (soprano, alto, tenor or bass) hearing the song's other pitched "
                             "tracks, inside --range LOW-HIGH if given (a harmonizer model)")


def asked(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "harmonize", False) or getattr(args, "add_part", None))


def _usage(args) -> str | None:
    if args.harmonize and args.add_part:
        return "--harmonize and --add-part each write new tracks: give one of them"
    if args.seed is None:
        return "--seed SONG.mid is needed: the song to write new tracks beside"
    if args.harmonize and (args.track is None or not args.track.isdigit() or int(args.track) < 1):
        return "--harmonize needs --track N (1 = the first track): the melody to harmonize"
    if args.variations < 1:
        return "--variations must be at least 1"
    return None


def _model(args):
    """The harmonizer model the command names (ValueError when it names none, or another family's)."""
    from musicstudio.generators.harmonizer import BACKEND
    from musicstudio.generators.registry import ModelRegistry, model_info

    registry = ModelRegistry()
    for folder in args.models_dir:
        registry.add_folder(folder)
    if args.model:
        name = args.model
    elif args.backend != BACKEND.name:
        raise ValueError(f"--harmonize and --add-part need a harmonizer model (--backend {BACKEND.name}), "
                         f"not {args.backend}")
    else:
        found = [m for m in registry.models() if m.family is BACKEND]
        if not found:
            raise ValueError("no harmonizer model is installed (see: musicstudio models)")
        name = found[0].name
    info = model_info(registry.resolve(name))
    if info.family is not BACKEND:
        raise ValueError(f"{info.name} is a {info.backend} model: --harmonize and --add-part need a harmonizer")
    return registry, info


def main(args: argparse.Namespace) -> int:
    from musicstudio.generators.checkpoint import CheckpointError
    from musicstudio.generators.harmonizer import song_parts
    from musicstudio.generators.harmonizer.generator import SpanError
    from musicstudio.generators.take_files import take_path, with_take
    from musicstudio.io.errors import MusicFileError
    from musicstudio.io.files import open_song, save_song
    from musicstudio.io.output_guard import OutputGuard

    guards = [OutputGuard.watch(take_path(args.out, v), args.force) for v in range(max(1, args.variations))]
    try:
        if (problem := _usage(args)) is not None:
            raise ValueError(problem)
        registry, info = _model(args)
    except ValueError as e:
        return _said(e, 2)
    try:
        song = open_song(Path(args.seed)).song
        harmonizer = registry.load(info.folder, "cpu")
        if args.harmonize:
            index = int(args.track) - 1
            span, takes = song_parts.harmonize(harmonizer, song, index, args.variations, args.random_seed)
            songs = [with_take(song, tracks, index) for tracks in takes]
            what = f"alto, tenor and bass under track {index + 1}"
        else:
            span, parts = song_parts.add_part(harmonizer, song, args.add_part, args.range, args.variations,
                                              args.random_seed)
            songs = [replace(song, tracks=song.tracks + (track,)) for track in parts]
            what = f"a {args.add_part} part" + (f" in {args.range[0]}-{args.range[1]}" if args.range else "")
    except (MusicFileError, CheckpointError, SpanError) as e:
        return _said(e, 3)
    for v, (take, guard) in enumerate(zip(songs, guards)):
        try:
            with guard.writing():
                save_song(take, take_path(args.out, v))
        except MusicFileError as e:
            return _said(e, 3)
    print(f"{args.out}: {len(songs)} take{'s' if len(songs) > 1 else ''} of {what}, bars {span.first_bar + 1}-"
          f"{span.last_bar + 1} ({span.meter[0]}/{span.meter[1]}), from {harmonizer.name}")
    return 0


def _said(error: Exception, code: int) -> int:
    print(f"musicstudio generate: {error}", file=sys.stderr)
    return code
