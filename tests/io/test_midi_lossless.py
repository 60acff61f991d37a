"""Lossless MIDI round trips, judged by mido (an independent reader) on both files.

Every MIDI file the tests can reach (music21's, pretty_midi's and partitura's shipped files where those
packages are installed, and files written with mido that hold every kind: ``lossless_midi.py``) is
imported and exported; mido then reads the original and the export: every note-on, controller,
pitch-bend, aftertouch, lyric, marker, text, cue and copyright event must come back with the same tick
(at 480 PPQ), channel and value, every word in the track it came in (a track with notes keeps its own),
and every program change too (the export adds one at tick 0 where a track had none).
``benchmarks/midi_roundtrip_report.py`` prints the counts per kind.
"""

from __future__ import annotations

import io
from collections import Counter

import mido
import pytest
from lossless_midi import (
    TEXT_KINDS,
    installed_packages,
    mido_events,
    mido_notes,
    mido_words,
    overlapping_notes,
    real_midi_files,
    scaled,
    written_files,
)

from musicstudio.core.controls import PROGRAM
from musicstudio.io.midi_read import parse_midi
from musicstudio.io.midi_write import song_to_midi_bytes

REAL = real_midi_files()
WRITTEN = written_files()
FILES = {**{p.name: p for p in REAL}, **WRITTEN}
KEPT_EXACTLY = ("note_on", "control_change", "pitchwheel", "aftertouch", "polytouch") + TEXT_KINDS


def _bytes(name: str) -> bytes:
    source = FILES[name]
    return source if isinstance(source, bytes) else source.read_bytes()


@pytest.fixture(scope="module")
def round_trips() -> dict[str, tuple[dict, dict]]:
    """name -> (what mido finds in the file, what mido finds in our export of it)."""
    out = {}
    for name in FILES:
        data = _bytes(name)
        result = parse_midi(data, name)
        assert not result.damaged, (name, result.warnings)
        out[name] = (mido_events(data), mido_events(song_to_midi_bytes(result.song)))
    return out


def test_the_written_files_hold_every_kind():
    found = mido_events(WRITTEN["every_kind.mid"])
    assert set(found) == {"note_on", "control_change", "pitchwheel", "aftertouch", "polytouch", "program_change",
                          *TEXT_KINDS}
    bends = {value for _, _, value in found["pitchwheel"]}
    assert {-8192, 8191, 0} <= bends
    rpn_at_zero = [number for tick, channel, number, _ in found["control_change"] if tick == 0 and channel == 0]
    assert {101, 100, 6, 38} <= set(rpn_at_zero)
    texts = [text for kind in TEXT_KINDS for _, text in found[kind]]
    not_utf8 = [t for t in texts if not _is_utf8(t)]
    assert len(not_utf8) >= 3, texts   # Latin-1 copyright and marker, Latin-1 and Shift-JIS lyrics
    assert mido_events(WRITTEN["patterns_type2.mid"])["lyrics"]


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_the_packages_that_ship_midi_files():
    """Which of the packages are here (partitura is not a dependency: its files count where it is installed)."""
    packages = installed_packages()
    assert packages["music21"] is not None, "music21 is a dev dependency"
    assert len([p for p in REAL if "music21" in p.parts]) >= 20


@pytest.mark.parametrize("name", list(FILES))
def test_every_event_comes_back_with_its_tick_channel_and_value(round_trips, name):
    before, after = round_trips[name]
    for kind in KEPT_EXACTLY:
        lost, added = before[kind] - after[kind], after[kind] - before[kind]
        assert not lost and not added, f"{kind}: lost {sorted(lost)[:5]}, added {sorted(added)[:5]}"
    programs_lost = before["program_change"] - after["program_change"]
    programs_added = after["program_change"] - before["program_change"]
    assert not programs_lost, sorted(programs_lost)
    assert all(tick == 0 for tick, _, _ in programs_added), sorted(programs_added)


@pytest.mark.parametrize("name", list(FILES))
def test_every_word_comes_back_in_the_track_it_came_in(name):
    """A lyric in a vocal track is written in that track again, not in the conductor: by channel of the track
    with notes it sat in; words of the conductor, of a track without notes, of a type 0 file and every
    copyright notice in the conductor."""
    data = _bytes(name)
    before = mido_words(data)
    after = mido_words(song_to_midi_bytes(parse_midi(data, name).song))
    lost, added = before - after, after - before
    assert not lost and not added, f"lost {sorted(lost, key=str)[:5]}, added {sorted(added, key=str)[:5]}"


def test_the_words_of_tracks_are_there_to_be_kept():
    """The files reached hold words of tracks (owner a channel) as well as words of the song."""
    owners = Counter(owner is not None for name in FILES for (owner, *_) in mido_words(_bytes(name)).elements())
    assert owners[True] >= 136 + 10 and owners[False] > 0, owners   # music21's lyrics sit in their parts


def test_the_round_trip_covers_every_kind_in_number(round_trips):
    totals: Counter = Counter()
    for before, after in round_trips.values():
        for kind, events in before.items():
            totals[kind] += sum(events.values())
            totals[f"{kind} back"] += sum((events & after[kind]).values())
    for kind in KEPT_EXACTLY + ("program_change",):
        assert totals[f"{kind} back"] == totals[kind], kind
    # music21's files alone hold 17,881 notes, 6,726 bends, 3,238 controllers and 136 lyrics.
    assert totals["note_on"] >= 17_881 + 2_000
    assert totals["pitchwheel"] >= 6_726 and totals["control_change"] >= 3_238 and totals["lyrics"] >= 136
    assert min(totals[kind] for kind in ("aftertouch", "polytouch", "marker", "text", "cue_marker", "copyright")) > 0


def _control_order(data: bytes) -> dict[int, list]:
    """Each channel's controllers, bends and aftertouch in the order mido reads them (ticks at 480 PPQ)."""
    mf = mido.MidiFile(file=io.BytesIO(data))
    order: dict[int, list] = {}
    for mtrack in mf.tracks:
        tick = 0
        for msg in mtrack:
            tick += msg.time
            if msg.type in ("control_change", "pitchwheel", "aftertouch", "polytouch"):
                values = tuple(v for k, v in vars(msg).items() if k not in ("time", "channel"))
                order.setdefault(msg.channel, []).append((scaled(tick, mf.ticks_per_beat), *values))
    return {ch: sorted(events, key=lambda e: e[0]) for ch, events in order.items()}


@pytest.mark.parametrize("name", ["every_kind.mid", "every_kind_type0.mid", "every_kind_960ppq.mid"])
def test_events_at_one_tick_keep_their_order(name):
    """An RPN message, a pedal lifted and pressed again at one tick: the order is what they mean."""
    data = WRITTEN[name]
    song = parse_midi(data, name).song
    assert _control_order(song_to_midi_bytes(song)) == _control_order(data)


def test_a_bank_select_stays_before_the_program_it_selects():
    song = parse_midi(WRITTEN["every_kind.mid"], "every_kind.mid").song
    piano = next(t for t in song.tracks if t.name == "Piano")
    at_zero = [(c.kind, c.number, c.value) for c in piano.controls if c.tick == 0]
    assert at_zero[:3] == [("cc", 0, 0), ("cc", 32, 0), (PROGRAM, 0, 0)]
    out = mido.MidiFile(file=io.BytesIO(song_to_midi_bytes(song)))
    channel_0 = [m for t in out.tracks for m in t if not m.is_meta and m.channel == 0]
    assert [(m.type, getattr(m, "control", None)) for m in channel_0[:3]] == \
        [("control_change", 0), ("control_change", 32), ("program_change", None)]


# -- overlapping notes of one pitch -----------------------------------------------------------------
def test_1000_overlapping_pairs_round_trip_note_for_note():
    data = overlapping_notes(1000)
    first = parse_midi(data, "overlaps.mid")
    assert not first.warnings
    notes = sorted((t.channel, n.pitch, n.start, n.end, n.velocity) for t in first.song.tracks for n in t.notes)
    assert len(notes) == 2000
    # First in, first out: the note that started first ends first, each with its own velocity.
    assert Counter(notes) == mido_notes(data)
    exported = song_to_midi_bytes(first.song)
    assert mido_notes(exported) == mido_notes(data)
    again = parse_midi(exported, "overlaps-exported.mid")
    assert again.song == first.song


# -- type 2 -----------------------------------------------------------------------------------------
def test_type_2_patterns_play_one_after_another():
    result = parse_midi(WRITTEN["patterns_type2.mid"], "patterns.mid")
    starts = [min(n.start for n in t.notes) for t in result.song.tracks]
    assert starts == [0, 4 * 480, 12 * 480]   # the patterns last 1, 2 and 1 bars
    lyrics = [[(t.tick, t.text) for t in track.texts] for track in result.song.tracks]
    assert lyrics == [[(0, "part 1 ")], [(4 * 480, "part 2 ")], [(12 * 480, "part 3 ")]]   # each pattern's own
    assert result.song.texts == ()
    volumes = [(t.controls[0].tick, t.controls[0].value) for t in result.song.tracks]
    assert volumes == [(0, 90), (4 * 480, 91), (12 * 480, 92)]
    assert any("one after another" in w.message and not w.damage for w in result.warnings)


# -- the song's words -------------------------------------------------------------------------------
def test_words_keep_their_kind_tick_and_bytes():
    song = parse_midi(WRITTEN["every_kind_960ppq.mid"], "every_kind.mid").song
    by_text = {t.text: t for t in song.texts}
    assert by_text["Café"].kind == "marker" and by_text["Café"].encoding == "latin-1"
    assert by_text["Café"].tick == 4 * 480
    assert by_text["Verse ♪"].encoding == "utf-8"
    assert by_text["naïve "].kind == "lyric"
    shift_jis = "こんにちは".encode("shift_jis")
    assert any(t.text.encode(t.encoding) == shift_jis and t.encoding == "latin-1" for t in song.texts)
    assert by_text["/new line\r"].kind == "lyric"   # line breaks and spaces are the karaoke's own
    assert by_text["Lights down"].kind == "cue" and by_text["Lights down"].tick == 2 * 480
    assert by_text[""].kind == "text"
    assert [t.kind for t in song.texts if t.tick == 0][:3] == ["copyright", "text", "marker"]
    again = parse_midi(song_to_midi_bytes(song), "again.mid").song
    assert again.texts == song.texts
