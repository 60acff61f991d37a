"""The drum backend: trained on a fixture of grooves, loaded like any model, continuing a 3/4 seed on
channel 10 with GM numbers; a damaged folder is refused with its name."""

import pytest
from drum_fixture import WALTZ, pattern_notes, records

from musicstudio.core.clip import Clip
from musicstudio.generators.backends import backend_named
from musicstudio.generators.capabilities import DrumWriter
from musicstudio.generators.checkpoint import CheckpointError
from musicstudio.generators.codecs.drums import GROUP_OF
from musicstudio.generators.drums.data import grooves_of, split_of, windows
from musicstudio.generators.drums.generator import seed_window
from musicstudio.generators.interface import GenerationRequest
from musicstudio.generators.registry import ModelRegistry


def test_the_backend_is_declared_as_a_drum_writer():
    backend = backend_named("drums")
    assert backend.can(DrumWriter) and backend.writes_meter((3, 4)) and backend.writes_meter((6, 8))


def test_the_split_holds_whole_styles_out():
    grooves = grooves_of(records() + [{**records()[0], "style": "bossanova"}])
    assert [split_of(g) for g in grooves if g.style == "bossanova"] == ["test"]
    assert all(split_of(g) != "test" for g in grooves if g.style != "bossanova")


def test_windows_start_on_bar_lines_of_their_meter(drum_models):
    from musicstudio.generators.codecs.drums import DrumCodec

    grooves = [g for g in grooves_of(records()) if g.meter == (3, 4)]
    codec = DrumCodec.fit((g.notes, g.steps) for g in grooves)
    for tokens, meter in windows(codec, grooves, bars=4):
        assert meter == (3, 4) and len(tokens) == 48
        assert tokens[0] == tokens[12]      # the bar's first step (kick and hat) starts every window


def test_a_three_four_seed_continues_for_the_bars_asked_on_gm_drums(drum_models):
    generator = ModelRegistry([drum_models]).load("drums-tiny", "cpu")
    seed = pattern_notes(WALTZ, 12, 4)
    request = GenerationRequest(seed=Clip(tuple(seed), 4 * 1440), bars=3, variations=4, meter=(3, 4))
    takes = generator.generate(request)
    assert len(takes) == 4
    for take in takes:
        assert take.length == 3 * 1440
        assert take.notes and all(0 <= n.start < take.length for n in take.notes)
        assert {n.pitch for n in take.notes} <= {36, 38, 42, 46}   # the seed's own numbers (46: trained)
        assert all(35 <= n.pitch <= 81 and GROUP_OF[n.pitch] < 10 for n in take.notes)
    assert takes == generator.generate(request)      # the same request gives the same takes


def test_an_unfinished_seed_bar_is_completed_first(drum_models):
    generator = ModelRegistry([drum_models]).load("drums-tiny", "cpu")
    seed = pattern_notes(WALTZ, 12, 2)[:-2]
    request = GenerationRequest(seed=Clip(tuple(seed), 1440 + 720), bars=2, variations=1, meter=(3, 4))
    assert generator.generate(request)[0].length == 720 + 2 * 1440


def test_a_long_seed_is_cut_on_a_bar_line():
    import numpy as np

    tokens = np.arange(1000)
    kept = seed_window(tokens, 12, limit=100)
    assert 100 - 2 * 12 < len(kept) <= 100 and (1000 - len(kept)) % 12 == 0   # 1000 - 912: a bar line


def test_a_damaged_drum_model_is_refused_naming_its_file(drum_models, tmp_path):
    import shutil

    folder = tmp_path / "broken"
    shutil.copytree(drum_models / "drums-tiny", folder)
    weights = folder / "weights.safetensors"
    weights.write_bytes(weights.read_bytes()[:60])
    with pytest.raises(CheckpointError, match="broken"):
        ModelRegistry([tmp_path]).load(folder, "cpu")
    shutil.copytree(drum_models / "drums-tiny", tmp_path / "wrong")
    config = (tmp_path / "wrong" / "config.json")
    config.write_text(config.read_text().replace('"size": ', '"size": 1', 1))
    with pytest.raises(CheckpointError, match="does not describe a drum model"):
        ModelRegistry([tmp_path]).load(tmp_path / "wrong", "cpu")


def test_musicstudio_train_drums_writes_a_model_whose_codec_the_backend_rebuilds(tmp_path):
    import json

    from musicstudio.generators.training.command import main as train_main

    grooves = tmp_path / "grooves.json"
    grooves.write_text(json.dumps(records(bars=8)))
    small = ["--set", "model.hidden=8", "--set", "model.embed=4", "--set", "model.layers=1", "--set", "epochs=1"]
    out = tmp_path / "drums-cli"
    assert train_main(["drums", "--config", "drums", "--out", str(out), "--set", f"grooves={grooves}", *small,
                       "--quiet"]) == 0
    config = json.loads((out / "config.json").read_text())
    assert config["trained_on"] == ["mma"] and config["backend"] == "drums"
    assert backend_named("drums").codec(config).vocabulary() == config["codec"]
    assert train_main(["drums", "--config", "drums", "--out", str(tmp_path / "x"), "--set",
                       f"grooves={tmp_path / 'none.json'}", "--quiet"]) == 3
