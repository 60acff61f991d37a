"""A plain-text description of a song, as ``musicstudio info`` prints it."""

from __future__ import annotations

from pathlib import Path

from musicstudio.core.instruments import instrument_name
from musicstudio.core.note import pitch_name
from musicstudio.io.midi_read import ImportResult
from musicstudio.io.timeline import Timeline


def format_duration(seconds: float) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"{int(minutes)}:{secs:04.1f}"


def describe(path: Path, result: ImportResult) -> str:
    song = result.song
    seconds = Timeline(song.tempos).seconds_at(song.end_tick)
    tempos = song.tempos
    tempo = f"{tempos[0].bpm:.1f} BPM".replace(".0 BPM", " BPM")
    if len(tempos) > 1:
        bpms = [t.bpm for t in tempos]
        tempo += f" ({len(tempos) - 1} changes, {min(bpms):.0f}-{max(bpms):.0f} BPM)"
    meters = ", ".join(str(s) for s in song.time_signatures[:4]) + (" ..." if len(song.time_signatures) > 4 else "")
    keys = ", ".join(k.key.name for k in song.key_signatures[:4]) + (" ..." if len(song.key_signatures) > 4 else "")
    lines = [
        f"{path.name}",
        f"  title      {song.title or '(none)'}",
        "  source     " + (f"MIDI type {result.source_format}, {result.source_ppq} PPQ"
                             if path.suffix.lower() != ".msproj" else "Music Studio project"),
        f"  length     {song.bar_count} bars, {format_duration(seconds)}",
        f"  tempo      {tempo}",
        f"  meter      {meters}",
        f"  key        {keys}",
        f"  tracks     {len(song.tracks)}, {song.note_count:,} notes",
    ]
    for i, t in enumerate(song.tracks, 1):
        span = (f"{pitch_name(min(n.pitch for n in t.notes))}-{pitch_name(max(n.pitch for n in t.notes))}"
                if t.notes else "")
        lines.append(f"  {i:>3}. {t.name or '(unnamed)':<24.24} {instrument_name(t.program, t.is_drum):<26.26} "
                     f"{len(t.notes):>7,} notes  {span}")
    if result.warnings:
        lines.append(f"  warnings   {len(result.warnings)}")
        lines += [f"     - {w.message}" + (" [repaired]" if w.damage else "") for w in result.warnings]
    return "\n".join(lines)
