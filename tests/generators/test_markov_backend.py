"""The Markov baseline end to end: trained by the train command, listed, loaded by name, generating
takes that honour the request, evaluated by the eval command; damaged checkpoints give clear errors."""

import json

import numpy as np
import pytest
from tiny_models import NO_WEIGHTS, NOT_JSON, TRUNCATED, load_damaged, train_tiny

from musicstudio.core.clip import Clip
from musicstudio.core.key import Key
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.generators.checkpoint import CheckpointError
from musicstudio.generators.evaluate import main as eval_main
from musicstudio.generators.interface import BAR, CancelToken, GenerationCancelled, GenerationRequest
from musicstudio.generators.registry import ModelRegistry, find_models
from musicstudio.io.midi_write import export_midi

SEED = Clip(tuple(Note(p, i * 240, 240, 80) for i, p in enumerate([60, 62, 64, 65, 67, 65, 64, 62] * 2)), 2 * BAR)


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory, tiny_corpus_dir):
    # the tiny corpus is Essen's: markov-events, licence-clean, trains on O'Neill's and Ryan's unless told
    return train_tiny(tmp_path_factory, tiny_corpus_dir, "markov", "markov-tiny", "markov-events",
                      extra=("--set", "data.limit=40", "--set", "data.collections=null"))


@pytest.fixture(scope="module")
def registry(models_dir):
    return ModelRegistry([models_dir])


def test_models_are_listed_with_their_cards(models_dir):
    models, problems = find_models([models_dir])
    assert {m.name for m in models} == {"markov-tiny", "markov-events"} and not problems
    info = next(m for m in models if m.name == "markov-events")
    assert info.backend == "markov" and info.codec == "events" and info.size_bytes > 0
    assert "n-gram" in info.summary


@pytest.mark.parametrize("name", ["markov-tiny", "markov-events"])
def test_generation_honours_bars_variations_key_and_range(registry, name):
    generator = registry.load(name, "cpu")
    request = GenerationRequest(seed=SEED, bars=4, variations=3, random_seed=3, key=Key(-1, False),
                                pitch_range=(57, 76))
    takes = generator.generate(request)
    assert len(takes) == 3 and [t.variation for t in takes] == [0, 1, 2]
    notes = [n for t in takes for n in t.notes]
    assert notes, "three takes of four bars without a note"
    assert all(Key(-1, False).contains(n.pitch) and 57 <= n.pitch <= 76 for n in notes)
    assert all(0 <= n.start and n.end <= 4 * BAR for n in notes)
    assert all(t.length == 4 * BAR and t.backend == "markov" and t.model == name for t in takes)
    assert takes[0].record()["random_seed"] == 3


def test_the_same_request_gives_the_same_takes_and_another_seed_others(registry):
    generator = registry.load("markov-tiny", "cpu")
    request = GenerationRequest(seed=SEED, bars=4, variations=2, random_seed=11)
    assert generator.generate(request) == generator.generate(request)
    other = generator.generate(GenerationRequest(seed=SEED, bars=4, variations=2, random_seed=12))
    assert [t.notes for t in other] != [t.notes for t in generator.generate(request)]


def test_an_empty_seed_and_a_seed_out_of_the_melody_range_work(registry):
    generator = registry.load("markov-tiny", "cpu")
    assert generator.generate(GenerationRequest(seed=Clip((), 0), bars=2, variations=1))[0].length == 2 * BAR
    low = Clip(tuple(n._replace(pitch=n.pitch - 36) for n in SEED.notes), SEED.length)  # below 48..84
    takes = generator.generate(GenerationRequest(seed=low, bars=2, variations=2, random_seed=1))
    pitches = [n.pitch for t in takes for n in t.notes]
    assert pitches and max(pitches) < 60  # continued in the seed's octave


def test_progress_is_reported_and_cancel_is_honoured(registry):
    generator = registry.load("markov-events", "cpu")
    seen = []
    generator.generate(GenerationRequest(seed=SEED, bars=2, variations=2), progress=seen.append)
    assert seen[-1] == 1.0 and seen == sorted(seen)
    token = CancelToken()

    def cancel_midway(done):
        if done > 0.3:
            token.cancel()

    with pytest.raises(GenerationCancelled):
        generator.generate(GenerationRequest(seed=SEED, bars=8, variations=2), progress=cancel_midway,
                           cancel=token)


def test_models_are_loaded_once_and_cached(registry):
    assert registry.load("markov-tiny", "cpu") is registry.load("markov-tiny", "cpu")


def test_the_likelihood_is_scored_per_token(registry, tiny_corpus):
    generator = registry.load("markov-events", "cpu")
    piece = next(tiny_corpus.pieces("test"))
    tokens = generator.phrases.codec.encode(piece.notes)
    log_p, top = generator.score(tokens)
    assert log_p.shape == tokens.shape and (log_p < 0).all() and top.dtype == bool


@pytest.mark.parametrize("damage, words", [
    TRUNCATED, NO_WEIGHTS, NOT_JSON,
    (lambda f: (f / "config.json").write_text(json.dumps({**json.loads((f / "config.json").read_text()),
                                                           "model": {"order": 9}})), "does not fit"),
])
def test_a_damaged_checkpoint_names_the_file(models_dir, tmp_path, damage, words):
    load_damaged(models_dir, "markov-tiny", tmp_path, damage, words)


def test_an_unknown_model_name_lists_the_installed_ones(registry):
    with pytest.raises(CheckpointError, match="markov-tiny"):
        registry.load("no-such-model", "cpu")


@pytest.fixture
def held_out_folder(tmp_path):
    """Five 12-bar tunes as MIDI files (any folder of MIDI files can be the held-out set)."""
    folder = tmp_path / "held_out"
    folder.mkdir()
    scale = [60, 62, 64, 65, 67, 69, 71, 72]
    for k in range(5):
        notes = tuple(Note(scale[(i * (k + 1)) % 8], i * 480, 480, 90) for i in range(48))
        export_midi(Song((Track("Tune", 0, False, notes),)), folder / f"tune{k}.mid")
    return folder


def test_eval_writes_json_markdown_and_pictures(models_dir, tiny_corpus_dir, tmp_path, monkeypatch,
                                                held_out_folder):
    monkeypatch.setattr("musicstudio.generators.registry.default_folders", lambda: [models_dir])
    out = tmp_path / "report"
    assert eval_main(["markov-tiny", "--corpus", str(tiny_corpus_dir), "--out", str(out), "--samples", "4",
                      "--free", "3", "--no-audio", "--data", str(held_out_folder)]) == 0
    report = json.loads((out / "markov-tiny.json").read_text())["metrics"]
    lk = report["likelihood"]
    assert lk["ce_nats_per_step"] > 0 and 0 <= lk["onset_accuracy"] <= 1
    assert np.isclose(lk["ce_bits_per_step"], lk["ce_nats_per_step"] / np.log(2))
    assert report["continuations"]["seeds"] == 4
    assert 0 <= report["continuations"]["mean_overlap_area"] <= 1
    assert report["novelty"]["samples"] == report["continuations"]["seeds"]
    locked = report["constraints"]
    assert locked["requests"] == 4 and locked["pitches"] > 0
    assert locked["in_scale_share"] == 1.0 and locked["in_range_share"] == 1.0
    assert locked["identical_when_repeated"] == "4/4"
    assert {p.name for p in out.glob("*.png")} >= {"sample.png", "histograms.png", "loss.png"}
    assert "## Pictures" in (out / "markov-tiny.md").read_text()


def test_eval_of_a_missing_model_is_bad_input(capsys, tmp_path):
    assert eval_main([str(tmp_path / "nothing")]) == 3
    assert "no model of that name" in capsys.readouterr().err


def test_eval_with_no_long_phrases_still_reports(models_dir, tiny_corpus_dir, tmp_path, monkeypatch):
    monkeypatch.setattr("musicstudio.generators.registry.default_folders", lambda: [models_dir])
    out = tmp_path / "short"
    assert eval_main(["markov-tiny", "--corpus", str(tiny_corpus_dir), "--out", str(out), "--samples", "4",
                      "--free", "2", "--no-audio", "--data", "valid"]) == 0
    report = json.loads((out / "markov-tiny.json").read_text())["metrics"]
    assert report["likelihood"]["steps"] > 0


def test_the_models_command_names_each_models_licence(models_dir, capsys):
    """Issue 17: `musicstudio models` says under each model what its training data allows."""
    from musicstudio.generators.models_command import main as models_main

    assert models_main(["--dir", str(models_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    listed = [k for k, line in enumerate(lines) if line.split()[:1] in (["markov-tiny"], ["markov-events"])]
    assert len(listed) == 2
    assert all(lines[k + 1].split()[0] == "licence:" for k in listed)
    assert all(lines[k].split()[5] == "cpu" for k in listed)    # n-gram counts run on the CPU, GPU or not


def test_the_models_command_says_where_each_model_runs(models_dir, capsys, monkeypatch):
    """Issue 25: with a GPU (faked), torch models run on it and the Markov family still on the CPU."""
    from musicstudio.generators.models_command import main as models_main

    monkeypatch.setattr("musicstudio.generators.devices.pick_device", lambda wanted="auto": "cuda")
    assert models_main(["--dir", str(models_dir)]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines() if not line.startswith(" ")]
    devices = {row[0]: row[5] for row in rows}
    assert devices["markov-tiny"] == "cpu"
    assert {d for name, d in devices.items() if not name.startswith("markov")} <= {"cuda"}
