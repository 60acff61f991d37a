"""MIDI round trips: our reader against our writer, against mido, and on generated songs.

(a) every MIDI file music21 ships: import -> song_to_midi_bytes -> parse_midi gives an equal song,
    every note compared exactly (480 PPQ on both sides); ``test_roundtrip_summary`` asserts the totals;
(b) mido, an independent reader, finds the same note-ons (start, pitch, velocity) as our importer;
(c) mido accepts what we export and finds the layout the writer promises;
(d) generated songs survive write -> read unchanged (hypothesis);
(e) harmless oddities of real files load with warnings that are not damage.
"""

from __future__ import annotations

import importlib.util
import io
from collections import Counter, defaultdict
from glob import glob
from pathlib import Path

import mido
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from malformed_midi import header, meta, note, track

from musicstudio.core import Key, KeySignature, Note, Song, Tempo, TimeSignature, Track
from musicstudio.core.meter import VALID_DENOMINATORS
from musicstudio.core.tempo import MAX_TEMPO_US
from musicstudio.core.ticks import PPQ
from musicstudio.io.midi_read import ImportResult, import_midi, parse_midi
from musicstudio.io.midi_write import assign_channels, export_midi, song_to_midi_bytes


def _music21_midi_files() -> list[Path]:
    spec = importlib.util.find_spec("music21")
    if spec is None or not spec.submodule_search_locations:
        return []
    base = spec.submodule_search_locations[0]
    return [Path(p) for p in sorted(glob(f"{base}/midi/testPrimitive/*.mid")) + sorted(glob(f"{base}/omr/*.mid"))]


FILES = _music21_midi_files()
needs_music21 = pytest.mark.skipif(not FILES, reason="music21 (a dev dependency) ships the real MIDI files")
FILE_IDS = [p.name for p in FILES]


@pytest.fixture(scope="module")
def roundtrips() -> dict[str, tuple[ImportResult, bytes, ImportResult]]:
    """name -> (the import, our export of it, the export read back); computed once for the module."""
    out = {}
    for path in FILES:
        first = import_midi(path)
        data = song_to_midi_bytes(first.song)
        out[path.name] = (first, data, parse_midi(data, f"{path.stem}-exported.mid"))
    return out


def _notes_by_track(song: Song) -> list[list[tuple]]:
    return [[(track.program, track.is_drum, n.pitch, n.start, n.duration, n.velocity) for n in track.notes]
            for track in song.tracks]


# -- (a) import -> export -> import -----------------------------------------------------------------
@needs_music21
@pytest.mark.parametrize("name", FILE_IDS)
def test_music21_file_survives_export_and_reimport(roundtrips, name):
    first, _, again = roundtrips[name]
    assert not first.damaged, first.warnings
    assert not again.warnings, again.warnings
    assert again.source_ppq == PPQ and again.source_format == 1
    assert first.song.note_count > 0
    # Note for note first (a readable diff on failure), then the whole song.
    assert _notes_by_track(again.song) == _notes_by_track(first.song)
    assert [(t.name, t.program, t.is_drum) for t in again.song.tracks] == \
        [(t.name, t.program, t.is_drum) for t in first.song.tracks]
    assert again.song == first.song


@needs_music21
def test_roundtrip_summary(roundtrips):
    files = len(roundtrips)
    total = sum(first.song.note_count for first, _, _ in roundtrips.values())
    compared = 0  # notes equal in every field to their counterpart after the round trip
    for first, _, again in roundtrips.values():
        before, after = _notes_by_track(first.song), _notes_by_track(again.song)
        compared += sum(x == y for b, a in zip(before, after, strict=False) for x, y in zip(b, a, strict=False))
    summary = f"{files} files, {compared:,} of {total:,} notes equal after export and re-import"
    assert files >= 20, summary
    assert total >= 17_000, summary  # 23 files with 17,881 notes in music21 10.5
    assert compared == total, summary


# -- (b) mido reads the same notes ------------------------------------------------------------------
def _mido_note_ons(data: bytes) -> Counter:
    """(start tick rescaled to 480 PPQ, pitch, velocity) of every note-on with velocity > 0.

    The rescaling rounds half up, as the importer documents (``_Reader.scale``); Python's round()
    rounds half to even and would differ on an exact tie (test05.mid, 1024 PPQ, has one at 5032.5).
    """
    mf = mido.MidiFile(file=io.BytesIO(data))
    ppq = mf.ticks_per_beat
    out: Counter = Counter()
    for mtrack in mf.tracks:
        tick = 0
        for msg in mtrack:
            tick += msg.time
            if msg.type == "note_on" and msg.velocity > 0:
                out[((tick * 2 * PPQ + ppq) // (2 * ppq), msg.note, msg.velocity)] += 1
    return out


@needs_music21
@pytest.mark.parametrize("path", FILES, ids=FILE_IDS)
def test_mido_finds_the_same_notes(path):
    data = path.read_bytes()
    expected = _mido_note_ons(data)  # a file mido cannot read would raise here: there is none
    ours = Counter((n.start, n.pitch, n.velocity) for t in import_midi(path).song.tracks for n in t.notes)
    assert sum(expected.values()) > 0
    assert ours == expected, f"only ours: {ours - expected}; only mido's: {expected - ours}"


# -- (c) mido accepts our exports -------------------------------------------------------------------
def _rich_song() -> Song:
    return Song(
        tracks=(Track("Lead ♪ 旋律", 81, False, (Note(60, 0, 240, 90), Note(60, 240, 240, 80), Note(67, 0, 960, 1))),
                Track("Kit", 0, True, (Note(36, 0, 60, 127), Note(38, 480, 60, 100), Note(42, 0, 30, 64))),
                Track("Bass", 33, False, (Note(28, 0, 1920, 100),)),
                Track("Empty", 5, False, ())),
        tempos=(Tempo(0, 500_000), Tempo(1920, 400_000), Tempo(3840, MAX_TEMPO_US)),
        time_signatures=(TimeSignature(0, 6, 8), TimeSignature(2880, 3, 4)),
        key_signatures=(KeySignature(0, Key(-3, True)), KeySignature(1920, Key(7))),
        title="Études")


def _check_with_mido(song: Song, data: bytes) -> None:
    # Latin-1 reads any bytes (a lyric keeps the bytes it came with); the writer encodes names as UTF-8.
    mf = mido.MidiFile(file=io.BytesIO(data), charset="latin-1")
    assert mf.type == 1 and mf.ticks_per_beat == 480
    assert len(mf.tracks) == len(song.tracks) + 1
    at_zero = set()
    tick = 0
    for msg in mf.tracks[0]:
        tick += msg.time
        if tick == 0:
            at_zero.add(msg.type)
        assert msg.is_meta, f"the conductor track holds only meta events: {msg}"
    assert {"set_tempo", "time_signature", "key_signature"} <= at_zero
    conductor = [m for m in mf.tracks[0] if m.type in ("set_tempo", "time_signature", "key_signature")]
    assert len(conductor) == len(song.tempos) + len(song.time_signatures) + len(song.key_signatures)

    for mtrack in mf.tracks:
        assert mtrack and mtrack[-1].type == "end_of_track"
        assert sum(m.type == "end_of_track" for m in mtrack) == 1

    for strack, mtrack, channel in zip(song.tracks, mf.tracks[1:], assign_channels(song.tracks), strict=True):
        assert mtrack.name.encode("latin-1").decode("utf-8") == strack.name
        assert (channel == 9) == strack.is_drum
        sounding: defaultdict = defaultdict(int)
        ons = 0
        programs = []
        for msg in mtrack:
            if not msg.is_meta:
                assert msg.channel == channel, msg
            if msg.type == "program_change":
                programs.append(msg.program)
            elif msg.type == "note_on" and msg.velocity > 0:
                sounding[msg.channel, msg.note] += 1
                ons += 1
            elif msg.type in ("note_off", "note_on"):
                assert sounding[msg.channel, msg.note] > 0, f"a note-off with no note-on: {msg}"
                sounding[msg.channel, msg.note] -= 1
        assert ons == len(strack.notes)
        # The track's program first (or in its place among the events at tick 0), then its later changes.
        later = [c.value for c in strack.controls if c.kind == "program"]
        assert programs in ([strack.program] + later, later), programs
        assert programs[0] == strack.program
        assert not any(sounding.values()), "every note-on has its note-off on the same channel"


def test_mido_accepts_our_export_of_a_rich_song(tmp_path):
    song = _rich_song()
    path = tmp_path / "rich.mid"
    export_midi(song, path)
    data = path.read_bytes()
    assert data == song_to_midi_bytes(song)
    _check_with_mido(song, data)
    back = parse_midi(data, "rich.mid")
    assert back.song == song and not back.warnings
    assert back.song.tracks[1].is_drum


@needs_music21
@pytest.mark.parametrize("name", FILE_IDS)
def test_mido_accepts_our_export_of_music21_file(roundtrips, name):
    first, data, _ = roundtrips[name]
    _check_with_mido(first.song, data)


# -- (d) generated songs ----------------------------------------------------------------------------
# Names as the reader gives them back: no control characters, no surrounding whitespace.
_names = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=16).map(str.strip)


def _without_overlaps(notes: list[Note]) -> tuple[Note, ...]:
    """Drop notes that overlap an earlier kept note of the same pitch (MIDI cannot tell them apart)."""
    kept, ends = [], {}
    for n in sorted(notes, key=lambda n: (n.pitch, n.start, n.duration)):
        if n.start >= ends.get(n.pitch, 0):
            kept.append(n)
            ends[n.pitch] = n.end
    return tuple(kept)


_notes = st.lists(st.builds(Note, pitch=st.integers(0, 127), start=st.integers(0, 20_000),
                            duration=st.integers(1, 2_000), velocity=st.integers(1, 127)),
                  max_size=30).map(_without_overlaps)
_tracks = st.builds(Track, name=_names, program=st.integers(0, 127), is_drum=st.booleans(), notes=_notes)
_ticks = st.integers(0, 40_000)
_songs = st.builds(
    Song,
    tracks=st.lists(_tracks, min_size=1, max_size=4).map(tuple),
    tempos=st.lists(st.builds(Tempo, _ticks, st.integers(1, MAX_TEMPO_US)), max_size=4).map(tuple),
    time_signatures=st.lists(st.builds(TimeSignature, _ticks, st.integers(1, 255),
                                       st.sampled_from(VALID_DENOMINATORS)), max_size=4).map(tuple),
    key_signatures=st.lists(st.builds(KeySignature, _ticks, st.builds(Key, st.integers(-7, 7), st.booleans())),
                            max_size=4).map(tuple),
    title=_names)


@settings(max_examples=200, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(_songs)
def test_generated_songs_survive_write_and_read(song):
    result = parse_midi(song_to_midi_bytes(song), "generated.mid")
    assert not result.damaged, result.warnings
    assert result.song == song


def test_a_titled_song_without_tracks_keeps_its_title():
    song = Song(title="Nothing yet", tempos=(Tempo(0, 600_000),))
    result = parse_midi(song_to_midi_bytes(song), "empty.mid")
    assert result.song == song and result.song.tracks == ()


# -- (e) harmless oddities --------------------------------------------------------------------------
def _load(body: bytes) -> ImportResult:
    return parse_midi(header(0, 1) + track(body), "odd.mid")


def test_note_on_without_note_off_is_ended_with_its_track():
    result = _load(b"\x00\x90\x3c\x40" + note(64, 480) + meta(0x01, b"end", delta=960))
    assert result.warnings and not result.damaged, result.warnings
    notes = result.song.tracks[0].notes
    assert Note(60, 0, 1440, 64) in notes and len(notes) == 2


def test_notes_after_end_of_track_are_kept():
    data = header(0, 1) + track(note(60) + b"\x00\xff\x2f\x00" + note(62, delta=0))
    result = parse_midi(data, "after_end.mid")
    assert result.warnings and not result.damaged, result.warnings
    assert [n.pitch for n in result.song.tracks[0].notes] == [60, 62]


def test_empty_tracks_are_skipped_without_damage():
    data = header(1, 4) + track(meta(0x03, b"Song")) + track(note(60)) + track(b"") + track(b"", end_of_track=False)
    result = parse_midi(data, "empty_tracks.mid")
    assert result.warnings and not result.damaged, result.warnings
    assert result.song.title == "Song" and len(result.song.tracks) == 1


def test_running_status_after_a_meta_event_loads_without_any_warning():
    # Note-on status, a text meta event, then a note-off (velocity 0) with no status byte of its own.
    result = _load(b"\x00\x90\x3c\x40" + meta(0x01, b"abc") + b"\x83\x60\x3c\x00")
    assert result.warnings == []
    assert result.song.tracks[0].notes == (Note(60, 0, 480, 64),)
