"""``musicstudio generate --backend drums --add-drums``: the whole song back with a new drum track on channel
10, a file per take; refusals in one line with generate's exit codes; Vary and --repeat on a drum track."""

import mido
import pytest
from add_fixture import band_song, with_library
from drum_fixture import ROCK, pattern_notes

from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.generators.generate_command import main
from musicstudio.io.files import open_song, save_song


@pytest.fixture(scope="module")
def models(drum_models, tmp_path_factory):
    root = tmp_path_factory.mktemp("add_cli_models")
    with_library(drum_models, root)
    return root


def _run(models, seed, out, *extra):
    return main(["--model", "drums-add", "--models-dir", str(models), "--seed", str(seed), "--out", str(out),
                 "--quiet", *extra])


def test_add_drums_writes_the_song_with_a_drum_track_per_take(models, tmp_path, capsys):
    seed = tmp_path / "band.mid"
    save_song(band_song([("rock", 4), ("threefour", 2)]), seed)
    out = tmp_path / "out.mid"
    assert _run(models, seed, out, "--add-drums", "--variations", "2", "--style", "rock", "--fills", "4") == 0
    said = capsys.readouterr().out
    assert "2 drum parts from drums-add" in said and "out-take2.mid" in said
    for path in (out, tmp_path / "out-take2.mid"):
        song = open_song(path).song
        assert [t.is_drum for t in song.tracks] == [False, False, True]
        assert song.tracks[2].notes and all(35 <= n.pitch <= 81 for n in song.tracks[2].notes)
        channels = {m.channel for t in mido.MidiFile(path).tracks for m in t if m.type == "note_on"
                    and m.note in {n.pitch for n in song.tracks[2].notes} and m.channel == 9}
        assert channels == {9}


def test_refusals_say_why_in_one_line(models, tmp_path, capsys):
    drummed = tmp_path / "drummed.mid"
    kit = Track("Kit", 0, True, tuple(pattern_notes(ROCK, 16, 2)))
    save_song(band_song([("rock", 2)]).with_tracks(band_song([("rock", 2)]).tracks + (kit,)), drummed)
    assert _run(models, drummed, tmp_path / "a.mid", "--add-drums") == 3
    assert "already has drums (track 3)" in capsys.readouterr().err
    silent = tmp_path / "silent.mid"
    save_song(Song((Track("Empty", 0, False, ()),)), silent)
    assert _run(models, silent, tmp_path / "b.mid", "--add-drums") == 3
    assert "no" in capsys.readouterr().err
    plain = tmp_path / "plain.mid"
    save_song(band_song([("rock", 2)]), plain)
    assert _run(models, plain, tmp_path / "c.mid", "--add-drums", "--style", "polka") == 2
    err = capsys.readouterr().err
    assert "no style 'polka'" in err and len(err.strip().splitlines()) == 1
    assert _run(models, plain, tmp_path / "d.mid", "--add-drums", "--density", "3") == 2
    capsys.readouterr()
    assert _run(models, plain, tmp_path / "e.mid", "--add-drums", "--density", "low") == 2   # the controls' bins
    err = capsys.readouterr().err
    assert "number from 0 (sparse) to 1 (busy)" in err and len(err.strip().splitlines()) == 1
    assert not any((tmp_path / f"{x}.mid").exists() for x in "abcde")


def test_vary_and_repeat_on_a_drum_track(models, tmp_path, capsys):
    seed = tmp_path / "kit.mid"
    save_song(Song((Track("Kit", 0, True, tuple(pattern_notes(ROCK, 16, 4))),)), seed)
    assert _run(models, seed, tmp_path / "vary.mid", "--mode", "vary", "--amount", "0", "--variations", "1") == 0
    assert "1 drum take (vary)" in capsys.readouterr().out
    song = open_song(tmp_path / "vary.mid").song
    kit, varied = song.tracks
    assert varied.is_drum and [n.start - 4 * 1920 for n in varied.notes] == [n.start for n in kit.notes]
    assert _run(models, seed, tmp_path / "rep.mid", "--repeat", "1", "--bars", "2", "--variations", "1") == 0
    take = open_song(tmp_path / "rep.mid").song.tracks[1]
    assert [n.start - 4 * 1920 for n in take.notes] == [n.start for n in kit.notes if n.start < 2 * 1920]
    assert _run(models, seed, tmp_path / "bad.mid", "--repeat", "1.5") == 2
