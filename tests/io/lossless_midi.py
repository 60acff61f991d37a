"""MIDI files for the lossless round trip and what mido, an independent reader, finds in them (not a test
module: the MIDI tests and ``benchmarks/midi_roundtrip_report.py`` import it).

- :func:`real_midi_files`: every MIDI file that music21, pretty_midi and partitura ship, where installed;
- :func:`written_files`: files written with mido that hold every kind of event Music Studio keeps
  (controllers with an RPN message at one tick, pitch bend at both extremes, channel and polyphonic
  aftertouch, program changes mid-track and after a bank select, lyrics, markers, text, cue points and a
  copyright with bytes that are not UTF-8), as types 0, 1 and 2, at 96, 480 and 960 PPQ, a vocal part
  with its lyrics in its own track, and 1,000 overlapping notes of one pitch;
- :func:`mido_events`: every event of a file by kind, as multisets of (tick at 480 PPQ, channel, ...);
  :func:`mido_words`: every word of a file by the track it sits in.
"""

from __future__ import annotations

import importlib.util
import io
from collections import Counter, defaultdict, deque
from pathlib import Path

import mido

PPQ = 480
MIDI_SUFFIXES = (".mid", ".midi", ".kar", ".smf", ".rmi")
PACKAGES = ("music21", "pretty_midi", "partitura")

# mido's message types -> the kinds compared, and which fields of the message say what it is.
CHANNEL_KINDS = {"note_on": ("note", "velocity"), "control_change": ("control", "value"), "pitchwheel": ("pitch",),
                 "aftertouch": ("value",), "polytouch": ("note", "value"), "program_change": ("program",)}
TEXT_KINDS = ("text", "copyright", "lyrics", "marker", "cue_marker")


def installed_packages() -> dict[str, Path | None]:
    """Each package that may ship MIDI files -> its folder, or None where it is not installed."""
    out: dict[str, Path | None] = {}
    for package in PACKAGES:
        spec = importlib.util.find_spec(package)
        out[package] = Path(spec.submodule_search_locations[0]) if spec and spec.submodule_search_locations else None
    return out


def real_midi_files() -> list[Path]:
    """Every MIDI file shipped inside the installed packages of :data:`PACKAGES`, sorted."""
    files: list[Path] = []
    for folder in installed_packages().values():
        if folder is not None:
            files += sorted(p for p in folder.rglob("*") if p.suffix.lower() in MIDI_SUFFIXES and p.is_file())
    return files


def scaled(tick: int, ppq: int) -> int:
    """A tick at ``ppq`` as a tick at 480 PPQ, rounded half up as Music Studio's reader rounds."""
    return (tick * 2 * PPQ + ppq) // (2 * ppq)


def mido_events(data: bytes) -> dict[str, Counter]:
    """Every note-on, controller, pitch bend, aftertouch, program change and text event of a file, read by
    mido: kind -> Counter of (tick at 480 PPQ, channel, values...) for channel events and of (tick, the
    text's bytes) for text events. Type 2 patterns are placed one after another."""
    mf = mido.MidiFile(file=io.BytesIO(data), charset="latin-1")
    out: dict[str, Counter] = defaultdict(Counter)
    start = 0
    for mtrack in mf.tracks:
        tick = start
        for msg in mtrack:
            tick += msg.time
            if msg.type in CHANNEL_KINDS:
                if msg.type == "note_on" and msg.velocity == 0:
                    continue
                values = tuple(getattr(msg, field) for field in CHANNEL_KINDS[msg.type])
                out[msg.type][(scaled(tick, mf.ticks_per_beat), msg.channel, *values)] += 1
            elif msg.type in TEXT_KINDS:
                out[msg.type][(scaled(tick, mf.ticks_per_beat), msg.text.encode("latin-1"))] += 1
        if mf.type == 2:
            start = tick
    return out


def _owner(mtrack: mido.MidiTrack) -> int | None:
    """The channel of the first track Music Studio makes from a MIDI track with notes (its lowest channel
    with any channel event); None for a track without notes."""
    channels = {msg.channel for msg in mtrack if msg.type in CHANNEL_KINDS and not (msg.type == "note_on"
                                                                                    and msg.velocity == 0)}
    has_notes = any(msg.type == "note_on" and msg.velocity for msg in mtrack)
    return min(channels) if has_notes else None


def mido_words(data: bytes) -> Counter:
    """Every lyric, marker, text, cue and copyright event of a file by the track it sits in, read by mido:
    a Counter of (owner, tick at 480 PPQ, kind, the text's bytes). The owner is the channel of the track
    with notes that holds the word, or None for a word of the song: one in a track without notes, in a type
    0 file, and every copyright notice (it stands in the first track)."""
    mf = mido.MidiFile(file=io.BytesIO(data), charset="latin-1")
    out: Counter = Counter()
    start = 0
    for mtrack in mf.tracks:
        owner = _owner(mtrack) if mf.type != 0 else None
        tick = start
        for msg in mtrack:
            tick += msg.time
            if msg.type in TEXT_KINDS:
                mine = None if msg.type == "copyright" else owner
                out[(mine, scaled(tick, mf.ticks_per_beat), msg.type, msg.text.encode("latin-1"))] += 1
        if mf.type == 2:
            start = tick
    return out


def mido_notes(data: bytes) -> Counter:
    """Notes as mido's messages pair them first in, first out: (channel, pitch, start, end, velocity),
    ticks as the file counts them."""
    mf = mido.MidiFile(file=io.BytesIO(data))
    notes: Counter = Counter()
    for mtrack in mf.tracks:
        tick = 0
        sounding: dict = defaultdict(deque)
        for msg in mtrack:
            tick += msg.time
            if msg.type == "note_on" and msg.velocity:
                sounding[msg.channel, msg.note].append((tick, msg.velocity))
            elif msg.type in ("note_on", "note_off") and sounding[msg.channel, msg.note]:
                start, velocity = sounding[msg.channel, msg.note].popleft()
                notes[(msg.channel, msg.note, start, tick, velocity)] += 1
    return notes


# -- files written with mido ------------------------------------------------------------------------
def _track(events: list[tuple[int, mido.Message | mido.MetaMessage]], end: int | None = None) -> mido.MidiTrack:
    """A track from (absolute tick, message) pairs, kept in the given order at one tick."""
    track = mido.MidiTrack()
    last = 0
    for tick, msg in sorted(events, key=lambda e: e[0]):
        track.append(msg.copy(time=tick - last))
        last = tick
    track.append(mido.MetaMessage("end_of_track", time=max(0, (end or last) - last)))
    return track


def _save(tracks: list[mido.MidiTrack], kind: int = 1, ppq: int = PPQ) -> bytes:
    mf = mido.MidiFile(type=kind, ticks_per_beat=ppq, charset="latin-1")
    mf.tracks.extend(tracks)
    out = io.BytesIO()
    mf.save(file=out)  # mido writes running status: channel events after the first share its status byte
    return out.getvalue()


def _latin1(text: str, encoding: str) -> str:
    """``text`` spelled in ``encoding``, as the str that mido's Latin-1 charset writes as those bytes."""
    return text.encode(encoding).decode("latin-1")


def _cc(tick: int, channel: int, control: int, value: int):
    return tick, mido.Message("control_change", channel=channel, control=control, value=value)


def _note(tick: int, channel: int, pitch: int, length: int, velocity: int = 90) -> list:
    return [(tick, mido.Message("note_on", channel=channel, note=pitch, velocity=velocity)),
            (tick + length, mido.Message("note_off", channel=channel, note=pitch, velocity=64))]


def _conductor(b: int) -> list:
    """Title, tempo, meter, and the song's words: ``b`` ticks a beat."""
    meta = mido.MetaMessage
    return [(0, meta("track_name", name="Every kind")), (0, meta("set_tempo", tempo=500_000)),
            (0, meta("time_signature", numerator=4, denominator=4)),
            (0, meta("copyright", text=_latin1("© 2024 Señor Músico", "latin-1"))),
            (0, meta("text", text="@KMIDI KARAOKE FILE")), (0, meta("marker", text="Intro")),
            (2 * b, meta("cue_marker", text="Lights down")), (4 * b, meta("marker", text=_latin1("Café", "latin-1"))),
            (4 * b, meta("marker", text=_latin1("Verse ♪", "utf-8"))), (6 * b, meta("text", text=""))]


def _lyrics(b: int) -> list:
    """Karaoke words, in a track of their own: UTF-8, Latin-1 and Shift-JIS bytes, spaces and breaks kept."""
    meta = mido.MetaMessage
    words = ["\\Hel", "lo ", _latin1("Grüße ", "latin-1"), _latin1("naïve ", "utf-8"), "/new line\r",
             _latin1("こんにちは", "shift_jis"), " "]
    return [(0, meta("track_name", name="Words"))] + [(i * b // 2, meta("lyrics", text=w)) for i, w in enumerate(words)]


def _piano(b: int) -> list:
    """Channel 0: a bank select before the program at tick 0, an RPN pitch-bend-range message at one tick,
    volume, pan, expression, a pedalled phrase, modulation, both aftertouches, a program change mid-track."""
    ev = [(0, mido.MetaMessage("track_name", name="Piano")), _cc(0, 0, 0, 0), _cc(0, 0, 32, 0),
          (0, mido.Message("program_change", channel=0, program=0))]
    ev += [_cc(0, 0, number, value) for number, value in ((101, 0), (100, 0), (6, 12), (38, 0), (101, 127), (100, 127))]
    ev += [_cc(0, 0, 7, 100), _cc(0, 0, 10, 30), _cc(0, 0, 11, 127), _cc(0, 0, 91, 40)]
    for i, pitch in enumerate((60, 64, 67, 72)):
        ev += _note(i * b, 0, pitch, b, 70 + i)
        ev += [(i * b + b // 4, mido.Message("polytouch", channel=0, note=pitch, value=20 + i))]
    ev += [_cc(0, 0, 64, 127), _cc(2 * b, 0, 64, 0), _cc(2 * b, 0, 64, 127), _cc(4 * b, 0, 64, 0)]
    ev += [_cc(b * i // 4, 0, 1, min(127, 16 * i)) for i in range(12)]
    ev += [(b * i // 2, mido.Message("aftertouch", channel=0, value=10 * i)) for i in range(8)]
    ev += [(4 * b, mido.Message("program_change", channel=0, program=48))] + _note(4 * b, 0, 48, 2 * b)
    return ev


def _guitar(b: int) -> list:
    """Channel 1: bends at both extremes, one at the very tick of a note-on, back to the centre."""
    ev = [(0, mido.MetaMessage("track_name", name="Guitar")),
          (0, mido.Message("program_change", channel=1, program=29))]
    ev += _note(0, 1, 52, 2 * b) + _note(2 * b, 1, 55, 2 * b)
    for tick, pitch in ((0, 0), (b // 2, 8191), (b, -8192), (2 * b, 4000), (3 * b, -1), (4 * b, 0)):
        ev.append((tick, mido.Message("pitchwheel", channel=1, pitch=pitch)))
    return ev


def _others(b: int) -> list[list]:
    """A pad of controllers only, a chunk on two channels, a late first program, and drums."""
    pad = [(0, mido.MetaMessage("track_name", name="Pad swells"))]
    pad += [_cc(i * b // 8, 2, 11, (i * 9) % 128) for i in range(32)] + [_cc(0, 2, 74, 100)]
    duo = [(0, mido.MetaMessage("track_name", name="Duo")), (0, mido.Message("program_change", channel=3, program=40)),
           (0, mido.Message("program_change", channel=4, program=42))]
    duo += _note(0, 3, 76, b) + _note(0, 4, 48, b) + [_cc(b // 2, 3, 1, 64), _cc(b // 2, 4, 1, 32)]
    late = [(0, mido.MetaMessage("track_name", name="Late"))] + _note(0, 5, 62, b)
    late += [(2 * b, mido.Message("program_change", channel=5, program=73))] + _note(2 * b, 5, 62, b)
    drums = [(0, mido.MetaMessage("track_name", name="Kit"))] + _note(0, 9, 36, b // 4) + _note(b, 9, 38, b // 4)
    drums += [_cc(0, 9, 7, 110)]
    return [pad, duo, late, drums]


def every_kind(kind: int = 1, ppq: int = PPQ) -> bytes:
    """Every event kind, as a type 1 file (a chunk per part) or a type 0 file (one chunk, every channel)."""
    parts = [_conductor(ppq), _lyrics(ppq), _piano(ppq), _guitar(ppq), *_others(ppq)]
    if kind == 0:
        one = [e for part in parts for e in part if e[1].type != "track_name"]
        return _save([_track([(0, mido.MetaMessage("track_name", name="All in one"))] + one)], 0, ppq)
    return _save([_track(part) for part in parts], 1, ppq)


def patterns(ppq: int = PPQ) -> bytes:
    """A type 2 file: three patterns of different lengths, each with notes, a controller, a bend and a lyric."""
    tracks = []
    for i, bars in enumerate((1, 2, 1)):
        ev = [(0, mido.MetaMessage("track_name", name=f"Pattern {i + 1}")), _cc(0, 0, 7, 90 + i),
              (0, mido.MetaMessage("lyrics", text=f"part {i + 1} ")), (ppq, mido.Message("pitchwheel", pitch=-100 * i))]
        ev += _note(0, 0, 60 + i, ppq) + _note(ppq, 0, 64 + i, ppq)
        tracks.append(_track(ev, end=bars * 4 * ppq))
    return _save(tracks, 2, ppq)


def vocal_lyrics(ppq: int = PPQ) -> bytes:
    """A song as a karaoke file has it: a marker and a copyright in the conductor, then Piano, Voice and Bass,
    the Voice's lyrics in the Voice's track (UTF-8 and Latin-1 bytes, one at the tick of its note-on, two at
    one tick, a marker of its own), Piano and Bass without words."""
    meta = mido.MetaMessage
    conductor = [(0, meta("track_name", name="Vocal lyrics")), (0, meta("set_tempo", tempo=500_000)),
                 (0, meta("copyright", text="(c) the singer")), (0, meta("marker", text="Verse")),
                 (8 * ppq, meta("marker", text="Chorus"))]
    piano = [(0, meta("track_name", name="Piano"))] + _note(0, 0, 48, 8 * ppq) + _note(8 * ppq, 0, 53, 4 * ppq)
    voice = [(0, meta("track_name", name="Voice")), (0, mido.Message("program_change", channel=1, program=52))]
    syllables = ["Hel", "lo ", _latin1("wörld ", "latin-1"), "\\sing ", "a", "long"]
    for i, syllable in enumerate(syllables):
        voice += [(i * ppq, meta("lyrics", text=syllable))] + _note(i * ppq, 1, 67 + i, ppq)
    voice += [(6 * ppq, meta("lyrics", text="/")), (6 * ppq, meta("text", text="breath")),
              (8 * ppq, meta("marker", text="Voice enters chorus"))] + _note(8 * ppq, 1, 72, 2 * ppq)
    bass = [(0, meta("track_name", name="Bass"))] + _note(0, 2, 36, 4 * ppq) + _note(4 * ppq, 2, 41, 4 * ppq)
    return _save([_track(conductor), _track(piano), _track(voice), _track(bass)], 1, ppq)


def overlapping_notes(pairs: int = 1000) -> bytes:
    """``pairs`` pairs of notes of one pitch that overlap (the second starts before the first ends), and
    some that start together with different lengths; each note has its own velocity."""
    ev: list = []
    for i in range(pairs):
        t, pitch, channel = i * 240, 36 + i % 48, i % 3
        if i % 4 == 3:   # together: the short one first, as a first-in-first-out reader pairs them
            ev += _note(t, channel, pitch, 60, 1 + i % 100) + _note(t, channel, pitch, 200, 101 + i % 27)
        else:            # crossing: the first ends while the second sounds
            ev += _note(t, channel, pitch, 120, 1 + i % 100) + _note(t + 60, channel, pitch, 120 + i % 7, 101 + i % 27)
    return _save([_track([(0, mido.MetaMessage("track_name", name="Overlaps"))] + ev)])


def written_files() -> dict[str, bytes]:
    """Name -> bytes of every file written with mido."""
    return {"every_kind.mid": every_kind(), "every_kind_type0.mid": every_kind(0),
            "every_kind_96ppq.mid": every_kind(1, 96), "every_kind_960ppq.mid": every_kind(1, 960),
            "patterns_type2.mid": patterns(), "patterns_type2_192ppq.mid": patterns(192),
            "overlaps.mid": overlapping_notes(), "vocal_lyrics.mid": vocal_lyrics(),
            "vocal_lyrics_96ppq.mid": vocal_lyrics(96)}
