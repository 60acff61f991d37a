"""MIDI import: a hardened Standard MIDI File reader that builds the song model directly.

It reads SMF types 0, 1 and 2 at any PPQ (rescaled to the model's PPQ; type 2 patterns one after
another) and keeps every channel event: each (track chunk, channel) becomes one track with its notes
(note-offs paired first in, first out), controllers, pitch bend, aftertouch and program changes
(:mod:`.midi_events`), and text, lyric, marker, cue and copyright events are kept with their bytes: a
MIDI track's words belong to the first track made from it; the words of the conductor, of a type 0
file, of a track without notes, and every copyright notice (which stands in the first track) to the
song. It is lenient where real files need it (data bytes over 127 clipped, running status after meta
and SysEx events, notes without an end) and strict where safety needs it (size, note and event counts,
track count, time division, absurd times).
Anything that goes wrong becomes a :class:`MidiImportError` naming the file and the reason; what
was repaired comes back as warnings.

The reader is our own rather than mido's so that a 1,000,000-note file is refused before millions
of message objects exist, and so that every oddity is counted instead of raised.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

from musicstudio.core.controls import COPYRIGHT, SongText
from musicstudio.core.song import Song
from musicstudio.core.ticks import PPQ
from musicstudio.core.track import Track
from musicstudio.io.errors import MidiImportError, describe_os_error
from musicstudio.io.limits import (
    MAX_CONTROLS,
    MAX_FILE_BYTES,
    MAX_NOTES,
    MAX_TRACKS,
    Unreadable,
    change_too_late,
    event_too_late,
    note_too_late,
    read_within_limit,
    tick_limit,
    too_many_controls,
    too_many_notes,
    too_many_tracks,
)
from musicstudio.io.midi_bytes import byte_size, meta_text, read_vlq
from musicstudio.io.midi_chunks import read_header, track_chunks
from musicstudio.io.midi_conductor import ConductorEvents
from musicstudio.io.midi_events import DRUM_CHANNEL, TEXT_META, ChannelEvents, chunk_tracks, song_text

__all__ = ["DRUM_CHANNEL", "ImportResult", "MidiWarning", "import_midi", "parse_midi"]


class MidiWarning(NamedTuple):
    """Something odd that the import got past. ``damage`` marks a repair of a broken file, as
    opposed to a harmless habit of some MIDI writers."""

    message: str
    damage: bool


@dataclass
class ImportResult:
    song: Song
    warnings: list[MidiWarning] = field(default_factory=list)
    source_format: int = 1
    source_ppq: int = PPQ

    @property
    def damaged(self) -> bool:
        return any(w.damage for w in self.warnings)


def import_midi(path: str | Path) -> ImportResult:
    """Read a MIDI file into a song. Raises :class:`MidiImportError` for anything that cannot load."""
    path = Path(path)
    try:
        data = read_within_limit(path, "MIDI files", "a MIDI file")
    except Unreadable as e:
        raise MidiImportError(path, str(e)) from e
    except OSError as e:
        raise MidiImportError(path, f"it could not be read ({describe_os_error(e)})") from e
    return parse_midi(data, path)


def parse_midi(data: bytes, name: str | Path = "MIDI data") -> ImportResult:
    """Parse the bytes of a MIDI file. ``name`` is what error messages call the file."""
    if len(data) > MAX_FILE_BYTES:
        raise MidiImportError(name, f"the data is {len(data) / 2**20:.0f} MB; Music Studio opens MIDI "
                                    f"files up to {MAX_FILE_BYTES // 2**20} MB")
    reader = _Reader(bytes(data), name)
    try:
        return reader.read()
    except MidiImportError:
        raise
    except MemoryError as e:
        raise MidiImportError(name, "it needs more memory than this computer has free") from e
    except RecursionError as e:  # pragma: no cover - nothing here recurses, but stay safe
        raise MidiImportError(name, "it is damaged in a way Music Studio cannot read") from e
    except Exception as e:
        raise MidiImportError(name, f"it is damaged in a way Music Studio cannot read "
                                    f"({type(e).__name__}: {e})") from e
    finally:
        if reader.state is not None:   # a file refused in the middle of a track: let go of what it read
            for channel in reader.state.channels.values():
                channel.release()


class _TrackState:
    """What reading one track chunk keeps beside the hot loop's locals."""

    __slots__ = ("number", "name", "ended", "after_sysex", "texts", "channels", "has_events", "last_tick")

    def __init__(self, number: int) -> None:
        self.number = number
        self.name: str | None = None   # None: the track has no name event at all
        self.ended = False             # an end-of-track marker was read
        self.after_sysex = False       # a SysEx message cancelled the running status
        self.texts: list[tuple[int, int, bytes]] = []   # lyrics, markers and other words: (file tick, meta type, bytes)
        self.channels: dict[int, ChannelEvents] = defaultdict(ChannelEvents)
        self.has_events = False        # any channel event, kept or not
        self.last_tick = 0             # in file ticks: where the track ends

    @property
    def has_notes(self) -> bool:
        return any(c.notes for c in self.channels.values())


def _claimed(length: int | None, left: int) -> str:
    return f" claims {byte_size(length)} but only {byte_size(left)} remain" if length is not None else " is cut short"


class _Reader:
    def __init__(self, data: bytes, name: str | Path):
        self.data = data
        self.name = name
        self.counts: dict[str, int] = defaultdict(int)   # repeated oddities are reported once, counted
        self.notes_total = 0
        self.controls_total = 0   # controllers, bends, aftertouch, programs and texts
        self.texts: list[SongText] = []   # the song's words (the tracks' own go with them)
        self.warnings: list[MidiWarning] = []
        self.conductor = ConductorEvents(self.warn)
        self.state: _TrackState | None = None   # the track chunk being read

    # -- helpers ----------------------------------------------------------------------------------
    def fail(self, reason: str) -> MidiImportError:
        return MidiImportError(self.name, reason)

    def warn(self, message: str, damage: bool) -> None:
        if len(self.warnings) < 100:
            self.warnings.append(MidiWarning(message, damage))

    def count(self, kind: str, n: int = 1) -> None:
        self.counts[kind] += n

    # -- file structure ---------------------------------------------------------------------------
    def read(self) -> ImportResult:
        header = read_header(self.data, self.fail, self.warn)
        self.data, self.ppq, fmt = header.data, header.ppq, header.fmt
        self.max_tick = tick_limit(header.ppq)
        chunks = track_chunks(header, self.fail, self.warn)

        tracks: list[Track] = []
        title = ""
        empty = 0
        offset = 0  # where the chunk starts: type 2 patterns play one after another
        for index, (start, end) in enumerate(chunks):
            state = self.read_track(index, start, end, offset)
            if fmt == 2:
                offset = state.last_tick
            # The first track of a type 1 file without notes is its conductor: its name is the song's
            # title (even when it is the only track: a song with a title and no tracks yet).
            has_notes = state.has_notes   # asked before chunk_tracks lets go of the notes read
            conductor = index == 0 and fmt != 0 and not has_notes
            if conductor:
                title = state.name or ""
            made = chunk_tracks("" if conductor else state.name or "", state.channels,
                                None if self.ppq == PPQ else self.scale)
            if not made and state.name is not None and not conductor:
                made = [Track(state.name)]   # a named track with no notes yet
            elif not made and not (conductor or state.has_events or state.texts):
                empty += 1
            tracks += self.place_words(state.texts, made, has_notes and fmt != 0)
            if len(tracks) > MAX_TRACKS:  # named tracks without notes count too: each is a track to show
                raise self.fail(too_many_tracks())
        if empty:
            self.warn(f"{empty:,} empty track{'s were' if empty > 1 else ' was'} skipped", False)
        self.report_counts()
        maps = self.conductor
        song = Song(tracks=tuple(tracks), tempos=maps.tempo_map(self.scale), time_signatures=maps.meter_map(self.scale),
                    key_signatures=maps.key_map(self.scale), title=title, texts=tuple(self.texts))
        if not song.note_count:
            self.warn("the file holds no notes", False)
        return ImportResult(song, self.warnings, fmt, self.ppq)

    def place_words(self, texts: list[tuple[int, int, bytes]], made: list[Track], own: bool) -> list[Track]:
        """``made`` (the tracks made from one chunk) with the chunk's ``texts``: where the words are the
        tracks' ``own`` (a chunk with notes in a type 1 or 2 file), the first track takes them but for
        copyright notices; the song takes the rest."""
        words = [song_text(self.scale(tick), mtype, body) for tick, mtype, body in texts]
        if not (own and made):
            self.texts += words
            return made
        self.texts += [w for w in words if w.kind == COPYRIGHT]
        return [replace(made[0], texts=tuple(w for w in words if w.kind != COPYRIGHT)), *made[1:]]

    def scale(self, tick: int) -> int:
        """File ticks to model ticks, rounded to the nearest (half up)."""
        return (tick * PPQ * 2 + self.ppq) // (self.ppq * 2)

    # -- one track chunk --------------------------------------------------------------------------
    def read_track(self, index: int, pos: int, end: int, tick: int = 0) -> _TrackState:
        """Read the chunk's events from ``pos`` to ``end``, its first event ``tick`` ticks in."""
        data = self.data
        state = self.state = _TrackState(index + 1)
        channels = state.channels
        status = 0
        has_events = False
        track_no = index + 1
        max_tick = self.max_tick
        room = MAX_NOTES - self.notes_total   # notes this track may still end (unended ones aside)
        while pos < end:
            delta = data[pos]   # the delta time: one byte, mostly
            pos += 1
            if delta > 127:
                delta, pos = self.long_delta(track_no, pos - 1, end)
                if delta is None:
                    break
            tick += delta
            if pos >= end:
                self.count("cut")
                break
            b = data[pos]
            if b >= 0x80:
                pos += 1
                if b < 0xF0:
                    status = b
                    state.after_sysex = False
                else:  # meta, SysEx or a stray system byte: rare, read aside
                    pos = self.system_event(state, b, pos, end, tick, status)
                    if pos is None:
                        break
                    continue
            elif status == 0:
                self.count("no status")
                pos += 1
                continue
            elif state.after_sysex:
                self.count("running after sysex")
                state.after_sysex = False
            kind = status & 0xF0
            size = 1 if kind in (0xC0, 0xD0) else 2   # program change and channel pressure: one data byte
            if pos + size > end:
                self.count("cut")
                break
            d1 = data[pos]
            d2 = data[pos + 1] if size == 2 else 0
            pos += size
            if d1 > 127 or d2 > 127:
                self.count("clipped", (d1 > 127) + (d2 > 127))
                d1, d2 = min(d1, 127), min(d2, 127)
            has_events = True
            if state.ended:
                self.count("after end")
                state.ended = False
            if tick > max_tick:
                raise self.fail(note_too_late(track_no) if kind <= 0x90 else event_too_late(track_no, "a controller"))
            if kind == 0x90 or kind == 0x80:
                channel = channels[status & 0x0F]
                if kind == 0x90 and d2:
                    channel.open[d1].append((tick, d2))
                else:
                    starts = channel.open.get(d1)
                    if starts:
                        start, velocity = starts.popleft()
                        channel.notes.append((d1, start, tick - start, velocity))
                        room -= 1
                        if room < 0:
                            raise self.fail(too_many_notes())
            else:  # controller, pitch bend, aftertouch or program change
                channels[status & 0x0F].controls.append((tick, kind, d1, d2))
                self.controls_total += 1
                if self.controls_total > MAX_CONTROLS:
                    raise self.fail(too_many_controls())
        return self.close_track(state, tick, has_events)

    def long_delta(self, track_no: int, pos: int, end: int) -> tuple[int | None, int]:
        """A delta time of more than one byte (a variable-length quantity of at most four) starting at
        ``pos``: its value and where the event starts, or None when the rest of the track is unreadable."""
        value, after = read_vlq(self.data, pos, end)
        if value is None:
            if after - pos < 4:
                self.count("cut")
            else:
                self.warn(f"track {track_no}: a time value longer than MIDI allows; the rest of the track "
                          "was skipped", True)
        return value, after

    def system_event(self, state: _TrackState, b: int, pos: int, end: int, tick: int, status: int) -> int | None:
        """A meta event, a SysEx message or a stray system byte (status ``b``, read just before ``pos``):
        where the next event starts, or None when the rest of the track cannot be read."""
        data, track_no = self.data, state.number
        if b == 0xFF:
            if pos >= end:
                self.count("cut")
                return None
            mtype = data[pos]
            length, pos = read_vlq(data, pos + 1, end)
            if length is None or pos + length > end:
                self.warn(f"track {track_no}: an event{_claimed(length, end - pos)}; the rest of the track was "
                          "skipped", True)
                return None
            body = data[pos:pos + length]
            if mtype == 0x2F:
                state.ended = True
            elif mtype == 0x03 and state.name is None:
                state.name = meta_text(body)
            elif mtype in TEXT_META:
                self.text_event(state, tick, mtype, body)
            elif mtype in (0x51, 0x58, 0x59):
                if tick > self.max_tick:
                    raise self.fail(change_too_late(f"track {track_no}"))
                self.conductor.add(track_no, tick, mtype, body)
            return pos + length
        if b in (0xF0, 0xF7):  # SysEx
            length, pos = read_vlq(data, pos, end)
            if length is None or pos + length > end:
                self.warn(f"track {track_no}: a SysEx message{_claimed(length, end - pos)}; the rest of the track "
                          "was skipped", True)
                return None
            state.after_sysex = status != 0
            return pos + length
        self.count("stray")  # system common / real-time bytes do not belong in a file
        return pos + {0xF1: 1, 0xF2: 2, 0xF3: 1}.get(b, 0)

    def text_event(self, state: _TrackState, tick: int, mtype: int, body: bytes) -> None:
        """A lyric, marker, cue point, copyright or text: a word of the song, kept with its bytes."""
        if tick > self.max_tick:
            raise self.fail(event_too_late(state.number, f"a {TEXT_META[mtype]}"))
        self.controls_total += 1
        if self.controls_total > MAX_CONTROLS:
            raise self.fail(too_many_controls())
        state.texts.append((tick, mtype, body))

    def close_track(self, state: _TrackState, last_tick: int, has_events: bool) -> _TrackState:
        """End the notes still sounding when the track ends; count the track's notes."""
        for channel in state.channels.values():
            for pitch, starts in channel.open.items():
                if starts and last_tick > self.max_tick:
                    # Ending the note there would make it last over MAX_BARS bars: the same damaged time
                    # value that a note-off at that tick is refused for.
                    raise self.fail(note_too_late(state.number, ends=True))
                for start, velocity in starts:
                    channel.notes.append((pitch, start, last_tick - start if last_tick > start else self.ppq, velocity))
                    self.count("unended")
            channel.open.clear()
            self.notes_total += len(channel.notes)
        if self.notes_total > MAX_NOTES:
            raise self.fail(too_many_notes())
        state.has_events, state.last_tick = has_events, last_tick
        return state

    def report_counts(self) -> None:
        """One warning per kind of oddity counted while reading, with how many there were."""
        for kind, damage, say in _COUNTED:
            n = self.counts[kind]
            if n:
                self.warn(say(n), damage)


# What read_track counts instead of raising: (kind, whether it repaired damage, the warning for n of them)
_COUNTED = (
    ("cut", True, lambda n: f"{n} track{'s end' if n > 1 else ' ends'} in the middle of an event "
                            "(the file is cut short)"),
    ("clipped", True, lambda n: f"{n:,} values over 127 were clipped to 127"),
    ("no status", True, lambda n: f"{n:,} bytes without a status were skipped"),
    ("running after sysex", True, lambda n: f"{n:,} events after SysEx messages had no status byte; the "
                                            "previous status was used"),
    ("stray", True, lambda n: f"{n:,} real-time bytes that do not belong in a file were skipped"),
    ("unended", False, lambda n: f"{n:,} notes had no end; they were ended with their track"),
    ("after end", False, lambda n: f"{n} track{'s have' if n > 1 else ' has'} events after the end-of-track "
                                   "marker; they were kept"),
)
