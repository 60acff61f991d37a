"""A plain-text description of a song, as ``musicstudio info`` prints it.

Text from the file (the title, track names) is shown on one line, without control characters, and
cut short when long: a file's 50 MB title is not printed whole.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from musicstudio.core.instruments import instrument_name
from musicstudio.core.key_finding import song_key
from musicstudio.core.note import pitch_name
from musicstudio.io.midi_read import ImportResult
from musicstudio.io.project import is_project_path
from musicstudio.io.timeline import Timeline

MAX_TEXT_SHOWN = 80  # characters of a title; a longer one is cut and its length said
NAME_COLUMN = 24  # characters of a track name in the table


def shortened(text: str, limit: int = MAX_TEXT_SHOWN) -> str:
    """``text`` fit for one line of a terminal: the first ``limit`` characters, then "… (N characters)"."""
    if len(text) <= limit:
        return _printable(text)
    return f"{_printable(text[:limit])}… ({len(text):,} characters)"


def _printable(text: str) -> str:
    """Control characters (line breaks, terminal escapes, text direction overrides) shown as U+FFFD
    instead of acted on; tabs and other spaces as plain spaces."""
    if text.isprintable():
        return text
    return "".join(_printable_char(ch) for ch in text)


def _printable_char(ch: str) -> str:
    category = unicodedata.category(ch)
    if category == "Zs" or ch == "\t":
        return " "
    if category in ("Cc", "Zl", "Zp") or "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069":
        return "\ufffd"
    return ch


def _cell(text: str, width: int) -> str:
    """A table cell of exactly ``width`` characters; a longer text ends in "…"."""
    text = _printable(text[:width + 1])
    return f"{text[:width - 1]}…" if len(text) > width else f"{text:<{width}}"


def format_duration(seconds: float) -> str:
    """m:ss.s, or h:mm:ss.s from an hour: 179.97 s is "3:00.0" (rounded first, so never "2:60.0")."""
    tenths = round(max(seconds, 0.0) * 10)
    minutes, tenths = divmod(tenths, 600)
    hours, minutes = divmod(minutes, 60)
    secs = f"{tenths // 10:02d}.{tenths % 10}"
    return f"{hours}:{minutes:02d}:{secs}" if hours else f"{minutes}:{secs}"


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
    heard = song_key(song)
    if heard != song.key:
        keys += f" (the notes are in {heard.name})"
    lines = [
        f"{path.name}",
        f"  title      {shortened(song.title) if song.title else '(none)'}",
        "  source     " + ("Music Studio project" if is_project_path(path)
                             else f"MIDI type {result.source_format}, {result.source_ppq} PPQ"),
        f"  length     {song.bar_count} bars, {format_duration(seconds)}",
        f"  tempo      {tempo}",
        f"  meter      {meters}",
        f"  key        {keys}",
        f"  tracks     {len(song.tracks)}, {song.note_count:,} notes",
    ]
    for i, t in enumerate(song.tracks, 1):
        span = (f"{pitch_name(min(n.pitch for n in t.notes))}-{pitch_name(max(n.pitch for n in t.notes))}"
                if t.notes else "")
        name, instrument = _cell(t.name or "(unnamed)", NAME_COLUMN), instrument_name(t.program, t.is_drum)
        lines.append(f"  {i:>3}. {name} {instrument:<26.26} {len(t.notes):>7,} notes  {span}")
    if result.warnings:
        lines.append(f"  warnings   {len(result.warnings)}")
        lines += [f"     - {w.message}" + (" [repaired]" if w.damage else "") for w in result.warnings]
    return "\n".join(lines)
