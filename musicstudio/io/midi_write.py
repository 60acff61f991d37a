"""MIDI export: a type 1 Standard MIDI File that any DAW opens without questions.

Layout: 480 PPQ; track 1 is the conductor (song title, time signatures, keys and tempos, the first
of each at tick 0, then the song's lyrics, markers, text and cue points with the bytes they came with);
then one track per song track with its name, a program change at tick 0, its own words (a vocal part's
lyrics, with their bytes), its controllers, pitch bend, aftertouch and later program changes in their
order, and explicit note-offs; every track on the channel
it came from, drums on channel 10; every track closed with end-of-track.

At one tick a track gives its words first (in their order: a lyric is shown with the note it is sung on),
then plays its controllers, then its note-offs, then its note-ons (as pretty_midi
writes them): a bend or a pedal is in place before the notes it shapes, and a repeated note is not cut
off. Overlapping notes of one pitch are written so that a reader pairing note-offs first in, first out
(as Music Studio, mido-based tools and DAWs do) gets them back note for note.

What a MIDI file cannot hold, or what Music Studio would refuse to open again (:mod:`.limits`: notes,
tracks, events over 100,000 bars in, a file over 64 MB), is refused with a :class:`MidiExportError`
before anything is written, rather than written with notes missing.
"""

from __future__ import annotations

from pathlib import Path

from musicstudio.core.controls import (
    BEND_MAX,
    BEND_MIN,
    CONTROLLER,
    PITCH_BEND,
    POLY_PRESSURE,
    PROGRAM,
    make_control,
    make_text,
)
from musicstudio.core.key import is_valid_key
from musicstudio.core.meter import is_valid_time_signature
from musicstudio.core.song import Song
from musicstudio.core.tempo import MAX_TEMPO_US, MIN_TEMPO_US
from musicstudio.core.ticks import PPQ
from musicstudio.io.atomic import write_atomically
from musicstudio.io.errors import MidiExportError, describe_os_error
from musicstudio.io.limits import MAX_FILE_BYTES, song_beyond_limits
from musicstudio.io.midi_bytes import vlq
from musicstudio.io.midi_events import DRUM_CHANNEL, META_OF_TEXT

_MELODIC_CHANNELS = [c for c in range(16) if c != DRUM_CHANNEL]
# The status nibble of each kind of control event.
_STATUS = {CONTROLLER: 0xB0, PITCH_BEND: 0xE0, "pressure": 0xD0, POLY_PRESSURE: 0xA0, PROGRAM: 0xC0}


def assign_channels(tracks) -> list[int]:
    """The MIDI channel of each track: drums on channel 10 (index 9); a track that came from a channel
    (``Track.channel``) goes back to it; the others take the channels no track came from, in turn."""
    kept = [None if t.is_drum or t.channel in (None, DRUM_CHANNEL) else t.channel for t in tracks]
    free = [c for c in _MELODIC_CHANNELS if c not in kept] or _MELODIC_CHANNELS
    channels = []
    melodic = 0
    for track, channel in zip(tracks, kept):
        if track.is_drum:
            channels.append(DRUM_CHANNEL)
        elif channel is not None:
            channels.append(channel)
        else:
            channels.append(free[melodic % len(free)])
            melodic += 1
    return channels


def _meta(mtype: int, body: bytes) -> bytes:
    return bytes((0xFF, mtype)) + vlq(len(body)) + body


def _chunk(events: list[tuple[int, bytes]]) -> bytes:
    """A track chunk from (tick, event bytes) pairs already in order; end-of-track is added."""
    out = bytearray()
    last = 0
    for tick, event in events:
        out += vlq(tick - last)
        out += event
        last = tick
    out += b"\x00\xff\x2f\x00"
    return b"MTrk" + len(out).to_bytes(4, "big") + bytes(out)


def _control_bytes(control, ch: int) -> bytes:
    kind, value = control.kind, control.value
    if kind == PITCH_BEND:
        value += 8192
        return bytes((0xE0 | ch, value & 0x7F, value >> 7))
    if kind == CONTROLLER or kind == POLY_PRESSURE:
        return bytes((_STATUS[kind] | ch, control.number, value))
    return bytes((_STATUS[kind] | ch, value))


def _program_in_place(track) -> bool:
    """Whether the track's program is set by a program change among its events at tick 0 (after a bank
    select, say) rather than by one of its own before them: the reader keeps the first program change
    as a control event where other events at tick 0 come before it."""
    for index, c in enumerate(track.controls):
        if c.tick:
            return False
        if c.kind == PROGRAM:
            return index > 0 and c.value == track.program
    return False


def _text_meta(text) -> bytes:
    """A lyric, marker, cue point, copyright or text as a meta event with the bytes it came with."""
    return _meta(META_OF_TEXT[text.kind], text.text.encode(text.encoding))


def _track_chunk(track, ch: int) -> bytes:
    # Every track gets a name event, even an empty one, so that a track without notes survives.
    head = [(0, _meta(0x03, track.name.encode("utf-8")))]
    if not _program_in_place(track):
        head.append((0, bytes((0xC0 | ch, track.program))))
    # At one tick: controllers (in their order), note-offs, note-ons. Note-ons of one pitch at one tick
    # go shortest first and note-offs of one pitch at one tick in the order their notes started, so a
    # reader pairing them first in, first out finds every note's own velocity and length.
    events = [(x.tick, -1, i, 0, _text_meta(x)) for i, x in enumerate(track.texts)]
    events += [(c.tick, 0, i, 0, _control_bytes(c, ch)) for i, c in enumerate(track.controls)]
    for n in track.notes:
        events.append((n.start, 2, n.pitch, n.duration, bytes((0x90 | ch, n.pitch, n.velocity))))
        events.append((n.end, 1, n.pitch, n.duration, bytes((0x80 | ch, n.pitch, 0x40))))
    events.sort(key=lambda e: e[:4])
    return _chunk(head + [(e[0], e[4]) for e in events])


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
    for text in song.texts:  # in their order at one tick: the sort below is stable
        conductor.append((text.tick, 4, _text_meta(text)))
    conductor.sort(key=lambda e: (e[0], e[1]))
    chunks = [_chunk([(t, e) for t, _, e in conductor])]
    chunks += [_track_chunk(track, ch) for track, ch in zip(song.tracks, assign_channels(song.tracks))]
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
    for no, track in enumerate(song.tracks, 1):
        reason = _unwritable_control(track.controls)
        if reason:
            return f"track {no} has a {reason}"
    for owner, texts in (("the song", song.texts), *((f"track {no}", t.texts) for no, t in enumerate(song.tracks, 1))):
        reason = _unwritable_text(texts)
        if reason:
            return f"{owner} has a {reason}"
    if not all(MIN_TEMPO_US <= t.us_per_beat <= MAX_TEMPO_US for t in song.tempos):
        return "the song has a tempo a MIDI file cannot hold"
    if not all(is_valid_time_signature(s.numerator, s.denominator) for s in song.time_signatures):
        return "the song has a time signature a MIDI file cannot hold"
    if not all(is_valid_key(k.key.sharps, int(k.key.minor)) for k in song.key_signatures):
        return "the song has a key signature a MIDI file cannot hold"
    return None


def _unwritable_text(texts) -> str | None:
    """Why one of ``texts`` cannot stand in a MIDI file ("lyric with characters ..."), or None."""
    for text in texts:
        try:
            make_text(*text)
        except UnicodeEncodeError:
            return f"{text.kind} with characters its spelling ({text.encoding}) cannot hold"
        except (TypeError, ValueError) as e:
            return f"{text.kind} a MIDI file cannot hold ({e})"
    return None


def _unwritable_control(controls) -> str | None:
    """Why one of ``controls`` cannot stand in a MIDI file ("controller event ... (why)"), or None.

    A quick check of :func:`~musicstudio.core.controls.make_control`'s rules first (a song can hold
    hundreds of thousands of events), then make_control itself to say what is wrong.
    """
    for c in controls:
        kind, number, value = c.kind, c.number, c.value
        if kind in _STATUS and type(c.tick) is type(number) is type(value) is int and c.tick >= 0:
            if kind == PITCH_BEND:
                if BEND_MIN <= value <= BEND_MAX and number == 0:
                    continue
            elif 0 <= value <= 127 and (0 <= number <= 127 if kind in (CONTROLLER, POLY_PRESSURE) else number == 0):
                continue
        try:
            make_control(*c)
        except (TypeError, ValueError) as e:
            return f"controller event a MIDI file cannot hold ({e})"
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
