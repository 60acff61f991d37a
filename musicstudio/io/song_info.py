"""A plain-text description of a song, as ``musicstudio info`` prints it.

Text from the file (the title, track names) is shown on one line, without control characters, and
cut short when long: a file's 50 MB title is not printed whole.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path

from musicstudio.core.controls import (
    CHANNEL_PRESSURE,
    PITCH_BEND,
    POLY_PRESSURE,
    PROGRAM,
    TEXT_KINDS,
    controller_name,
)
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


def _track_row(number: int, track) -> str:
    """ "  2. Piano   Acoustic Grand Piano   5 notes  C3-C5, 42 controller events" """
    name, instrument = _cell(track.name or "(unnamed)", NAME_COLUMN), instrument_name(track.program, track.is_drum)
    row = f"  {number:>3}. {name} {instrument:<26.26} {len(track.notes):>7,} notes"
    extras = []
    if track.notes:
        pitches = [n.pitch for n in track.notes]
        extras.append(f"{pitch_name(min(pitches))}-{pitch_name(max(pitches))}")
    if track.controls:
        extras.append(f"{len(track.controls):,} controller event{'s' if len(track.controls) != 1 else ''}")
    if track.texts:
        extras.append(_words(track.texts))
    return f"{row}  {', '.join(extras)}" if extras else row


def controls_summary(song) -> str:
    """How many controller, pitch-bend, aftertouch and program events the song plays, the most common
    lanes first: "3,017 (1,200 Volume, 900 Pitch bend, 58 Sustain pedal, ...)"; "" for none."""
    lanes: Counter = Counter()
    for track in song.tracks:
        lanes.update(c.lane for c in track.controls)
    if not lanes:
        return ""
    shown = [f"{count:,} {_LANE_NAMES.get(kind) or controller_name(number)}"
             for (kind, number), count in lanes.most_common(5)]
    more = ", ..." if len(lanes) > 5 else ""
    return f"{sum(lanes.values()):,} ({', '.join(shown)}{more})"


def words_summary(song) -> str:
    """How many lyrics, markers, texts, cue points and copyright notices the song has, its own and its
    tracks' together: "170 lyrics, 2 markers"; "" for none."""
    return _words([*song.texts, *(x for t in song.tracks for x in t.texts)])


def _words(texts) -> str:
    """``texts`` counted by kind: "170 lyrics, 2 markers"."""
    kinds = Counter(t.kind for t in texts)
    return ", ".join(f"{kinds[kind]:,} {_WORD_NAMES[kind][kinds[kind] != 1]}" for kind in TEXT_KINDS if kinds[kind])


_LANE_NAMES = {PITCH_BEND: "Pitch bend", CHANNEL_PRESSURE: "Channel aftertouch", POLY_PRESSURE: "Poly aftertouch",
               PROGRAM: "Program changes"}
_WORD_NAMES = {"text": ("text", "texts"), "copyright": ("copyright notice", "copyright notices"),
               "lyric": ("lyric", "lyrics"), "marker": ("marker", "markers"), "cue": ("cue point", "cue points")}


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
    lines += [_track_row(i, t) for i, t in enumerate(song.tracks, 1)]
    lines += [f"  {label:<10} {text}" for label, text in (("controls", controls_summary(song)),
                                                           ("words", words_summary(song))) if text]
    if result.warnings:
        lines.append(f"  warnings   {len(result.warnings)}")
        lines += [f"     - {w.message}" + (" [repaired]" if w.damage else "") for w in result.warnings]
    return "\n".join(lines)
