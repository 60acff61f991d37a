"""The structure of a Standard MIDI File: its header (type, tracks announced, ticks per beat) and where
each track chunk's bytes begin and end, read tolerantly: a damaged structure is a warning where the
file can still be read, and a refusal (``fail``) where it cannot."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from musicstudio.io.errors import MidiImportError
from musicstudio.io.midi_bytes import byte_size, unwrap_rmid, what_is

MAX_CHUNKS = 0xFFFF  # chunks of any kind; a header can announce at most this many tracks

Fail = Callable[[str], MidiImportError]
Warn = Callable[[str, bool], None]


@dataclass(frozen=True)
class MidiHeader:
    data: bytes             # the file's MIDI bytes (a RIFF MIDI file's unwrapped)
    fmt: int                # 0, 1 or 2 (anything else is read as 1)
    declared_tracks: int
    ppq: int                # ticks per beat
    end: int                # where the header ends and the chunks begin


def read_header(data: bytes, fail: Fail, warn: Warn) -> MidiHeader:
    if not data:
        raise fail("the file is empty")
    if data[:4] == b"RIFF" and data[8:12] == b"RMID":
        inner = unwrap_rmid(data)
        if inner is None:
            raise fail("it is a RIFF MIDI file with no MIDI data inside")
        data = inner
    if data[:4] != b"MThd":
        what = what_is(data)
        if what:
            raise fail(f"it is {what}, not a MIDI file")
        raise fail("it is not a MIDI file (it does not start with a MIDI header)")
    if len(data) < 14:
        raise fail("the file ends inside its header (it is cut short)")
    header_len = int.from_bytes(data[4:8], "big")
    if header_len < 6:
        raise fail("its header is damaged (too short)")
    fmt = int.from_bytes(data[8:10], "big")
    division = int.from_bytes(data[12:14], "big")
    if division & 0x8000:
        fps = 256 - (division >> 8)
        raise fail(f"it counts time in SMPTE frames ({fps} per second) instead of beats; "
                   "Music Studio reads beat-based MIDI files only")
    if division == 0:
        raise fail("its header says a beat has 0 ticks, so no note has a time")
    if fmt not in (0, 1, 2):
        warn(f"unknown MIDI file type {fmt}; read as type 1", True)
    elif fmt == 2:
        warn("type 2 file (independent patterns): its patterns were placed one after another", False)
    return MidiHeader(data, fmt, int.from_bytes(data[10:12], "big"), division, 8 + header_len)


def track_chunks(header: MidiHeader, fail: Fail, warn: Warn) -> list[tuple[int, int]]:
    """(start, end) of each track chunk's events; unknown chunks with proper names are skipped, as the
    standard says."""
    data, chunks = header.data, []
    seen = 0  # chunks of any kind, skipped ones included
    pos = header.end
    while pos < len(data):
        if pos + 8 > len(data):
            warn(f"{len(data) - pos} stray bytes at the end of the file were ignored", True)
            break
        seen += 1
        if seen > MAX_CHUNKS:
            # A header counts at most 65,535 tracks: a file of millions of tiny chunks is damaged
            # (and would otherwise cost many seconds and gigabytes before any other limit is reached).
            raise fail(f"it holds more than {MAX_CHUNKS:,} chunks, more than a MIDI file can have")
        cid = data[pos:pos + 4]
        size = int.from_bytes(data[pos + 4:pos + 8], "big")
        start = pos + 8
        end = start + size
        if cid != b"MTrk":
            if all(32 <= b < 127 for b in cid):
                pos = end
                continue
            warn(f"unreadable data after track {len(chunks)} was ignored", True)
            break
        if end > len(data):
            missing = end - len(data)
            warn(f"track {len(chunks) + 1} is cut short: it claims {byte_size(size)} but the file "
                 f"ends {byte_size(missing)} early", True)
            end = len(data)
        chunks.append((start, end))
        pos = end
    if not chunks:
        raise fail("it holds no tracks (the file is cut short after its header)")
    if header.declared_tracks != len(chunks):
        # Fewer tracks than announced means lost data; more is only a miscount.
        warn(f"the header announces {header.declared_tracks:,} tracks but the file holds {len(chunks):,}",
             header.declared_tracks > len(chunks))
    return chunks
