"""What a track chunk plays on each MIDI channel, gathered while :mod:`.midi_read` reads it, and the
pieces of the song model made of it: one track per (chunk, channel) with its notes, controllers, pitch
bend, aftertouch and program changes; and the song's words (text, copyright, lyric, marker and cue
meta events) spelled so that writing them again gives back their bytes.

The reader's hot loop stores plain tuples in file ticks; they become model values here, once, when the
chunk is done.
"""

from __future__ import annotations

from collections import defaultdict, deque
from itertools import chain

import numpy as np

from musicstudio.core.controls import (
    CHANNEL_PRESSURE,
    CONTROLLER,
    COPYRIGHT,
    CUE,
    LYRIC,
    MARKER,
    PITCH_BEND,
    POLY_PRESSURE,
    PROGRAM,
    TEXT,
    Control,
    SongText,
)
from musicstudio.core.instruments import instrument_name
from musicstudio.core.note import Note
from musicstudio.core.track import Track

DRUM_CHANNEL = 9

# Meta event types that carry the song's words, and back.
TEXT_META = {0x01: TEXT, 0x02: COPYRIGHT, 0x05: LYRIC, 0x06: MARKER, 0x07: CUE}
META_OF_TEXT = {kind: mtype for mtype, kind in TEXT_META.items()}

SLICE = 10_000   # events handled per call in the big steps below: each call short, so that the window gets its turn

# Status nibbles of the channel events that are not notes.
POLY_STATUS, CONTROL_STATUS, PROGRAM_STATUS, PRESSURE_STATUS, BEND_STATUS = 0xA0, 0xB0, 0xC0, 0xD0, 0xE0


class ChannelEvents:
    """What one track chunk played on one MIDI channel, in file ticks."""

    __slots__ = ("notes", "controls", "open")

    def __init__(self) -> None:
        self.notes: list[tuple[int, int, int, int]] = []     # (pitch, start, length, velocity)
        self.controls: list[tuple[int, int, int, int]] = []  # (tick, status nibble, data 1, data 2), file order
        self.open: dict[int, deque] = defaultdict(deque)     # pitch -> (start, velocity), first in first out

    def release(self) -> None:
        """Let go of the raw events a slice at a time: a list of a million tuples is freed in one call that
        holds the interpreter for 50 ms and more, stopping the window while another thread reads."""
        for events in (self.notes, self.controls):
            while events:
                del events[-SLICE:]
        self.open.clear()


def song_text(tick: int, mtype: int, body: bytes) -> SongText:
    """A text meta event as a word of the song: UTF-8 where the bytes are UTF-8, else Latin-1 (which
    spells any bytes), so that writing it again gives back the same bytes."""
    kind = TEXT_META[mtype]
    try:
        return SongText(tick, kind, body.decode("utf-8"))
    except UnicodeDecodeError:
        return SongText(tick, kind, body.decode("latin-1"), "latin-1")


def channel_controls(raw: list[tuple[int, int, int, int]], scale) -> tuple[int | None, list[Control]]:
    """The channel's first program, and its other events as controls at model ticks (``scale`` maps
    file ticks to them; None: the file counts ticks as the model does), in file order.

    The first program change is the track's program. It is kept as a control event too where it does
    not stand alone at the very start: after tick 0 (the track plays its sound from there on), or after
    other events at tick 0 (a bank select before it must stay before it).
    """
    program = None
    out: list[Control] = []
    append = out.append
    new = tuple.__new__   # Control(...) without its per-field copy: 200,000 events are common
    for tick, status, d1, d2 in raw:
        if scale is not None:
            tick = scale(tick)
        if status == CONTROL_STATUS:
            append(new(Control, (tick, CONTROLLER, d1, d2)))
        elif status == BEND_STATUS:
            append(new(Control, (tick, PITCH_BEND, 0, ((d2 << 7) | d1) - 8192)))
        elif status == PRESSURE_STATUS:
            append(new(Control, (tick, CHANNEL_PRESSURE, 0, d1)))
        elif status == POLY_STATUS:
            append(new(Control, (tick, POLY_PRESSURE, d1, d2)))
        else:
            if program is None:
                program = d1
                if tick == 0 and not out:
                    continue
            append(new(Control, (tick, PROGRAM, 0, d1)))
    return program, out


def channel_notes(events: ChannelEvents, scale) -> tuple[Note, ...]:
    """The channel's notes at model ticks (``scale``: as for :func:`channel_controls`), in the track's
    canonical order. A note whose note-off came at its very tick lasts one tick."""
    if scale is None:
        new = tuple.__new__   # the raw tuples are already in Note's field order: no per-field copy
        return in_order([new(Note, n) if n[2] else Note(n[0], n[1], 1, n[3]) for n in events.notes])
    notes = []
    for pitch, start, length, velocity in events.notes:
        s = scale(start)
        e = scale(start + length)
        notes.append(Note(pitch, s, e - s if e > s else 1, velocity))
    return in_order(notes)


def in_order(notes: list[Note]) -> tuple[Note, ...]:
    """``notes`` in the track's canonical order (start, pitch, duration, velocity), sorted by NumPy, which lets
    other threads run while it sorts: sorting a million notes in Python holds the interpreter for 100 ms and
    more (the window stops), and :class:`Track` then only checks the order."""
    if len(notes) < SLICE:
        return tuple(notes)
    fields = np.empty((len(notes), 4), np.int64)   # a Note is (pitch, start, duration, velocity)
    for i in range(0, len(notes), SLICE):
        part = notes[i:i + SLICE]
        fields[i:i + len(part)] = np.fromiter(chain.from_iterable(part), np.int64, 4 * len(part)).reshape(-1, 4)
    pitch, start, duration, velocity = fields.T
    first, then = start * 128 + pitch, duration * 128 + velocity   # within int64: ticks are bounded far below
    if ((first[1:] > first[:-1]) | ((first[1:] == first[:-1]) & (then[1:] >= then[:-1]))).all():
        return tuple(notes)
    order = np.lexsort((then, first))
    return tuple([notes[i] for k in range(0, len(order), SLICE) for i in order[k:k + SLICE].tolist()])


def chunk_tracks(name: str, channels: dict[int, ChannelEvents], scale) -> list[Track]:
    """One track per channel the chunk played on (notes or anything else), in channel order. A chunk
    that plays on several channels names each track after its chunk and its instrument. ``scale`` maps
    file ticks to model ticks; None where the file counts ticks as the model does."""
    used = [(ch, events) for ch, events in sorted(channels.items()) if events.notes or events.controls]
    tracks = []
    for ch, events in used:
        program, controls = channel_controls(events.controls, scale)
        label = name
        if len(used) > 1:
            label = (f"{name} - " if name else "") + instrument_name(program or 0, ch == DRUM_CHANNEL)
        notes = channel_notes(events, scale)
        events.release()
        tracks.append(Track(label, program or 0, ch == DRUM_CHANNEL, notes, controls=tuple(controls), channel=ch))
    return tracks
