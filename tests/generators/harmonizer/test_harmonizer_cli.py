"""``musicstudio generate --harmonize`` and ``--add-part``: the new tracks beside the song's own, and
generate's exit codes for what cannot be written (2 usage, 3 bad input), each said in one line."""

import pytest

from musicstudio.core import Note, Song, Track
from musicstudio.core.meter import TimeSignature
from musicstudio.generators.generate_command import main
from musicstudio.io.files import open_song
from musicstudio.io.midi_write import export_midi

BAR = 1920
TUNE = tuple(Note(67 + (0, 2, 4, 5, 7, 5, 4, 2)[i % 8], BAR + i * 480, 480, 90) for i in range(32))   # bars 2-9
BASS = tuple(Note(43 + (0, 5, 7, 0)[i % 4], BAR + i * BAR, BAR, 80) for i in range(8))
DRUMS = tuple(Note(36, i * 480, 120, 100) for i in range(40))


@pytest.fixture
def song_file(tmp_path):
    path = tmp_path / "song.mid"
    export_midi(Song((Track("Tune", 73, False, TUNE), Track("Drums", 0, True, DRUMS), Track("Bass", 32, False, BASS),
                      Track("Empty", 0, False, ()))), path)
    return path


def run(tiny_harmonizer, song_file, tmp_path, *extra):
    return main(["--model", "harmonizer-tiny", "--models-dir", str(tiny_harmonizer.parent), "--seed", str(song_file),
                 "--out", str(tmp_path / "out.mid"), "--variations", "1", *extra])


def test_harmonize_adds_alto_tenor_and_bass_after_the_melody_and_keeps_the_song(tiny_harmonizer, song_file,
                                                                                tmp_path, capsys):
    assert run(tiny_harmonizer, song_file, tmp_path, "--harmonize", "--track", "1") == 0
    assert "bars 2-9" in capsys.readouterr().out
    song = open_song(tmp_path / "out.mid").song
    names = [t.name for t in song.tracks]
    assert names[0] == "Tune" and names[1:4] == ["Alto (harmonizer-tiny)", "Tenor (harmonizer-tiny)",
                                                  "Bass (harmonizer-tiny)"]
    assert names[4:] == ["Drums", "Bass"] + names[6:] and len(song.tracks[0].notes) == len(TUNE)
    for track in song.tracks[1:4]:
        assert track.program == 52 and track.notes
        assert all(BAR <= n.start and n.end <= 9 * BAR for n in track.notes)


def test_add_part_writes_one_track_inside_the_range_hearing_the_others(tiny_harmonizer, song_file, tmp_path):
    assert run(tiny_harmonizer, song_file, tmp_path, "--add-part", "tenor", "--range", "C3-G3") == 0
    song = open_song(tmp_path / "out.mid").song
    added = song.tracks[-1]
    assert len(song.tracks) == 5
    assert added.name == "Tenor (harmonizer-tiny)" and added.notes
    assert all(48 <= n.pitch <= 55 for n in added.notes)


@pytest.mark.parametrize("extra, code, said", [
    (("--harmonize",), 2, "--track N"),
    (("--harmonize", "--track", "1", "--add-part", "bass"), 2, "one of them"),
    (("--harmonize", "--track", "9"), 3, "no track 9"),
    (("--harmonize", "--track", "2"), 3, "drum track"),
    (("--harmonize", "--track", "4"), 3, "no notes"),
    (("--add-part", "bass", "--range", "C-1-D-1"), 3, "register"),
])
def test_what_cannot_be_written_exits_with_generates_codes(tiny_harmonizer, song_file, tmp_path, capsys, extra,
                                                           code, said):
    assert run(tiny_harmonizer, song_file, tmp_path, *extra) == code
    err = capsys.readouterr().err.strip()
    assert said in err and len(err.splitlines()) == 1
    assert not (tmp_path / "out.mid").exists()


def test_a_span_too_long_or_a_meter_change_inside_it_is_bad_input(tiny_harmonizer, tmp_path, capsys):
    long_path, changing = tmp_path / "long.mid", tmp_path / "changing.mid"
    export_midi(Song((Track("Tune", 0, False, tuple(Note(72, i * BAR, BAR, 90) for i in range(200))),)), long_path)
    export_midi(Song((Track("Tune", 0, False, TUNE),), time_signatures=(TimeSignature(0, 4, 4),
                                                                         TimeSignature(3 * BAR, 3, 4))), changing)
    assert run(tiny_harmonizer, long_path, tmp_path, "--harmonize", "--track", "1") == 3
    assert "16ths" in capsys.readouterr().err
    assert run(tiny_harmonizer, changing, tmp_path, "--harmonize", "--track", "1") == 3
    assert "meter changes" in capsys.readouterr().err


def test_another_familys_model_is_a_usage_error(tiny_harmonizer, song_file, tmp_path, capsys):
    code = main(["--backend", "markov", "--seed", str(song_file), "--out", str(tmp_path / "o.mid"), "--harmonize",
                 "--track", "1"])
    assert code == 2 and "harmonizer" in capsys.readouterr().err
