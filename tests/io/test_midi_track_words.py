"""A track's own words through MIDI: the lyrics of a vocal track are read into that track, written back in its
MTrk (not the conductor), and come back again; the conductor's words, a type 0 file's, a note-less track's
and every copyright notice stay the song's; ``musicstudio info`` counts words wherever they are."""

from __future__ import annotations

import io
from pathlib import Path

import mido
from lossless_midi import mido_words, vocal_lyrics

from musicstudio.core import Note, Song, Track
from musicstudio.core.controls import SongText
from musicstudio.io.limits import MAX_TICK
from musicstudio.io.midi_read import parse_midi
from musicstudio.io.midi_write import song_to_midi_bytes, unwritable
from musicstudio.io.song_info import describe, words_summary

VOICE_WORDS = [("lyric", 0, "Hel"), ("lyric", 480, "lo "), ("lyric", 960, "wörld "), ("lyric", 1440, "\\sing "),
               ("lyric", 1920, "a"), ("lyric", 2400, "long"), ("lyric", 2880, "/"), ("text", 2880, "breath"),
               ("marker", 3840, "Voice enters chorus")]


def _words(texts) -> list:
    return [(x.kind, x.tick, x.text) for x in texts]


def test_a_vocal_tracks_lyrics_are_read_into_that_track():
    song = parse_midi(vocal_lyrics(), "vocal.mid").song
    piano, voice, bass = song.tracks
    assert voice.name == "Voice" and _words(voice.texts) == VOICE_WORDS
    assert voice.texts[2].encoding == "latin-1"
    assert piano.texts == bass.texts == ()
    assert _words(song.texts) == [("copyright", 0, "(c) the singer"), ("marker", 0, "Verse"),
                                  ("marker", 3840, "Chorus")]


def _mtracks(data: bytes) -> list[tuple[str, list]]:
    """Each MTrk of a file as (its name, its (tick, type, text or note) events in order)."""
    out = []
    for mtrack in mido.MidiFile(file=io.BytesIO(data), charset="latin-1").tracks:
        tick, events = 0, []
        for msg in mtrack:
            tick += msg.time
            if msg.type in ("lyrics", "text", "marker", "copyright", "cue_marker"):
                events.append((tick, msg.type, msg.text))
            elif msg.type == "note_on" and msg.velocity:
                events.append((tick, "note_on", msg.note))
        out.append((mtrack.name, events))
    return out


def test_export_writes_the_lyrics_in_the_vocal_tracks_mtrk_before_its_notes():
    song = parse_midi(vocal_lyrics(), "vocal.mid").song
    (_, conductor), (_, piano), (name, voice), (_, bass) = _mtracks(song_to_midi_bytes(song))
    assert conductor == [(0, "copyright", "(c) the singer"), (0, "marker", "Verse"), (3840, "marker", "Chorus")]
    assert name == "Voice"
    # mido reads the bytes as Latin-1: each word is written with the bytes it came with
    assert [(tick, text) for tick, kind, text in voice if kind != "note_on"] == \
        [(x.tick, x.text.encode(x.encoding).decode("latin-1")) for x in song.tracks[1].texts]
    # at one tick the word comes before the note sung on it: a karaoke player shows it in time
    assert voice[:2] == [(0, "lyrics", "Hel"), (0, "note_on", 67)]
    assert all(kind == "note_on" for _, kind, _ in piano + bass)


def test_a_file_read_and_written_again_keeps_each_word_in_its_track():
    data = vocal_lyrics()
    first = parse_midi(data, "vocal.mid").song
    exported = song_to_midi_bytes(first)
    assert mido_words(exported) == mido_words(data)
    again = parse_midi(exported, "again.mid").song
    assert again == first and again.tracks[1].texts == first.tracks[1].texts


def _file(kind: int, *tracks: list) -> bytes:
    mf = mido.MidiFile(type=kind, ticks_per_beat=480, charset="latin-1")
    for events in tracks:
        mf.tracks.append(mido.MidiTrack(events + [mido.MetaMessage("end_of_track", time=0)]))
    out = io.BytesIO()
    mf.save(file=out)
    return out.getvalue()


def _note(channel: int, pitch: int) -> list:
    return [mido.Message("note_on", channel=channel, note=pitch, velocity=90, time=0),
            mido.Message("note_off", channel=channel, note=pitch, velocity=0, time=480)]


def test_the_song_keeps_words_of_no_track_of_its_own():
    meta = mido.MetaMessage
    words = [meta("lyrics", text="la"), meta("copyright", text="(c) me")]
    type0 = parse_midi(_file(0, words + _note(0, 60)), "type0.mid").song
    assert _words(type0.texts) == [("lyric", 0, "la"), ("copyright", 0, "(c) me")] and type0.tracks[0].texts == ()
    # a named track without notes (a karaoke file's "Words") is the song's; a copyright is always the song's
    noteless = [meta("track_name", name="Words"), meta("lyrics", text="la")]
    song = parse_midi(_file(1, [meta("marker", text="Intro")], noteless, words + _note(0, 60)), "kar.mid").song
    assert [t.name for t in song.tracks] == ["Words", ""] and song.tracks[0].texts == ()
    assert _words(song.tracks[1].texts) == [("lyric", 0, "la")]
    assert _words(song.texts) == [("marker", 0, "Intro"), ("lyric", 0, "la"), ("copyright", 0, "(c) me")]


def test_a_track_split_by_channel_gives_its_words_to_the_first_track_made():
    duo = [mido.MetaMessage("track_name", name="Duo"), mido.MetaMessage("lyrics", text="ah")]
    song = parse_midi(_file(1, [], duo + _note(4, 48) + _note(3, 76)), "duo.mid").song
    assert [t.channel for t in song.tracks] == [3, 4]
    assert _words(song.tracks[0].texts) == [("lyric", 0, "ah")] and song.tracks[1].texts == ()


def test_words_of_tracks_are_counted_and_checked_as_the_songs():
    voice = Track("Voice", notes=(Note(60, 0, 480),), texts=(SongText(0, "lyric", "la"), SongText(0, "lyric", "la")))
    song = Song((voice,), texts=(SongText(0, "marker", "Verse"),))
    assert words_summary(song) == "2 lyrics, 1 marker"
    euro = Song((Track("A"), Track("B", texts=(SongText(0, "lyric", "€", "latin-1"),))))
    assert unwritable(euro) == "track 2 has a lyric with characters its spelling (latin-1) cannot hold"
    assert unwritable(Song((Track("A", texts=(SongText(0, "chord", "Am"),)),))).startswith(
        "track 1 has a chord a MIDI file cannot hold (unknown text kind")
    late = Song((Track("A", texts=(SongText(MAX_TICK + 1, "cue", "x"),)),))
    assert unwritable(late).startswith("track 1 has a cue over 100,000 bars into the song")


def test_info_counts_the_words_wherever_they_are():
    text = describe(Path("vocal.mid"), parse_midi(vocal_lyrics(), "vocal.mid"))
    lines = text.splitlines()
    assert "  words      1 text, 1 copyright notice, 7 lyrics, 3 markers" in lines
    voice = next(line for line in lines if ". Voice " in line)
    assert voice.endswith("1 text, 7 lyrics, 1 marker"), voice
