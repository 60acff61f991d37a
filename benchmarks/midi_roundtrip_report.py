"""What MIDI import + export keeps, counted per kind of event over every MIDI file the tests reach.

    python -m benchmarks.midi_roundtrip_report [FOLDER_OR_FILE ...]

The files: those music21, pretty_midi and partitura ship (where installed), the files the tests write
with mido (tests/io/lossless_midi.py), and any MIDI files under the folders given. Each file is imported
and exported (``musicstudio convert IN.mid OUT.mid`` does the same); mido reads both, and an event
counts as kept when the export holds it at the same tick (at 480 PPQ), on the same channel, with the
same value. Prints a Markdown table.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "io"))

from lossless_midi import MIDI_SUFFIXES, installed_packages, mido_events, real_midi_files, written_files  # noqa: E402

from musicstudio.io.errors import MidiImportError  # noqa: E402
from musicstudio.io.midi_read import parse_midi  # noqa: E402
from musicstudio.io.midi_write import song_to_midi_bytes  # noqa: E402

_VOICE = (7, 10, 11, 1)   # volume, pan, expression, modulation
ROWS = (  # (row, mido kind, which of its events)
    ("notes", "note_on", None),
    ("sustain pedal (CC 64)", "control_change", lambda e: e[2] == 64),
    ("volume / pan / expression / modulation (CC 7, 10, 11, 1)", "control_change", lambda e: e[2] in _VOICE),
    ("other controllers", "control_change", lambda e: e[2] != 64 and e[2] not in _VOICE),
    ("pitch bend", "pitchwheel", None),
    ("channel aftertouch", "aftertouch", None),
    ("poly aftertouch", "polytouch", None),
    ("lyrics", "lyrics", None),
    ("markers", "marker", None),
    ("text", "text", None),
    ("cue points", "cue_marker", None),
    ("copyright", "copyright", None),
    ("program changes", "program_change", None),
)


def _files(arguments: list[str]) -> dict[str, bytes]:
    files = {str(p): p.read_bytes() for p in real_midi_files()}
    files.update({f"written with mido: {name}": data for name, data in written_files().items()})
    for argument in arguments:
        path = Path(argument)
        found = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.suffix.lower() in MIDI_SUFFIXES)
        files.update({f"given: {p}": p.read_bytes() for p in found if p.is_file()})
    return files


def _count(events: Counter, which) -> int:
    return sum(n for event, n in events.items() if which is None or which(event))


def main(arguments: list[str]) -> int:
    before_total: Counter = Counter()
    kept_total: Counter = Counter()
    added_programs = 0
    files = _files(arguments)
    refused = []
    for name, data in files.items():
        try:
            song = parse_midi(data, name).song
        except MidiImportError as e:
            refused.append(str(e))
            continue
        before, after = mido_events(data), mido_events(song_to_midi_bytes(song))
        for row, kind, which in ROWS:
            before_total[row] += _count(before[kind], which)
            kept_total[row] += _count(before[kind] & after[kind], which)
        added_programs += sum((after["program_change"] - before["program_change"]).values())
    shipped = Counter(next((package for package in installed_packages() if package in Path(name).parts), "other")
                      for name in files if not name.startswith(("written", "given")))
    given = sum(name.startswith("given") for name in files)
    sources = ", ".join(f"{name} ({shipped[name]} files)" if folder else f"{name} (not installed)"
                        for name, folder in installed_packages().items())
    print(f"{len(files) - len(refused)} MIDI files read: {sources}, {len(written_files())} written with mido, "
          f"{given} given\n")
    print("| kind | in the files | after import + export |\n|---|---:|---:|")
    for row, _, _ in ROWS:
        print(f"| {row} | {before_total[row]:,} | {kept_total[row]:,} |")
    print(f"\nThe export also wrote {added_programs:,} program changes at tick 0 for tracks whose file set none "
          "there (the program a track plays is always written).")
    for reason in refused:
        print(f"refused: {reason}")
    return 0 if kept_total == before_total else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
