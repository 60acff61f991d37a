"""Reading a big song sets its objects aside from Python's cycle collector (issue 21: with the collector
back on, its first passes over a million new notes held the interpreter about 90 ms while the song landed
in the window); a small song leaves the collector as it is."""

import gc

import musicstudio.workers.song_reading as song_reading
from musicstudio.core import Note, Song, Track
from musicstudio.io.midi_write import export_midi


def test_a_big_song_is_set_aside_from_the_collector_and_a_small_one_is_not(tmp_path, monkeypatch):
    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(gc.isenabled()))
    monkeypatch.setattr(song_reading, "SET_ASIDE_FROM", 50)
    for count in (10, 60):
        path = tmp_path / f"{count}.mid"
        export_midi(Song((Track("t", notes=tuple(Note(60, i * 240, 120, 90) for i in range(count))),)), path)
        read = song_reading.read_song(path)
        assert read.song.note_count == count
        assert len(frozen) == (count >= 50)
