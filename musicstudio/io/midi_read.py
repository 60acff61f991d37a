"""MIDI import: a hardened Standard MIDI File reader that builds the song model directly.

It reads SMF types 0, 1 and 2 at any PPQ (rescaled to the model's PPQ), is lenient where real files
need it (data bytes over 127 clipped, running status after meta and SysEx events, notes without an
end) and strict where safety needs it (size, note count, track count, time division, absurd times).
Anything that goes wrong becomes a :class:`MidiImportError` naming the file and the reason; what
was repaired comes back as warnings.

The reader is our own rather than mido's so that a 1,000,000-note file is refused before millions
of message objects exist, and so that every oddity is counted instead of raised.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from musicstudio.core.instruments import instrument_name
from musicstudio.core.key import Key, KeySignature, is_valid_key
from musicstudio.core.meter import TimeSignature, is_valid_time_signature
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.tempo import Tempo
from musicstudio.core.ticks import PPQ
from musicstudio.core.track import Track
from musicstudio.io.errors import MidiImportError, describe_os_error
from musicstudio.io.limits import (
    MAX_FILE_BYTES,
    MAX_NOTES,
    MAX_TRACKS,
    Unreadable,
    change_too_late,
    note_too_late,
    read_within_limit,
    tick_limit,
    too_many_notes,
    too_many_tracks,
)
from musicstudio.io.midi_bytes import byte_size, meta_text, read_vlq
from musicstudio.io.midi_chunks import read_header, track_chunks

DRUM_CHANNEL = 9


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
    try:
        return _Reader(bytes(data), name).read()
    except MidiImportError:
        raise
    except MemoryError as e:
        raise MidiImportError(name, "it needs more memory than this computer has free") from e
    except RecursionError as e:  # pragma: no cover - nothing here recurses, but stay safe
        raise MidiImportError(name, "it is damaged in a way Music Studio cannot read") from e
    except Exception as e:
        raise MidiImportError(name, f"it is damaged in a way Music Studio cannot read "
                                    f"({type(e).__name__}: {e})") from e


class _Channel:
    """What one track chunk played on one MIDI channel, grouped by the program each note began under."""

    __slots__ = ("voices", "program", "open")

    def __init__(self) -> None:
        self.voices: dict[int | None, list] = defaultdict(list)  # program -> [(pitch, start, end, velocity)]
        self.program: int | None = None
        self.open: dict[int, deque] = defaultdict(deque)   # pitch -> (start, velocity, program), first in first out


class _TrackState:
    """What reading one track chunk keeps beside the hot loop's locals."""

    __slots__ = ("number", "name", "ended", "has_meta", "after_sysex")

    def __init__(self, number: int) -> None:
        self.number = number
        self.name: str | None = None   # None: the track has no name event at all
        self.ended = False             # an end-of-track marker was read
        self.has_meta = False
        self.after_sysex = False       # a SysEx message cancelled the running status


def _claimed(length: int | None, left: int) -> str:
    return f" claims {byte_size(length)} but only {byte_size(left)} remain" if length is not None else " is cut short"


class _Reader:
    def __init__(self, data: bytes, name: str | Path):
        self.data = data
        self.name = name
        self.counts: dict[str, int] = defaultdict(int)   # repeated oddities are reported once, counted
        self.notes_total = 0
        self.tempos: list[tuple[int, int]] = []
        self.signatures: list[tuple[int, int, int]] = []
        self.keys: list[tuple[int, int, int]] = []
        self.warnings: list[MidiWarning] = []

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
        for index, (start, end) in enumerate(chunks):
            named, channels, has_meta, has_events = self.read_track(index, start, end)
            name = named or ""
            voices = [(ch, program, notes) for ch, c in sorted(channels.items())
                      for program, notes in c.voices.items() if notes]
            if voices:
                for ch, program, notes in voices:
                    if len(voices) == 1:
                        label = name
                    else:
                        label = f"{name} - " if name else ""
                        label += instrument_name(program or 0, ch == DRUM_CHANNEL)
                    tracks.append(self.make_track(label, ch, program, notes))
            elif index == 0 and fmt != 0 and not any(c.program is not None for c in channels.values()):
                # The conductor track of a type 1 file names the song, even when it is the only track
                # (the file of a song with a title and no tracks yet).
                title = name
            elif named is not None:
                ch, program = next(((ch, c.program) for ch, c in channels.items() if c.program is not None), (0, 0))
                tracks.append(self.make_track(name, ch, program, []))  # a named track with no notes yet
            elif not has_events:
                empty += 1
            if len(tracks) > MAX_TRACKS:  # named tracks without notes count too: each is a track to show
                raise self.fail(too_many_tracks())
        if empty:
            self.warn(f"{empty:,} empty track{'s were' if empty > 1 else ' was'} skipped", False)
        self.report_counts()
        song = Song(tracks=tuple(tracks), tempos=self.tempo_map(), time_signatures=self.meter_map(),
                    key_signatures=self.key_map(), title=title)
        if not song.note_count:
            self.warn("the file holds no notes", False)
        return ImportResult(song, self.warnings, fmt, self.ppq)

    def make_track(self, name: str, channel: int, program: int | None, raw_notes: list) -> Track:
        scale = self.scale
        notes = []
        for pitch, start, end, velocity in raw_notes:
            s = scale(start)
            notes.append(Note(pitch, s, max(1, scale(end) - s), velocity))
        return Track(name, program or 0, channel == DRUM_CHANNEL, tuple(notes))

    def scale(self, tick: int) -> int:
        """File ticks to model ticks, rounded to the nearest."""
        return (tick * PPQ * 2 + self.ppq) // (self.ppq * 2)

    # -- one track chunk --------------------------------------------------------------------------
    def read_track(self, index: int, pos: int, end: int):
        data = self.data
        channels: dict[int, _Channel] = defaultdict(_Channel)
        state = _TrackState(index + 1)
        tick = 0
        status = 0
        has_events = False
        track_no = index + 1
        max_tick = self.max_tick
        while pos < end:
            # delta time: a variable-length quantity of at most four bytes
            delta = 0
            for _ in range(4):
                if pos >= end:
                    self.count("cut")
                    return self.close_track(state.name, channels, tick, state.has_meta, has_events, track_no)
                b = data[pos]
                pos += 1
                delta = (delta << 7) | (b & 0x7F)
                if b < 0x80:
                    break
            else:
                self.warn(f"track {track_no}: a time value longer than MIDI allows; the rest of the track "
                          "was skipped", True)
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
            if kind == 0x90 or kind == 0x80:
                if tick > max_tick:
                    raise self.fail(note_too_late(track_no))
                channel = channels[status & 0x0F]
                if kind == 0x90 and d2:
                    channel.open[d1].append((tick, d2, channel.program))
                else:
                    starts = channel.open.get(d1)
                    if starts:
                        start, velocity, program = starts.popleft()
                        channel.voices[program].append((d1, start, tick, velocity))
                        self.notes_total += 1
                        if self.notes_total > MAX_NOTES:
                            raise self.fail(too_many_notes())
            elif kind == 0xC0:
                channels[status & 0x0F].program = d1
        return self.close_track(state.name, channels, tick, state.has_meta, has_events, track_no)

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
            state.has_meta = True
            if mtype == 0x2F:
                state.ended = True
            elif mtype == 0x03 and state.name is None:
                state.name = meta_text(body)
            elif mtype in (0x51, 0x58, 0x59):
                self.conductor_event(track_no, tick, mtype, body)
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

    def close_track(self, name, channels, last_tick, has_meta, has_events, track_no=0):
        """End the notes still sounding when the track ends."""
        for channel in channels.values():
            for pitch, starts in channel.open.items():
                if starts and last_tick > self.max_tick:
                    # Ending the note there would make it last over MAX_BARS bars: the same damaged time
                    # value that a note-off at that tick is refused for.
                    raise self.fail(note_too_late(track_no, ends=True))
                for start, velocity, program in starts:
                    end = last_tick if last_tick > start else start + self.ppq
                    channel.voices[program].append((pitch, start, end, velocity))
                    self.notes_total += 1
                    self.count("unended")
            channel.open.clear()
        if self.notes_total > MAX_NOTES:
            raise self.fail(too_many_notes())
        return name, channels, has_meta, has_events

    def conductor_event(self, track_no: int, tick: int, mtype: int, body: bytes) -> None:
        if tick > self.max_tick:
            raise self.fail(change_too_late(f"track {track_no}"))
        if mtype == 0x51:
            us = int.from_bytes(body[:3], "big") if len(body) >= 3 else 0
            if len(body) != 3 or us == 0:
                self.warn(f"track {track_no}: an impossible tempo ({'0 BPM' if us == 0 else 'bad length'}) "
                          "was ignored", True)
                return
            self.tempos.append((tick, us))
        elif mtype == 0x58:
            if len(body) < 2:
                self.warn(f"track {track_no}: a damaged time signature was ignored", True)
                return
            numerator, power = body[0], body[1]
            denominator = 2 ** power if power < 8 else 0
            if not is_valid_time_signature(numerator, denominator):
                shown = f"{numerator}/{denominator}" if denominator else f"{numerator}/2^{power}"
                self.warn(f"track {track_no}: an impossible time signature ({shown}) was ignored", True)
                return
            self.signatures.append((tick, numerator, denominator))
        else:
            if len(body) < 2:
                self.warn(f"track {track_no}: a damaged key signature was ignored", True)
                return
            sharps = body[0] - 256 if body[0] > 127 else body[0]
            if not is_valid_key(sharps, body[1]):
                accidentals = f"{abs(sharps)} {'sharps' if sharps > 0 else 'flats'}"
                self.warn(f"track {track_no}: an impossible key signature ({accidentals}) was ignored", True)
                return
            self.keys.append((tick, sharps, body[1]))

    # -- the maps, rescaled -----------------------------------------------------------------------
    def tempo_map(self) -> tuple[Tempo, ...]:
        return tuple(Tempo(self.scale(t), us) for t, us in sorted(self.tempos, key=lambda e: e[0]))

    def meter_map(self) -> tuple[TimeSignature, ...]:
        return tuple(TimeSignature(self.scale(t), n, d) for t, n, d in sorted(self.signatures, key=lambda e: e[0]))

    def key_map(self) -> tuple[KeySignature, ...]:
        return tuple(KeySignature(self.scale(t), Key(s, bool(m))) for t, s, m in sorted(self.keys, key=lambda e: e[0]))

    def report_counts(self) -> None:
        c = self.counts
        if c["cut"]:
            self.warn(f"{c['cut']} track{'s end' if c['cut'] > 1 else ' ends'} in the middle of an event "
                      "(the file is cut short)", True)
        if c["clipped"]:
            self.warn(f"{c['clipped']:,} values over 127 were clipped to 127", True)
        if c["no status"]:
            self.warn(f"{c['no status']:,} bytes without a status were skipped", True)
        if c["running after sysex"]:
            self.warn(f"{c['running after sysex']:,} events after SysEx messages had no status byte; "
                      "the previous status was used", True)
        if c["stray"]:
            self.warn(f"{c['stray']:,} real-time bytes that do not belong in a file were skipped", True)
        if c["unended"]:
            self.warn(f"{c['unended']:,} notes had no end; they were ended with their track", False)
        if c["after end"]:
            self.warn(f"{c['after end']} track{'s have' if c['after end'] > 1 else ' has'} events after the "
                      "end-of-track marker; they were kept", False)
