"""``musicstudio generate`` and ``musicstudio models`` through the real CLI entry."""

import pytest
from tiny_models import train_tiny

from musicstudio.cli import main
from musicstudio.core.clip import Clip
from musicstudio.core.key import Key
from musicstudio.core.note import Note
from musicstudio.core.scale import Scale, parse_scale
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.generators.interface import BAR
from musicstudio.io.files import open_song
from musicstudio.io.midi_write import export_midi


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory, tiny_corpus_dir):
    return train_tiny(tmp_path_factory, tiny_corpus_dir, "markov", "markov-tiny")


@pytest.fixture
def no_model_loads(monkeypatch):
    """A model that loads fails the test: the messages come first."""
    def refuse(*args, **kwargs):
        raise AssertionError("a model was loaded before the command's mistake was said")
    monkeypatch.setattr("musicstudio.generators.registry.ModelRegistry.load", refuse)


@pytest.fixture(autouse=True)
def only_test_models(monkeypatch):
    """The shipped models/ folder stays out of these tests: only --models-dir counts."""
    monkeypatch.setattr("musicstudio.generators.registry.default_folders", lambda: [])


@pytest.fixture
def seed_file(tmp_path):
    notes = tuple(Note(p, i * 480, 480, 70) for i, p in enumerate([62, 64, 65, 67, 69, 67, 65, 64]))
    path = tmp_path / "seed.mid"
    export_midi(Song((Track("Flute", 73, False, notes),)).with_key(Key(-1, True)), path)
    return path


def generate(models_dir, seed_file, out, *extra):
    return main(["generate", "--models-dir", str(models_dir), "--seed", str(seed_file), "--out", str(out),
                 "--quiet", *extra])


def test_generate_writes_the_song_with_each_take_in_a_file_of_its_own(models_dir, seed_file, tmp_path, capsys):
    out = tmp_path / "out.mid"
    assert generate(models_dir, seed_file, out, "--backend", "markov", "--bars", "3", "--variations", "2",
                    "--key", "song", "--random-seed", "4") == 0
    said = capsys.readouterr().out
    assert "2 takes of 3 bars" in said and "out-take2.mid" in said
    seed_end = 2 * BAR
    for number, path in ((1, out), (2, tmp_path / "out-take2.mid")):
        song = open_song(path).song
        assert [t.name for t in song.tracks] == ["Flute", f"markov-tiny take {number}"]
        assert all(t.program == 73 for t in song.tracks)
        take = song.tracks[1]
        assert take.notes and all(seed_end <= n.start < seed_end + 3 * BAR for n in take.notes)
        assert all(Scale.of_key(Key(-1, True)).contains(n.pitch) for n in take.notes)   # D harmonic minor
    assert open_song(out).song.tracks[1].notes != open_song(tmp_path / "out-take2.mid").song.tracks[1].notes


def test_track_all_continues_every_pitched_track(models_dir, tmp_path, capsys):
    flute = tuple(Note(p, i * 480, 480, 70) for i, p in enumerate([74, 76, 77, 79]))
    cello = tuple(Note(p, i * 960, 960, 70) for i, p in enumerate([50, 53, 55, 57]))   # to bar 2
    seed = tmp_path / "duet.mid"
    export_midi(Song((Track("Flute", 73, False, flute), Track("Cello", 42, False, cello),
                      Track("Kit", 0, True, (Note(38, 0, 120, 100),)))), seed)
    out = tmp_path / "out.mid"
    assert generate(models_dir, seed, out, "--model", "markov-tiny", "--track", "all", "--bars", "1") == 0
    song = open_song(out).song
    assert [t.name for t in song.tracks] == ["Flute", "Cello", "Kit", "markov-tiny take 1"]
    assert song.tracks[1].notes == cello and song.tracks[2].is_drum
    assert song.tracks[3].program == 73
    assert all(n.start >= 2 * BAR for n in song.tracks[3].notes)    # the take follows both voices' bars


def test_a_multitrack_song_comes_back_whole_with_no_two_takes_at_once(models_dir, tmp_path):
    """Issue 17: an 11-track song with drums, continued from one track, comes back with all its tracks
    (their controllers and the song's words too) plus the take; the takes are alternatives in files of
    their own, so OUT.mid never plays two at once."""
    from musicstudio.core.controls import SUSTAIN, SongText, controller

    tracks = [Track(f"Part {k + 1}", 24 + 4 * k, False,
                    tuple(Note(48 + 3 * k + (i % 4), i * 480, 480, 80) for i in range(16)),
                    controls=(controller(0, SUSTAIN, 127), controller(1900, SUSTAIN, 0)))
              for k in range(10)]
    tracks.insert(3, Track("Drums", 0, True, tuple(Note(36 + 2 * (i % 3), i * 240, 120, 100) for i in range(32))))
    song = Song(tuple(tracks), texts=(SongText(0, "marker", "Verse"),))
    seed = tmp_path / "band.mid"
    export_midi(song, seed)
    out = tmp_path / "out.mid"
    assert generate(models_dir, seed, out, "--model", "markov-tiny", "--track", "5", "--bars", "2",
                    "--variations", "3") == 0
    for number in (1, 2, 3):
        back = open_song(out if number == 1 else tmp_path / f"out-take{number}.mid").song
        assert len(back.tracks) == 12
        kept = [t for t in back.tracks if "take" not in t.name]
        assert [(t.name, t.notes, t.controls) for t in kept] == [(t.name, t.notes, t.controls) for t in tracks]
        takes = [t for t in back.tracks if "take" in t.name]
        assert [t.name for t in takes] == [f"markov-tiny take {number}"]
        assert back.tracks.index(takes[0]) == 5          # right after the part it continues (track 5)
        assert all(n.start >= 2 * BAR for n in takes[0].notes)
        assert back.texts == song.texts


def test_the_same_command_writes_the_same_notes(models_dir, seed_file, tmp_path):
    a, b = tmp_path / "a.mid", tmp_path / "b.mid"
    for out in (a, b):
        assert generate(models_dir, seed_file, out, "--model", "markov-tiny", "--random-seed", "9") == 0
    assert open_song(a).song.tracks == open_song(b).song.tracks


@pytest.mark.parametrize("extra, code, words", [
    (["--backend", "harp"], 2, "unknown backend"),
    (["--backend", "lstm"], 2, "no lstm model is installed"),
    (["--model", "markov-tiny", "--range", "60"], 2, "LOW-HIGH"),
    (["--model", "markov-tiny", "--range", "C6-C4"], 2, "runs downwards"),
    (["--model", "markov-tiny", "--range", "C4-H5"], 2, "note names"),
    (["--model", "markov-tiny", "--key", "C blues"], 2, "dorian"),
    (["--model", "markov-tiny", "--temperature", "0"], 2, "temperature"),
    (["--model", "markov-tiny", "--key", "H major"], 2, "not a key"),
    (["--model", "markov-tiny", "--track", "5"], 2, "no track 5"),
    (["--model", "markov-tiny", "--track", "first"], 2, "or 'all'"),
    (["--model", "nothing-here"], 3, "no model of that name"),
])
def test_bad_requests_are_one_clear_line(models_dir, seed_file, tmp_path, capsys, extra, code, words):
    assert generate(models_dir, seed_file, tmp_path / "x.mid", *extra) == code
    err = capsys.readouterr().err.strip()
    assert words in err and "Traceback" not in err


def test_a_corrupt_seed_file_is_bad_input(models_dir, tmp_path, capsys):
    bad = tmp_path / "bad.mid"
    bad.write_bytes(b"MThd\x00\x00\x00\x06\x00\x01")
    assert generate(models_dir, bad, tmp_path / "x.mid", "--model", "markov-tiny") == 3
    assert "bad.mid" in capsys.readouterr().err


def test_models_lists_names_and_details(models_dir, capsys):
    assert main(["models", "--dir", str(models_dir), "--names"]) == 0
    assert "markov-tiny" in capsys.readouterr().out.split()
    assert main(["models", "--dir", str(models_dir)]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("markov-tiny"))
    assert "markov" in line and "melody" in line and "MB" in line


def test_models_reports_a_broken_model_folder(models_dir, tmp_path, capsys):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{")
    assert main(["models", "--dir", str(tmp_path)]) == 0
    assert "broken" in capsys.readouterr().err


# -- the messages of issue 17: each said with its exit code before any model loads --------------------------
def test_a_model_name_given_as_a_backend_points_to_model(models_dir, seed_file, tmp_path, capsys, no_model_loads):
    assert generate(models_dir, seed_file, tmp_path / "x.mid", "--backend", "markov-tiny") == 2
    err = capsys.readouterr().err
    assert "unknown backend 'markov-tiny'" in err and "give --model markov-tiny" in err
    assert err.count("\n") == 1


def test_an_unknown_backend_says_where_model_names_go(models_dir, seed_file, tmp_path, capsys, no_model_loads):
    assert generate(models_dir, seed_file, tmp_path / "x.mid", "--backend", "nothing") == 2
    err = capsys.readouterr().err
    assert "unknown backend 'nothing'" in err and "--model" in err and "markov, lstm" in err


@pytest.fixture(scope="module")
def gan_dir(tmp_path_factory, tiny_corpus_dir):
    return train_tiny(tmp_path_factory, tiny_corpus_dir, "gan", "gan-tiny")


def test_a_bad_chord_is_a_usage_error_before_the_model_loads(gan_dir, seed_file, tmp_path, capsys, no_model_loads):
    assert generate(gan_dir, seed_file, tmp_path / "x.mid", "--model", "gan-tiny", "--chords", "C Am Xq G") == 2
    err = capsys.readouterr().err
    assert "cannot read the chord 'Xq'" in err and err.count("\n") == 1


def test_chords_for_a_model_that_follows_none_before_it_loads(models_dir, seed_file, tmp_path, capsys,
                                                              no_model_loads):
    assert generate(models_dir, seed_file, tmp_path / "x.mid", "--model", "markov-tiny", "--chords", "C G") == 2
    assert "need a GAN model" in capsys.readouterr().err


@pytest.mark.parametrize("text, low, high", [("C4-C6", 60, 84), ("60-84", 60, 84), ("F#3-A5", 54, 81),
                                             ("c4 - c5", 60, 72), ("C-1-G9", 0, 127), ("48..C5", 48, 72)])
def test_a_range_in_note_names_or_numbers(text, low, high):
    from musicstudio.generators.argument_types import pitch_range

    assert pitch_range(text) == (low, high)


def test_note_names_in_the_range_hold_the_takes(models_dir, seed_file, tmp_path):
    out = tmp_path / "out.mid"
    assert generate(models_dir, seed_file, out, "--model", "markov-tiny", "--range", "C4-C5") == 0
    takes = open_song(out).song.tracks[1:]
    assert takes and all(60 <= n.pitch <= 72 for t in takes for n in t.notes)


def test_a_temperature_over_2_is_warned_and_still_runs(models_dir, seed_file, tmp_path, capsys):
    out = tmp_path / "out.mid"
    assert generate(models_dir, seed_file, out, "--model", "markov-tiny", "--temperature", "3") == 0
    captured = capsys.readouterr()
    assert "warning: --temperature 3 is above 2" in captured.err and "4 takes" in captured.out
    assert generate(models_dir, seed_file, out, "--model", "markov-tiny", "--temperature", "2", "--force") == 0
    assert "warning" not in capsys.readouterr().err


def test_the_warning_comes_before_the_model_loads(models_dir, seed_file, tmp_path, capsys, no_model_loads):
    with pytest.raises(AssertionError, match="loaded"):
        generate(models_dir, seed_file, tmp_path / "x.mid", "--model", "markov-tiny", "--temperature", "5")
    assert "warning: --temperature 5" in capsys.readouterr().err


@pytest.mark.parametrize("spelling", ["F#m", "F# minor", "F♯ minor", "Gb minor", "f#", "F sharp minor"])
def test_every_spelling_of_a_key_locks_to_its_harmonic_minor(models_dir, seed_file, tmp_path, spelling):
    out = tmp_path / "out.mid"
    assert generate(models_dir, seed_file, out, "--model", "markov-tiny", "--key", spelling, "--bars", "2") == 0
    notes = [n for t in open_song(out).song.tracks[1:] for n in t.notes]
    assert notes and all(parse_scale("F# harmonic minor").contains(n.pitch) for n in notes)


def test_a_church_mode_lock(models_dir, seed_file, tmp_path):
    out = tmp_path / "out.mid"
    assert generate(models_dir, seed_file, out, "--model", "markov-tiny", "--key", "D dorian", "--bars", "2") == 0
    notes = [n for t in open_song(out).song.tracks[1:] for n in t.notes]
    assert notes and all(n.pitch % 12 in {2, 4, 5, 7, 9, 11, 0} for n in notes)


def test_key_song_comes_from_the_notes_when_the_file_has_no_signature(models_dir, tmp_path):
    """K.525's case: a tune in G major in a file without a key signature (read as C major)."""
    from musicstudio.generators.generate_command import _request, build_parser

    tune = tuple(Note(p, i * 240, 240, 80) for i, p in enumerate([67, 71, 74, 66, 67, 69, 71, 66, 67, 62, 66, 67] * 4))
    seed = tmp_path / "in_g.mid"
    export_midi(Song((Track("Violin", 40, False, tune),)), seed)
    out = tmp_path / "out.mid"
    assert generate(models_dir, seed, out, "--model", "markov-tiny", "--key", "song", "--random-seed", "3") == 0
    notes = [n for t in open_song(out).song.tracks[1:] for n in t.notes]
    assert notes and all(Key(1).contains(n.pitch) for n in notes)
    song = open_song(seed).song
    assert song.key == Key() and _request(build_parser().parse_args(
        ["--model", "m", "--out", "o.mid", "--key", "song"]), song, Clip((), 0)).key == Scale(7, "major", "G")


GROOVE = tuple(Note(36 + 2 * (i % 3), i * 240, 120, 100) for i in range(16))


def test_a_drum_only_file_is_refused_as_drums_before_the_model_loads(models_dir, tmp_path, capsys, no_model_loads):
    """Issue 17, item 3: a drum part is never given to a model that writes pitched notes, and the message
    says it is drums (not 'no notes')."""
    seed = tmp_path / "groove.mid"
    export_midi(Song((Track("Kit", 0, True, GROOVE),)), seed)
    for extra in ((), ("--track", "1"), ("--track", "all")):
        assert generate(models_dir, seed, tmp_path / "out.mid", "--model", "markov-tiny", *extra) == 2
        err = capsys.readouterr().err
        assert "drum" in err and "a drums model continues drums" in err and "no notes" not in err
    assert not (tmp_path / "out.mid").exists()


def test_a_drum_track_of_a_band_is_refused_and_a_pitched_one_continues(models_dir, tmp_path, capsys, no_model_loads):
    seed = tmp_path / "band.mid"
    bass = tuple(Note(p, i * 480, 480, 90) for i, p in enumerate([31, 38, 43, 38] * 2))
    export_midi(Song((Track("Bass", 33, False, bass), Track("Kit", 0, True, GROOVE))), seed)
    assert generate(models_dir, seed, tmp_path / "out.mid", "--model", "markov-tiny", "--track", "2") == 2
    assert "track 2 (Kit) is a drum track" in capsys.readouterr().err


def test_takes_keep_to_the_seeds_register_unless_a_range_is_given(models_dir, tmp_path):
    """Issue 17, item 4: a bass seed (G1-D3) continues as a bass line: every take note within the seed's
    range and 5 semitones; --range 0-127 lets the model go anywhere."""
    seed = tmp_path / "bass.mid"
    bass = tuple(Note(p, i * 480, 480, 90) for i, p in enumerate([31, 38, 43, 50, 43, 38, 35, 38] * 2))
    export_midi(Song((Track("Bass", 33, False, bass),)), seed)
    out = tmp_path / "out.mid"
    assert generate(models_dir, seed, out, "--model", "markov-tiny", "--bars", "4", "--variations", "4",
                    "--random-seed", "2") == 0
    notes = [n for k in range(4) for n in open_song(out if k == 0 else tmp_path / f"out-take{k + 1}.mid")
             .song.tracks[1].notes]
    assert notes and all(31 - 5 <= n.pitch <= 50 + 5 for n in notes)
    from musicstudio.core.clip import Clip
    from musicstudio.generators import generate_command

    clip = Clip(bass, 4 * BAR)
    for extra, expected in (((), (26, 55)), (("--range", "0-127"), (0, 127)), (("--range", "C2-C4"), (36, 60))):
        argv = ["--model", "markov-tiny", "--seed", str(seed), "--out", str(out), *extra]
        args = generate_command.build_parser().parse_args(argv)
        assert generate_command._request(args, Song(), clip).pitch_range == expected
