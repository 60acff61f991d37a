"""The ``musicstudio`` command: the GUI, ``info``, ``convert`` and the generator tools (``corpus``).

Exit codes: 0 success, 2 usage error, 3 bad input (a file that cannot be read, or one that needed
repairs), 1 an internal error, 141 (128 + SIGPIPE, as for any Unix tool) when the program reading the
output stopped early (``musicstudio info FILE | head -1``), which ends the command quietly. Errors are one
line on stderr; ``--debug`` adds the traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_BAD_INPUT = 0, 1, 2, 3
EXIT_BROKEN_PIPE = 141
COMMANDS = ("info", "convert", "gui")
# commands with their own argument parser, handed the rest of the line
DELEGATED = {"corpus": "musicstudio.generators.corpus", "train": "musicstudio.generators.training.command",
             "eval": "musicstudio.generators.evaluate", "generate": "musicstudio.generators.generate_command",
             "models": "musicstudio.generators.models_command",
             "finetune": "musicstudio.generators.fine_tune.command", "transcribe": "musicstudio.transcribe_command",
             "saliency": "musicstudio.saliency_command"}


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line instead of usage + message
        raise UsageError(f"{message} (see: {self.prog} --help)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="musicstudio", description="Music Studio: compose with a piano roll and "
                     "generative models. With no command, the app opens.")
    parser.add_argument("--version", action="store_true",
                        help="print the versions of Music Studio, torch (and its build), FluidSynth, and the "
                             "device the generators will use")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    sub.add_parser("corpus", help="build or summarize the training corpus (see: musicstudio corpus --help)")
    sub.add_parser("train", help="train a generator (see: musicstudio train --help)")
    sub.add_parser("eval", help="evaluate a model and write its report (see: musicstudio eval --help)")
    sub.add_parser("generate", help="continue a MIDI seed with a model (see: musicstudio generate --help)")
    sub.add_parser("models", help="list the installed models")
    sub.add_parser("finetune", help="fine-tune a model on a folder of MIDI files (see: musicstudio finetune --help)")
    sub.add_parser("transcribe", help="turn a recording of one line (singing, humming, an instrument) into a MIDI "
                                      "file (see: musicstudio transcribe --help)")

    gui = sub.add_parser("gui", help="open the app (the default)")
    gui.add_argument("file", nargs="?", help="a .mid or .msproj file to open")

    info = sub.add_parser("info", help="describe a MIDI file or project")
    info.add_argument("file")

    convert = sub.add_parser("convert", help="convert between .mid, .msproj and .wav")
    convert.add_argument("input", help=".mid or .msproj")
    convert.add_argument("output", help=".mid, .msproj or .wav")
    convert.add_argument("--bits", type=int, choices=(16, 24), default=16, help="WAV sample size (default 16)")
    convert.add_argument("--soundfont", help="a .sf2 file for WAV output (default: found automatically)")
    convert.add_argument("--force", action="store_true",
                         help="render WAV files over 60 minutes, and overwrite OUTPUT even if another program "
                              "wrote it while this command ran (without it, the command refuses, exit code 3)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command, every one of them: a reader that stops early (a closed pipe) ends it quietly."""
    try:
        code = _run(argv)
        sys.stdout.flush()      # a reader that has gone is found here, not in Python's exit
        return code
    except BrokenPipeError:
        _stdout_to_devnull()
        return EXIT_BROKEN_PIPE


def _stdout_to_devnull() -> None:
    """Point the process's stdout at /dev/null, so that flushing it at exit meets no closed pipe again."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):    # not a file (a test's capture): nothing to flush
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def _run(argv: list[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in DELEGATED:
        import importlib
        module = importlib.import_module(DELEGATED[argv[0]])
        return module.main(argv[1:])
    debug = "--debug" in argv
    rest = [a for a in argv if a != "--debug"]  # --debug is accepted anywhere on the line
    if not (rest and rest[0] in COMMANDS) and not {"-h", "--help", "--version"} & set(rest):
        rest.insert(0, "gui")  # no command, or just a file: open the app
    argv = (["--debug"] if debug else []) + rest
    try:
        args = build_parser().parse_args(argv)
        if args.version:
            from musicstudio.versions import version_lines
            print("\n".join(version_lines()))
            return 0
        if args.command == "info":
            return cmd_info(Path(args.file))
        if args.command == "convert":
            return cmd_convert(args)
        from musicstudio.app import run_gui
        return run_gui(args.file)
    except UsageError as e:
        print(f"musicstudio: {e}", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as e:  # --help / --version
        return int(e.code or 0)
    except KeyboardInterrupt:
        print("musicstudio: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        raise                   # main() ends quietly
    except Exception as e:
        from musicstudio.audio.errors import AudioError
        from musicstudio.io.errors import MusicFileError
        if debug:
            traceback.print_exc()
        if isinstance(e, (MusicFileError, AudioError)):
            print(f"musicstudio: {e}", file=sys.stderr)
            return EXIT_BAD_INPUT
        print(f"musicstudio: internal error: {type(e).__name__}: {e} (run with --debug for details)", file=sys.stderr)
        return EXIT_INTERNAL


def cmd_info(path: Path) -> int:
    from musicstudio.io.files import open_song
    from musicstudio.io.song_info import describe

    result = open_song(path)
    print(describe(path, result))
    damage = [w.message for w in result.warnings if w.damage]
    if damage:
        more = f" (and {len(damage) - 1} more)" if len(damage) > 1 else ""
        print(f"musicstudio: {path.name}: damaged file, loaded with repairs: {damage[0]}{more}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


def cmd_convert(args: argparse.Namespace) -> int:
    from musicstudio.io.files import MIDI_SUFFIXES, open_song, save_song
    from musicstudio.io.output_guard import OutputGuard
    from musicstudio.io.project import SUFFIX

    src, dst = Path(args.input), Path(args.output)
    guard = OutputGuard.watch(dst, args.force)  # refuses (exit 3) if another program writes dst meanwhile
    out_kind = dst.suffix.lower()
    if src.suffix.lower() == ".wav":
        raise UsageError("cannot convert from WAV: recorded audio cannot be turned back into notes")
    if out_kind not in MIDI_SUFFIXES + (SUFFIX, ".wav"):
        raise UsageError(f"unknown output type {dst.suffix or '(none)'}: use .mid, .msproj or .wav")
    result = open_song(src)
    for w in result.warnings:
        print(f"musicstudio: {src.name}: warning: {w.message}", file=sys.stderr)
    if out_kind == ".wav":
        from musicstudio.audio.render import export_wav
        with guard.writing():
            seconds = export_wav(result.song, dst, bits=args.bits, soundfont=args.soundfont, force=args.force)
        print(f"{dst}: {seconds:.1f} s, 44.1 kHz stereo, {args.bits}-bit")
    else:
        with guard.writing():
            save_song(result.song, dst)
        print(f"{dst}: {len(result.song.tracks)} tracks, {result.song.note_count} notes")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
