"""A big track's notes come out of the reader in the track's canonical order, sorted by NumPy in steps
that let the window run (issue 21: a Python sort of a million notes held the interpreter 100 ms and more
while the window waited), and the same notes a plain sort gives; the raw events are let go of a slice at
a time, also when the file is refused half-way."""

import random

from malformed_midi import header, track, vlq

from musicstudio.core.note import Note, note_order
from musicstudio.core.track import Track, in_note_order
from musicstudio.io.midi_events import SLICE, ChannelEvents, in_order
from musicstudio.io.midi_read import parse_midi


def staggered_notes(pairs: int) -> bytes:
    """Pairs of overlapping notes whose note-offs come in the reverse order of their note-ons (so the
    reader meets the later note's end first): note A at t, note B at t + 10, B ends at t + 20, A at t + 30."""
    body = b""
    for i in range(pairs):
        a, b = 40 + i % 30, 80 - i % 30
        body += vlq(0 if i == 0 else 10) + bytes((0x90, a, 64)) + vlq(10) + bytes((0x90, b, 70 + i % 50))
        body += vlq(10) + bytes((0x80, b, 0)) + vlq(10) + bytes((0x80, a, 0))
    return header(0, 1, 480) + track(body)


def test_a_big_track_reads_in_canonical_order():
    song = parse_midi(staggered_notes(SLICE)).song      # twice SLICE notes: NumPy sorts them
    notes = song.tracks[0].notes
    assert len(notes) == 2 * SLICE
    assert list(notes) == sorted(notes, key=note_order)
    assert notes[:2] == (Note(40, 0, 30, 64), Note(80, 10, 10, 70))   # A, then B, though B ended first


def test_in_order_is_a_plain_sort_and_keeps_ordered_notes_as_they_are():
    rng = random.Random(4)
    notes = [Note(rng.randrange(128), rng.randrange(5000), rng.randrange(1, 50), rng.randrange(1, 128))
             for _ in range(3 * SLICE + 5)]
    ordered = in_order(list(notes))
    assert ordered == tuple(sorted(notes, key=note_order))
    assert all(a is b for a, b in zip(in_order(list(ordered)), ordered))
    small = notes[:10]
    assert in_order(small) == tuple(small)     # few notes: the track sorts them


def test_a_track_only_checks_notes_already_in_order():
    rng = random.Random(9)
    notes = tuple(sorted((Note(rng.randrange(128), rng.randrange(10**6), 5, 64) for _ in range(25_000)),
                         key=note_order))
    assert in_note_order(notes) is notes
    assert Track("t", notes=notes).notes is notes
    shuffled = list(notes)
    rng.shuffle(shuffled)
    assert Track("t", notes=shuffled).notes == notes
    late = notes[:-1] + (Note(0, 0, 1, 1),)     # out of order in the last slice only
    assert in_note_order(late) == tuple(sorted(late, key=note_order))


def test_channel_events_are_let_go_of_in_slices():
    events = ChannelEvents()
    events.notes.extend((60, i, 1, 64) for i in range(3 * SLICE + 1))
    events.controls.extend((i, 0xB0, 7, 100) for i in range(SLICE + 1))
    events.open[60].append((0, 64))
    events.release()
    assert events.notes == [] and events.controls == [] and not events.open


def test_a_file_refused_half_way_lets_go_of_what_it_read(monkeypatch):
    released = []
    real = ChannelEvents.release
    monkeypatch.setattr(ChannelEvents, "release", lambda self: released.append(len(self.notes)) or real(self))
    body = b"\x00\x90\x3c\x40\x00\x3c\x00" + b"\x00\x3c\x40\x00\x3c\x00" * 20
    monkeypatch.setattr("musicstudio.io.midi_read.MAX_NOTES", 10)
    try:
        parse_midi(header(0, 1, 480) + track(body))
    except Exception as e:   # refused: too many notes
        assert "notes" in str(e)
    else:
        raise AssertionError("the file was not refused")
    assert released and released[0] > 0
