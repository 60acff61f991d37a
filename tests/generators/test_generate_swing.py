"""``musicstudio generate --swing auto|off|RATIO`` (issue 17, item 2): a swung seed's takes are swung like it,
a set swing is given to the takes, and ``--swing off`` writes the takes the model writes, bit for bit."""

import pytest
from tiny_models import train_tiny

from musicstudio.cli import main
from musicstudio.core.feel import Swing
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.generators import generate_command
from musicstudio.generators.backends import backend_named
from musicstudio.generators.fitting import fit_request
from musicstudio.generators.interface import BAR, STEP
from musicstudio.generators.registry import ModelRegistry
from musicstudio.io.files import open_song
from musicstudio.io.midi_write import export_midi

SWUNG = Swing.of_ratio(0.62)
EIGHTHS = tuple(Note((60, 62, 64, 65, 67, 65, 64, 62)[i % 8], i * 240, 240, 80) for i in range(16))


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory, tiny_corpus_dir):
    return train_tiny(tmp_path_factory, tiny_corpus_dir, "markov", "markov-tiny")


@pytest.fixture(autouse=True)
def only_test_models(monkeypatch):
    monkeypatch.setattr("musicstudio.generators.registry.default_folders", lambda: [])


def seed_file(tmp_path, notes):
    path = tmp_path / "seed.mid"
    export_midi(Song((Track("Sax", 65, False, tuple(notes)),)), path)
    return path


def takes_written(models_dir, seed, out, *extra) -> list[tuple[Note, ...]]:
    """The take track's notes of each file ``generate`` wrote, counted from the seed's end (2 bars)."""
    argv = ["generate", "--models-dir", str(models_dir), "--seed", str(seed), "--out", str(out), "--quiet",
            "--backend", "markov", "--bars", "2", "--variations", "2", "--random-seed", "5", *extra]
    assert main(argv) == 0
    files = (out, out.with_name(out.stem + "-take2.mid"))
    return [tuple(n.moved_by(-2 * BAR) for n in open_song(f).song.tracks[1].notes) for f in files]


def cli_request(seed):
    """The request ``generate`` makes of the seed file, before any feel."""
    song = open_song(seed).song
    args = generate_command.build_parser().parse_args(["--backend", "markov", "--seed", str(seed), "--out", "x",
                                                       "--bars", "2", "--variations", "2", "--random-seed", "5"])
    clip, _, start, _ = generate_command._seed_clip(song, args)
    return generate_command._request(args, song, clip, start)


def on_grid(notes, swing: Swing | None) -> bool:
    """Every onset on the 16th grid, straight or as ``swing`` moves it (to a tick: the warp rounds)."""
    return all(-1 <= ((swing.straight(n.start) if swing else n.start) + 1) % STEP - 1 <= 1 for n in notes)


def off_beats(notes) -> int:
    return sum(n.start % 480 != 0 and n.start % 240 != 0 for n in notes)


def test_swing_off_writes_the_models_takes_bit_for_bit(models_dir, tmp_path):
    seed = seed_file(tmp_path, SWUNG.swung(EIGHTHS))
    written = takes_written(models_dir, seed, tmp_path / "off.mid", "--swing", "off")
    direct = ModelRegistry([models_dir]).load("markov-tiny", "cpu").generate(cli_request(seed))  # as before --swing
    assert written == [t.notes for t in direct]


def test_auto_hears_a_swung_seed_straight_and_swings_its_takes_like_it(models_dir, tmp_path, capsys):
    seed = seed_file(tmp_path, SWUNG.swung(EIGHTHS))
    written = takes_written(models_dir, seed, tmp_path / "auto.mid")
    assert "the seed's swing (62%) straightened for the model; takes swung 8ths 62%" in capsys.readouterr().out
    assert all(on_grid(notes, SWUNG) for notes in written) and sum(off_beats(n) for n in written) > 0
    off = takes_written(models_dir, seed, tmp_path / "off.mid", "--swing", "off")
    assert written != off
    fitted = fit_request(cli_request(seed), backend_named("markov"))     # the takes: the straight seed's, swung
    assert fitted.request.seed.notes == EIGHTHS
    model = ModelRegistry([models_dir]).load("markov-tiny", "cpu")
    assert written == [t.notes for t in fitted.takes(model.generate(fitted.request))]


@pytest.mark.parametrize("setting, ratio", [("66", 0.66), ("0.58", 0.58), ("triplet", 2 / 3)])
def test_a_set_swing_is_given_to_a_straight_seeds_takes(models_dir, tmp_path, setting, ratio):
    seed = seed_file(tmp_path, EIGHTHS)
    written = takes_written(models_dir, seed, tmp_path / "set.mid", "--swing", setting)
    assert all(on_grid(notes, Swing.of_ratio(ratio)) for notes in written)
    assert written != takes_written(models_dir, seed, tmp_path / "straight.mid")   # auto: the seed is straight
    assert all(on_grid(notes, None) for notes in takes_written(models_dir, seed, tmp_path / "straight.mid"))


@pytest.mark.parametrize("setting", ["90", "0.2", "swung"])
def test_a_bad_swing_is_a_usage_error(models_dir, tmp_path, capsys, setting):
    seed = seed_file(tmp_path, EIGHTHS)
    assert main(["generate", "--models-dir", str(models_dir), "--seed", str(seed), "--out", str(tmp_path / "o.mid"),
                 "--backend", "markov", "--swing", setting]) == 2
    assert "--swing" in capsys.readouterr().err
