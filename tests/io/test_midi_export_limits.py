"""MIDI export refuses what a MIDI file cannot hold, or what Music Studio would not open again, rather
than writing a file with notes missing (issue 26): one line naming the file, and nothing written."""

from __future__ import annotations

import pytest

from musicstudio.core import Key, KeySignature, Note, Song, Tempo, TimeSignature, Track
from musicstudio.io.errors import MidiExportError
from musicstudio.io.limits import MAX_FILE_BYTES, MAX_NOTES, MAX_TICK, MAX_TRACKS
from musicstudio.io.midi_read import import_midi
from musicstudio.io.midi_write import export_midi


def song_of(*notes: Note, **maps) -> Song:
    return Song((Track("Lead", 0, False, notes),), **maps)


FINE = Note(60, 0, 240, 100)

# Note() itself checks nothing (make_note does), so a song from code can hold anything.
REFUSED = {
    "note at tick 10^12": (song_of(FINE, Note(60, 10**12, 120, 100)), "track 1 has a note that ends over 100,000 bars"),
    "note ending one tick late": (song_of(Note(60, MAX_TICK - 10, 11, 100)), r"at tick 192,000,001"),
    "tempo at tick 10^12": (song_of(FINE, tempos=(Tempo(0, 500_000), Tempo(10**12, 400_000))),
                            "a tempo change stands over 100,000 bars"),
    "meter change at tick 10^12": (song_of(FINE, time_signatures=(TimeSignature(0), TimeSignature(10**12, 3, 4))),
                                   "a time signature change stands over"),
    "key change at tick 10^12": (song_of(FINE, key_signatures=(KeySignature(0, Key()), KeySignature(10**12, Key(2)))),
                                 "a key change stands over"),
    "pitch 128": (song_of(Note(128, 0, 10, 100)), "track 1 has a note a MIDI file cannot hold"),
    "velocity 0": (song_of(Note(60, 0, 10, 0)), "velocity 0"),
    "duration 0": (song_of(Note(60, 0, 0, 100)), "duration 0"),
    "negative start": (song_of(Note(60, -10, 20, 100)), "start -10"),
    "tempo over 24 bits": (song_of(FINE, tempos=(Tempo(0, 2**24),)), "a tempo a MIDI file cannot hold"),
    "tempo of 0": (song_of(FINE, tempos=(Tempo(0, 0),)), "a tempo a MIDI file cannot hold"),
    "time signature 4/3": (song_of(FINE, time_signatures=(TimeSignature(0, 4, 3),)), "a time signature a MIDI"),
    "key of 9 sharps": (song_of(FINE, key_signatures=(KeySignature(0, Key(9)),)), "a key signature a MIDI"),
    "1025 tracks": (Song(tuple(Track(f"T{i}") for i in range(MAX_TRACKS + 1))),
                    "the song has 1,025 tracks; Music Studio opens files of up to 1,024"),
}


@pytest.mark.parametrize("name", REFUSED)
def test_a_song_midi_cannot_hold_whole_is_refused(tmp_path, name):
    song, reason = REFUSED[name]
    path = tmp_path / "out.mid"
    with pytest.raises(MidiExportError, match=reason) as caught:
        export_midi(song, path)
    text = str(caught.value)
    assert text.startswith("out.mid: it was not written: ") and "\n" not in text
    assert not path.exists()


def test_too_many_notes_for_the_importer_are_refused(tmp_path):
    notes = (FINE,) * (MAX_NOTES + 1)
    with pytest.raises(MidiExportError, match="the song has 1,000,001 notes; Music Studio opens files of up to"):
        export_midi(Song((Track("Lead", 0, False, notes),)), tmp_path / "out.mid")
    assert not (tmp_path / "out.mid").exists()


def test_a_file_over_the_importers_size_is_refused_and_the_old_file_kept(tmp_path):
    path = tmp_path / "out.mid"
    export_midi(song_of(FINE), path)
    before = path.read_bytes()
    with pytest.raises(MidiExportError, match="it would be 65 MB; Music Studio opens MIDI files up to 64 MB"):
        export_midi(Song((Track("Lead", 0, False, (FINE,)),), title="T" * (MAX_FILE_BYTES + 2**20)), path)
    assert path.read_bytes() == before


@pytest.mark.parametrize("song", [
    song_of(Note(60, MAX_TICK - 10, 10, 100)),
    song_of(FINE, tempos=(Tempo(0, 500_000), Tempo(MAX_TICK, 2**24 - 1))),
    Song(tuple(Track(f"T{i}", 0, False, (Note(60, i, 1, 100),)) for i in range(MAX_TRACKS))),
], ids=["note ending on the last tick", "tempo on the last tick", "1024 tracks"])
def test_what_is_written_opens_again_with_every_note(tmp_path, song):
    path = tmp_path / "out.mid"
    export_midi(song, path)
    back = import_midi(path)
    assert not back.damaged and back.song.note_count == song.note_count
    assert [t.notes for t in back.song.tracks] == [t.notes for t in song.tracks]
    assert back.song.tempos == song.tempos
