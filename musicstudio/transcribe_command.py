"""``musicstudio transcribe IN.wav OUT.mid [--tempo 100 --grid 1/16 --strength 1.0]``: a recording of
one line of pitched audio (a voice, whistling, one instrument) written as a one-track MIDI file.

Exit codes as for every command: 0 done, 2 a usage error, 3 bad input (a file that cannot be read,
silence, no pitched notes, or an output that cannot be written). Errors are one line on stderr.
"""

from __future__ import annotations

import argparse
import sys
from fractions import Fraction
from pathlib import Path

EXIT_OK, EXIT_USAGE, EXIT_BAD_INPUT = 0, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        print(f"{self.prog}: {message} (see: {self.prog} --help)", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def grid_ticks(text: str) -> int | None:
    """A grid as a note value ("1/16", "1/8", "1/12" for 8th triplets) or "off", in ticks at 480 PPQ."""
    from musicstudio.core.ticks import PPQ

    if text.strip().lower() in ("off", "none", "0"):
        return None
    try:
        value = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"not a note value: {text!r} (try 1/16, 1/8, 1/12 or off)") from None
    ticks = value * 4 * PPQ
    if value <= 0 or ticks.denominator != 1 or ticks < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a grid of whole ticks (try 1/16, 1/8, 1/12 or off)")
    return int(ticks)


def _number(what: str, low: float, high: float, unit: str = ""):
    """An argparse type: a number within [low, high], refused in words."""
    def read(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a {what}: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"a {what} is {low:g}-{high:g}{unit}, not {text}")
        return value
    return read


_strength = _number("strength", 0.0, 1.0)
_tempo = _number("tempo", 20, 400, " BPM")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="musicstudio transcribe", description="Turn a recording of one line of pitched audio "
                "(singing, humming, whistling, one instrument) into a MIDI file.")
    p.add_argument("input", help="a .wav or .flac file (FLAC needs the soundfile package)")
    p.add_argument("output", help="the .mid file to write")
    p.add_argument("--tempo", type=_tempo, help="the tempo in BPM, the recording starting on a beat "
                   "(default: found from the notes)")
    p.add_argument("--grid", type=grid_ticks, default=120, help="quantize to this note value: 1/16 (default), "
                   "1/8, 1/12 (8th triplets) ... or off")
    p.add_argument("--strength", type=_strength, default=1.0, help="how far notes move to the grid: 1.0 (default) "
                   "snaps, 0.5 halfway, 0 keeps the timing as played")
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    from musicstudio.audio.errors import AudioError
    from musicstudio.io.errors import MusicFileError

    if Path(args.output).suffix.lower() not in (".mid", ".midi"):
        print(f"musicstudio transcribe: the output must be a .mid file, not {args.output}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return _transcribe(args)
    except (AudioError, MusicFileError) as e:
        print(f"musicstudio transcribe: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _transcribe(args: argparse.Namespace) -> int:
    from musicstudio.audio.audio_file import read_audio
    from musicstudio.audio.transcribe import transcribe
    from musicstudio.core import Song, Tempo, Track
    from musicstudio.core.key import KeySignature
    from musicstudio.core.tempo import bpm_to_us
    from musicstudio.io.files import save_song

    samples, rate = read_audio(args.input)
    result = transcribe(samples, rate, args.tempo, args.grid, args.strength)
    for warning in result.warnings:
        print(f"musicstudio transcribe: {Path(args.input).name}: warning: {warning}", file=sys.stderr)
    song = Song(tracks=(Track("Transcribed", 0, False, result.notes),),
                tempos=(Tempo(0, bpm_to_us(result.tempo_bpm)),),
                key_signatures=(KeySignature(0, result.key),) if result.key else ())
    save_song(song, Path(args.output))
    found = "found" if result.tempo_detected else "given"
    key = f", {result.key.name}" if result.key else ""
    print(f"{args.output}: {len(result.notes)} notes, {result.tempo_bpm:.0f} BPM ({found}){key}")
    return EXIT_OK
