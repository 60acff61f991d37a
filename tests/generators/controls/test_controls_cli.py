"""``musicstudio generate --density ... --polyphony ...``: read as a musician writes them, refused in one line
(exit 2, before any model loads) by a model that cannot take them, carried to a model that can; ``--range``
also takes a register's name."""

import argparse

import pytest
from controls_tiny import controls_tiny

from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.generators.argument_types import REGISTERS, pitch_range
from musicstudio.generators.generate_command import main
from musicstudio.io.files import open_song
from musicstudio.io.midi_write import export_midi


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("models")
    controls_tiny(root / "controls-tiny", draws=2, guided=True)
    return root


@pytest.fixture
def seed_file(tmp_path):
    notes = tuple(Note(p, i * 480, 480, 70) for i, p in enumerate([62, 64, 65, 67, 69, 67, 65, 64]))
    path = tmp_path / "seed.mid"
    export_midi(Song((Track("Flute", 73, False, notes),)), path)
    return path


@pytest.fixture
def no_model_loads(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a model was loaded before the command's mistake was said")
    monkeypatch.setattr("musicstudio.generators.registry.ModelRegistry.load", refuse)


def _generate(models_dir, seed_file, out, *extra) -> int:
    return main(["--models-dir", str(models_dir), "--seed", str(seed_file), "--out", str(out), "--quiet", *extra])


@pytest.mark.parametrize("model, words", [
    ("markov-melody", "markov models cannot take density or polyphony controls"),
    ("infill", "infill was trained without control tokens")])
def test_a_model_that_cannot_take_controls_refuses_them_in_one_line_before_loading(
        models_dir, seed_file, tmp_path, capsys, no_model_loads, model, words):
    assert _generate(models_dir, seed_file, tmp_path / "out.mid", "--model", model, "--density", "low") == 2
    err = capsys.readouterr().err.strip()
    assert words in err and "--density and --polyphony" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "out.mid").exists()


@pytest.mark.parametrize("extra, words", [(["--density", "loud"], "density is low, mid, high, any, or a number"),
                                          (["--polyphony", "4 notes"], "polyphony is 1, 2, 3+, any, or a number")])
def test_a_value_it_cannot_read_is_one_line(models_dir, seed_file, tmp_path, capsys, no_model_loads, extra, words):
    assert _generate(models_dir, seed_file, tmp_path / "out.mid", "--model", "controls-tiny", *extra) == 2
    assert words in capsys.readouterr().err


def test_a_model_with_control_tokens_writes_takes_in_the_bins_asked(models_dir, seed_file, tmp_path):
    out = tmp_path / "out.mid"
    assert _generate(models_dir, seed_file, out, "--model", "controls-tiny", "--density", "low,high",
                     "--polyphony", "1", "--bars", "2", "--variations", "1", "--range", "mid") == 0
    song = open_song(out).song
    take = [n for n in song.tracks[-1].notes if n.start >= 4 * 480]
    assert take and all(52 <= n.pitch <= 76 for n in take)       # --range mid: E3-E5


def test_range_takes_a_registers_name():
    assert pitch_range("low") == REGISTERS["low"] == (36, 59) and pitch_range(" High ") == (67, 91)
    assert pitch_range("48-84") == (48, 84)
    with pytest.raises(argparse.ArgumentTypeError, match="or low, mid or high"):
        pitch_range("middle")


def test_density_is_one_option_that_each_command_reads_its_way():
    from musicstudio.generators.controls.arguments import options
    from musicstudio.generators.drums.add_command import _density
    from musicstudio.generators.generate_command import build_parser

    parse = build_parser().parse_args
    numeric = parse(["--model", "x", "--out", "o.mid", "--density", "0.5"])
    assert numeric.density == "0.5" and options(numeric) == {"density": [0.5]} and _density(numeric.density) == 0.5
    named = parse(["--model", "x", "--out", "o.mid", "--density", "low,high", "--polyphony", "3+"])
    assert options(named) == {"density": ["low", "high"], "polyphony": ["3+"]}
    with pytest.raises(ValueError, match="number from 0 .sparse. to 1"):
        _density(named.density)                 # Add drums reads one number
    with pytest.raises(ValueError, match="--density: density is low, mid, high, any, or a number"):
        options(parse(["--model", "x", "--out", "o.mid", "--density", "loud"]))
