"""A GAN or VAE trained before its family learnt meters (gan-nc, vae-nc) is refused another meter before it
loads, as the family is: the CLI exits 2 and the model list knows each model's meters (issue 17)."""

from pathlib import Path

import pytest

from musicstudio.cli import main
from musicstudio.core import Note, Song, Track
from musicstudio.core.meter import TimeSignature
from musicstudio.generators.registry import ModelRegistry, model_info
from musicstudio.generators.seed_plan import meter_refused
from musicstudio.io.midi_write import export_midi

SHIPPED = Path(__file__).resolve().parents[2] / "models"
NAMES = {info.name for info in ModelRegistry([SHIPPED]).models()}


@pytest.mark.skipif(not {"gan", "gan-nc", "vae", "vae-nc"} <= NAMES, reason="needs the shipped GANs and VAEs")
def test_each_model_says_the_meters_it_writes():
    registry = ModelRegistry([SHIPPED])
    for name in ("gan-nc", "vae-nc"):
        info = model_info(registry.resolve(name))
        assert info.meters == ((4, 4), (2, 2))
        said = meter_refused(info.family, (6, 8), info)
        assert said and name in said and "6/8" in said and "trained before" in said
        assert meter_refused(info.family, (4, 4), info) is None
    for name in ("gan", "vae"):
        info = model_info(registry.resolve(name))
        assert (6, 8) in info.meters and meter_refused(info.family, (6, 8), info) is None


@pytest.mark.skipif(not {"gan-nc", "vae-nc"} <= NAMES, reason="needs gan-nc and vae-nc")
@pytest.mark.parametrize("model", ("gan-nc", "vae-nc"))
def test_the_cli_refuses_a_jig_for_a_model_without_meters_before_it_loads(model, tmp_path, capsys, monkeypatch):
    notes = tuple(Note(67 + i % 5, i * 240, 240, 80) for i in range(24))       # four bars of 6/8 in 8ths
    path = tmp_path / "jig.mid"
    export_midi(Song((Track("Whistle", 78, False, notes),), time_signatures=(TimeSignature(0, 6, 8),)), path)

    def refuse(*args, **kwargs):
        raise AssertionError("a model was loaded before the meter was refused")
    monkeypatch.setattr("musicstudio.generators.registry.ModelRegistry.load", refuse)
    code = main(["generate", "--model", model, "--seed", str(path), "--out", str(tmp_path / "o.mid"), "--quiet"])
    said = capsys.readouterr().err
    assert code == 2 and f"{model} writes bars of 4/4, 2/2 only" in said and "6/8" in said
