"""The rules of lossless MIDI import and export, byte by byte: a channel's program changes stay in one
track, controllers without notes keep their track, pitch bend's 14 bits, running status, the channels
a song is written on, what ``unwritable`` refuses, and the limits on controller events."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from malformed_midi import header, meta, note, track, vlq

from musicstudio.core import Note, Song, Track
from musicstudio.core.controls import KINDS, PITCH_BEND, PROGRAM, Control, SongText, controller, pitch_bend
from musicstudio.io import midi_read
from musicstudio.io.errors import MidiExportError, MidiImportError
from musicstudio.io.limits import MAX_CONTROLS, MAX_TICK, song_beyond_limits
from musicstudio.io.midi_read import parse_midi
from musicstudio.io.midi_write import assign_channels, export_midi, song_to_midi_bytes, unwritable


def _one(body: bytes, fmt: int = 0) -> Song:
    result = parse_midi(header(fmt, 1) + track(body), "controls.mid")
    assert not result.damaged, result.warnings
    return result.song


def _event(delta: int, *data: int) -> bytes:
    return vlq(delta) + bytes(data)


# -- import ---------------------------------------------------------------------------------------
def test_a_channel_keeps_its_program_changes_in_one_track():
    body = (_event(0, 0xC2, 5) + note(60, channel=2) + _event(0, 0xC2, 40) + note(62, channel=2)
            + _event(0, 0xC2, 41) + note(64, channel=2))
    song = _one(body)
    assert len(song.tracks) == 1   # the reader used to make a track per program
    (t,) = song.tracks
    assert (t.program, t.channel, [n.pitch for n in t.notes]) == (5, 2, [60, 62, 64])
    assert t.controls == (Control(480, PROGRAM, 0, 40), Control(960, PROGRAM, 0, 41))


def test_a_first_program_after_the_start_is_the_track_program_and_stays_at_its_tick():
    song = _one(note(60) + _event(0, 0xC0, 73) + note(62))
    (t,) = song.tracks
    assert t.program == 73 and t.controls == (Control(480, PROGRAM, 0, 73),)
    again = parse_midi(song_to_midi_bytes(song), "again.mid").song
    assert again == song


def test_controllers_without_notes_keep_their_track_and_channel():
    conductor = track(meta(0x03, b"Song") + _event(0, 0xB3, 7, 100) + _event(0, 0xB3, 121, 0))
    pad = track(meta(0x03, b"Pad") + _event(0, 0xB4, 11, 20) + _event(480, 0xB4, 11, 90))
    song = parse_midi(header(1, 3) + conductor + pad + track(note(60)), "pad.mid").song
    assert song.title == "Song"   # the first track of a type 1 file still names the song
    assert [(t.name, t.channel, len(t.notes)) for t in song.tracks] == [("", 3, 0), ("Pad", 4, 0), ("", 0, 1)]
    assert song.tracks[1].controls == (controller(0, 11, 20), controller(480, 11, 90))
    assert parse_midi(song_to_midi_bytes(song), "again.mid").song == song


def test_pitch_bend_reads_its_14_bits_from_down_to_up():
    body = _event(0, 0xE1, 0, 0) + _event(10, 0xE1, 0x7F, 0x7F) + _event(10, 0xE1, 0, 0x40) + _event(10, 0xE1, 1, 0x40)
    body += note(60, channel=1)
    (t,) = _one(body).tracks
    assert [(c.tick, c.value) for c in t.controls] == [(0, -8192), (10, 8191), (20, 0), (30, 1)]
    assert all(c.kind == PITCH_BEND for c in t.controls)


def test_running_status_carries_controllers_aftertouch_and_bends():
    body = (_event(0, 0xB0, 64, 127) + _event(0, 1, 40) + _event(0, 7, 90)   # three controllers, one status
            + _event(5, 0xD0, 30) + _event(5, 60)                             # channel pressure: one data byte
            + _event(5, 0xA0, 60, 10) + _event(5, 61, 20)                     # polyphonic aftertouch
            + _event(5, 0xE0, 0, 0x30) + meta(0x01, b"between") + _event(5, 0, 0x50))  # across a meta event
    (t,) = _one(body + note(60)).tracks
    assert [(c.tick, c.kind, c.number, c.value) for c in t.controls] == [
        (0, "cc", 64, 127), (0, "cc", 1, 40), (0, "cc", 7, 90), (5, "pressure", 0, 30), (10, "pressure", 0, 60),
        (15, "poly", 60, 10), (20, "poly", 61, 20), (25, "bend", 0, -2048), (30, "bend", 0, 2048)]


def test_a_type_0_file_gives_a_track_per_channel_with_its_channel():
    body = note(60, channel=0) + note(38, channel=9) + _event(0, 0xB5, 10, 0) + note(70, channel=5)
    song = _one(body)
    assert [(t.channel, t.is_drum, [n.pitch for n in t.notes]) for t in song.tracks] == \
        [(0, False, [60]), (5, False, [70]), (9, True, [38])]


def test_words_and_controllers_beyond_the_last_bar_are_refused_as_damaged_time():
    with pytest.raises(MidiImportError, match="places a lyric over 100,000 bars"):
        parse_midi(header(0, 1) + track(meta(0x05, b"la", delta=0x0FFFFFFF) + note(60)), "late.mid")
    with pytest.raises(MidiImportError, match="places a controller over 100,000 bars"):
        parse_midi(header(0, 1) + track(note(60) + _event(0x0FFFFFFF, 0xB0, 1, 1)), "late.mid")


def test_the_controller_limit_counts_controllers_and_words(monkeypatch):
    monkeypatch.setattr(midi_read, "MAX_CONTROLS", 100)
    cc = _event(0, 0xB0, 1, 1)
    assert len(_one(cc * 99 + meta(0x05, b"x")).tracks[0].controls) == 99   # exactly the limit loads
    with pytest.raises(MidiImportError, match="over 2,000,000 controller"):
        parse_midi(header(0, 1) + track(cc * 100 + meta(0x05, b"x")), "many.mid")
    with pytest.raises(MidiImportError, match="over 2,000,000 controller"):
        parse_midi(header(0, 1) + track(cc * 101), "many.mid")


def test_a_file_of_more_controller_events_than_the_limit_is_refused():
    """2,000,001 controllers in 6 MB (running status: three bytes each) are refused, not kept."""
    body = _event(0, 0xB0, 1, 1) + b"\x00\x01\x01" * MAX_CONTROLS
    with pytest.raises(MidiImportError, match="it holds over 2,000,000 controller, pitch-bend, aftertouch and text"):
        parse_midi(header(0, 1) + track(body), "many.mid")


# -- export ---------------------------------------------------------------------------------------
def test_tracks_keep_their_channel_and_new_tracks_take_free_ones():
    tracks = [Track("a", channel=3), Track("new"), Track("kit", is_drum=True), Track("b", channel=0),
              Track("drum channel, not drums", channel=9), Track("new too"), Track("same as a", channel=3)]
    assert assign_channels(tracks) == [3, 1, 9, 0, 2, 4, 3]
    assert assign_channels([Track(str(i)) for i in range(17)]) == [*range(9), *range(10, 16), 0, 1]
    assert assign_channels([Track(channel=c) for c in range(16) if c != 9] + [Track("extra")]) == \
        [*range(9), *range(10, 16), 0]


def test_unwritable_refuses_impossible_controls_and_words(tmp_path):
    path = tmp_path / "bad.mid"
    cases = {Control(0, PITCH_BEND, 0, 8192): "bend value 8192 is outside -8192..8191",
             Control(0, "cc", 128, 0): "cc number 128 is not allowed",
             Control(0, "cc", 1, -1): "cc value -1 is outside 0..127",
             Control(0, "sysex", 0, 0): "unknown control event kind",
             Control(0, PROGRAM, 1, 0): "program number 1 is not allowed",
             Control(-5, "cc", 1, 0): "cannot stand before the song",
             Control(0.5, "cc", 1, 0): "must be a whole number"}
    for control, reason in cases.items():
        song = Song(tracks=(Track("ok", notes=(Note(60, 0, 10),)), Track("x", controls=(controller(0, 1, 1), control))))
        message = unwritable(song)
        assert message.startswith("track 2 has a controller event a MIDI file cannot hold (") and reason in message
        with pytest.raises(MidiExportError, match="it was not written"):
            export_midi(song, path)
        assert not path.exists()
    euro = Song(texts=(SongText(0, "lyric", "€", "latin-1"),))
    assert unwritable(euro) == "the song has a lyric with characters its spelling (latin-1) cannot hold"
    for text in (SongText(0, "sticker", "x"), SongText(-1, "marker", "x")):
        assert unwritable(Song(texts=(text,))).startswith(f"the song has a {text.kind} a MIDI file cannot hold (")
    assert unwritable(Song(tracks=(Track(controls=tuple(Control(0, k, 0, 0) for k in KINDS)),))) is None


def test_events_past_the_last_bar_are_refused_before_writing():
    late = Song(tracks=(Track(controls=(pitch_bend(MAX_TICK + 1, 0),)),))
    assert "track 1 has a controller over 100,000 bars" in song_beyond_limits(late)
    late_marker = Song(texts=(SongText(MAX_TICK + 1, "marker", "x"),))
    assert "a marker stands over 100,000 bars" in song_beyond_limits(late_marker)


# -- generated songs ------------------------------------------------------------------------------
def _fifo_pairable(notes: list[Note]) -> tuple[Note, ...]:
    """Notes of one pitch may overlap where the one that starts first also ends first (or together):
    what a first-in-first-out reader pairs back. A note lying inside a longer one is dropped."""
    kept, ends = [], {}
    for n in sorted(notes, key=lambda n: (n.pitch, n.start, n.duration)):
        if n.end >= ends.get(n.pitch, 0):
            kept.append(n)
            ends[n.pitch] = n.end
    return tuple(kept)


_ticks = st.integers(0, 4_000)
_controls = st.one_of(
    st.builds(Control, _ticks, st.just("cc"), st.integers(0, 127), st.integers(0, 127)),
    st.builds(Control, _ticks, st.just("bend"), st.just(0), st.integers(-8192, 8191)),
    st.builds(Control, _ticks, st.just("pressure"), st.just(0), st.integers(0, 127)),
    st.builds(Control, _ticks, st.just("poly"), st.integers(0, 127), st.integers(0, 127)),
    st.builds(Control, st.sampled_from([0, 0, 480, 4_000]), st.just("program"), st.just(0), st.integers(0, 127)))
_not_utf8 = st.binary(min_size=1, max_size=8).filter(lambda b: not _utf8(b)).map(lambda b: b.decode("latin-1"))
_texts = st.one_of(
    st.builds(SongText, _ticks, st.sampled_from(["text", "copyright", "lyric", "marker", "cue"]),
              st.text(st.characters(blacklist_categories=("Cs",)), max_size=8), st.just("utf-8")),
    st.builds(SongText, _ticks, st.sampled_from(["lyric", "marker"]), _not_utf8, st.just("latin-1")))


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# Few pitches and starts on a coarse grid: notes of one pitch that start together or overlap are common.
_starts = st.integers(0, 12).map(lambda i: i * 120)
_notes = st.lists(st.builds(Note, st.integers(30, 36), _starts, st.integers(1, 600), st.integers(1, 127)), max_size=30)
_tracks = st.builds(Track, name=st.sampled_from(["", "Lead", "Pad"]), program=st.integers(0, 127),
                    is_drum=st.booleans(), notes=_notes.map(_fifo_pairable), controls=st.lists(_controls, max_size=20))


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_tracks, min_size=1, max_size=4), st.lists(_texts, max_size=8))
def test_generated_songs_with_controls_words_and_overlaps_survive_write_and_read(tracks, texts):
    song = Song(tracks=tuple(tracks), texts=tuple(texts))
    assert unwritable(song) is None
    result = parse_midi(song_to_midi_bytes(song), "generated.mid")
    assert not result.damaged, result.warnings
    assert result.song == song
    assert [t.channel for t in result.song.tracks] == assign_channels(song.tracks)
