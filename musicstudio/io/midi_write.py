"""MIDI export: a type 1 Standard MIDI File that any DAW opens without questions.

Layout: 480 PPQ; track 1 is the conductor (song title, time signatures, keys and tempos, the first
of each at tick 0); then one track per song track with its name, a program change at tick 0 and
explicit note-offs; drums on channel 10; every track closed with end-of-track.

What a MIDI file cannot hold, or what Music Studio would refuse to open again (:mod:`.limits`: notes,
tracks, events over 100,000 bars in, a file over 64 MB), is refused with a :class:`MidiExportError`
before anything is written, rather than written with notes missing.
"""

from __future__ import annotations

from pathlib import Path

from musicstudio.core.key import is_valid_key
from musicstudio.core.meter import is_valid_time_signature
from musicstudio.core.song import Song
from musicstudio.core.tempo import MAX_TEMPO_US, MIN_TEMPO_US
from musicstudio.core.ticks import PPQ
from musicstudio.io.atomic import write_atomically
from musicstudio.io.errors import MidiExportError, describe_os_error
from musicstudio.io.limits import MAX_FILE_BYTES, song_beyond_limits

DRUM_CHANNEL = 9
_MELODIC_CHANNELS = [c for c in range(16) if c != DRUM_CHANNEL]


def assign_channels(tracks) -> list[int]:
    """The MIDI channel of each track: drums on channel 10 (index 9), the others in turn on the rest."""
    channels = []
    melodic = 0
    for track in tracks:
        if track.is_drum:
            channels.append(DRUM_CHANNEL)
        else:
            channels.append(_MELODIC_CHANNELS[melodic % len(_MELODIC_CHANNELS)])
            melodic += 1
    return channels


def _vlq(value: int) -> bytes:
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def _meta(mtype: int, body: bytes) -> bytes:
    return bytes((0xFF, mtype)) + _vlq(len(body)) + body


def _chunk(events: list[tuple[int, bytes]]) -> bytes:
    """A track chunk from (tick, event bytes) pairs already in order; end-of-track is added."""
    out = bytearray()
    last = 0
    for tick, event in events:
        out += _vlq(tick - last)
        out += event
        last = tick
    out += b"\x00\xff\x2f\x00"
    return b"MTrk" + len(out).to_bytes(4, "big") + bytes(out)


def song_to_midi_bytes(song: Song) -> bytes:
    """The song as the bytes of a type 1 MIDI file."""
    conductor: list[tuple[int, int, bytes]] = []
    if song.title:
        conductor.append((0, 0, _meta(0x03, song.title.encode("utf-8"))))
    for ts in song.time_signatures:
        power = ts.denominator.bit_length() - 1
        conductor.append((ts.tick, 1, _meta(0x58, bytes((ts.numerator, power, 24, 8)))))
    for ks in song.key_signatures:
        conductor.append((ks.tick, 2, _meta(0x59, bytes((ks.key.sharps & 0xFF, int(ks.key.minor))))))
    for tempo in song.tempos:
        conductor.append((tempo.tick, 3, _meta(0x51, tempo.us_per_beat.to_bytes(3, "big"))))
    conductor.sort(key=lambda e: (e[0], e[1]))
    chunks = [_chunk([(t, e) for t, _, e in conductor])]

    for track, ch in zip(song.tracks, assign_channels(song.tracks)):
        # Every track gets a name event, even an empty one, so that a track without notes survives.
        head = [(0, _meta(0x03, track.name.encode("utf-8"))), (0, bytes((0xC0 | ch, track.program)))]
        # At one tick, note-offs come before note-ons (a repeated note is not cut off), and notes of
        # one pitch starting together end in the order they start, so a reader pairs them back.
        events = []
        for n in track.notes:
            events.append((n.start, 1, n.pitch, n.duration, bytes((0x90 | ch, n.pitch, n.velocity))))
            events.append((n.end, 0, n.pitch, n.duration, bytes((0x80 | ch, n.pitch, 0x40))))
        events.sort(key=lambda e: e[:4])
        chunks.append(_chunk(head + [(e[0], e[4]) for e in events]))

    header = b"MThd" + (6).to_bytes(4, "big") + (1).to_bytes(2, "big") + len(chunks).to_bytes(2, "big") \
        + PPQ.to_bytes(2, "big")
    return header + b"".join(chunks)


def unwritable(song: Song) -> str | None:
    """Why ``song`` cannot become a MIDI file that opens again with every note, or None when it can."""
    reason = song_beyond_limits(song)
    if reason:
        return reason
    for no, track in enumerate(song.tracks, 1):
        for n in track.notes:
            if not (0 <= n.pitch <= 127 and 1 <= n.velocity <= 127 and n.start >= 0 and n.duration >= 1):
                return (f"track {no} has a note a MIDI file cannot hold (pitch {n.pitch}, velocity {n.velocity}, "
                        f"start {n.start}, duration {n.duration})")
    if not all(MIN_TEMPO_US <= t.us_per_beat <= MAX_TEMPO_US for t in song.tempos):
        return "the song has a tempo a MIDI file cannot hold"
    if not all(is_valid_time_signature(s.numerator, s.denominator) for s in song.time_signatures):
        return "the song has a time signature a MIDI file cannot hold"
    if not all(is_valid_key(k.key.sharps, int(k.key.minor)) for k in song.key_signatures):
        return "the song has a key signature a MIDI file cannot hold"
    return None


def export_midi(song: Song, path: str | Path) -> None:
    """Write the song as a MIDI file, atomically: a failed write leaves any old file as it was.

    Raises :class:`MidiExportError` for a song that a MIDI file Music Studio opens again cannot hold whole.
    """
    reason = unwritable(song)
    if reason:
        raise MidiExportError(path, f"it was not written: {reason}")
    data = song_to_midi_bytes(song)
    if len(data) > MAX_FILE_BYTES:
        raise MidiExportError(path, f"it was not written: it would be {len(data) / 2**20:.0f} MB; Music Studio "
                                    f"opens MIDI files up to {MAX_FILE_BYTES // 2**20} MB")
    try:
        write_atomically(Path(path), data)
    except OSError as e:
        raise MidiExportError(path, f"it could not be written ({describe_os_error(e)})") from e
