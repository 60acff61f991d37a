"""The LSTM backends end to end: lstm (events), lstm-notes (Soundarya et al.'s model) and lstm-ensemble,
trained tiny on the tiny corpus; the shipped models/lstm loaded by name; requests honoured (bars,
variations, key lock, pitch range), the same seed giving the same takes, cancel, damaged checkpoints."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from tiny_models import load_damaged

from musicstudio.core.clip import Clip
from musicstudio.core.key import Key
from musicstudio.core.note import Note
from musicstudio.generators.checkpoint import CheckpointError
from musicstudio.generators.interface import BAR, CancelToken, GenerationCancelled, GenerationRequest
from musicstudio.generators.lstm.ensemble import mixture_log_probs
from musicstudio.generators.registry import ModelRegistry
from musicstudio.generators.training.command import main as train_main

SHIPPED = Path(__file__).resolve().parents[2] / "models"
MELODY = Clip(tuple(Note(p, i * 240, 240, 80) for i, p in enumerate([62, 64, 65, 67, 69, 67, 65, 64] * 4)), 2 * BAR)
CHORDS = Clip(tuple(Note(p, bar * BAR + beat * 480, 480, 70) for bar in range(2) for beat in range(4)
                    for p in ((50, 57, 62, 65) if bar == 0 else (55, 59, 62, 67))), 2 * BAR)
TINY = ("lstm-tiny", "lstm-notes-tiny", "lstm-ensemble-tiny")


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory, tiny_corpus_dir):
    root = tmp_path_factory.mktemp("lstm-models")
    for backend, config in (("lstm", "lstm-tiny"), ("lstm-notes", "lstm-notes-tiny"),
                            ("lstm-ensemble", "lstm-ensemble-tiny")):
        assert train_main([backend, "--config", config, "--out", str(root / config), "--corpus",
                           str(tiny_corpus_dir), "--quiet", "--device", "cpu"]) == 0
    return root


@pytest.fixture(scope="module")
def registry(models_dir):
    return ModelRegistry([models_dir])


def test_the_shipped_lstm_loads_by_name_and_continues_a_melody_and_chords():
    generator = ModelRegistry([SHIPPED]).load("lstm", "cpu")
    assert generator.backend == "lstm" and generator.phrases.codec.size == 272
    for seed in (MELODY, CHORDS):
        takes = generator.generate(GenerationRequest(seed=seed, bars=4, variations=2, random_seed=5))
        assert len(takes) == 2 and all(t.length == 4 * BAR and t.model == "lstm" for t in takes)
        notes = [n for t in takes for n in t.notes]
        assert notes and all(0 <= n.start and n.end <= 4 * BAR for n in notes)


def test_the_shipped_ensemble_lists_shipped_members():
    config = json.loads((SHIPPED / "lstm-ensemble" / "config.json").read_text())
    assert config["backend"] == "lstm-ensemble" and len(config["model"]["members"]) >= 2
    assert all((SHIPPED / m / "weights.safetensors").is_file() for m in config["model"]["members"])


@pytest.mark.parametrize("name", TINY)
def test_key_lock_and_pitch_range_hold_for_every_note(registry, name):
    generator = registry.load(name, "cpu")
    key = Key(-1, True)  # D minor
    for seed in (MELODY, CHORDS, Clip((), 0)):
        request = GenerationRequest(seed=seed, bars=4, variations=4, random_seed=2, key=key, pitch_range=(55, 74),
                                    temperature=1.5)
        takes = generator.generate(request)
        assert len(takes) == 4 and [t.variation for t in takes] == [0, 1, 2, 3]
        notes = [n for t in takes for n in t.notes]
        assert notes, f"{name}: four takes without a note"
        assert all(key.contains(n.pitch) and 55 <= n.pitch <= 74 for n in notes)
        assert all(0 <= n.start < n.end <= 4 * BAR for n in notes)


@pytest.mark.parametrize("name", TINY)
def test_the_same_seed_gives_the_same_takes_and_another_seed_others(registry, name):
    generator = registry.load(name, "cpu")
    request = GenerationRequest(seed=MELODY, bars=4, variations=3, random_seed=21, top_p=0.95)
    first = generator.generate(request)
    assert registry.load(name, "cpu").generate(request) == first
    assert ModelRegistry(registry.folders).load(name, "cpu").generate(request) == first  # a fresh load too
    other = generator.generate(GenerationRequest(seed=MELODY, bars=4, variations=3, random_seed=22, top_p=0.95))
    assert [t.notes for t in other] != [t.notes for t in first]


@pytest.mark.parametrize("name", TINY)
def test_progress_rises_to_one_and_cancel_stops_generation(registry, name):
    generator = registry.load(name, "cpu")
    seen = []
    generator.generate(GenerationRequest(seed=MELODY, bars=2, variations=2), progress=seen.append)
    assert seen[-1] == 1.0 and seen == sorted(seen)
    token = CancelToken()
    calls = []

    def cancel_midway(done):
        calls.append(done)
        if done > 0.2:
            token.cancel()

    with pytest.raises(GenerationCancelled):
        generator.generate(GenerationRequest(seed=MELODY, bars=16, variations=2), progress=cancel_midway,
                           cancel=token)
    assert max(calls) < 0.5  # stopped within a step or two of the request


def test_the_numpy_step_matches_the_torch_module(registry):
    generator = registry.load("lstm-tiny", "cpu")
    seed = generator.phrases.codec.encode(MELODY)
    fast = generator.begin(seed, 3)
    stepper, generator._stepper = generator._stepper, None
    try:
        slow = generator.begin(seed, 3)
        rng = np.random.default_rng(0)
        for _ in range(40):
            tokens = rng.integers(0, generator.phrases.vocab_size, 3)
            generator._stepper = stepper
            fast = generator.push(fast, tokens)
            generator._stepper = None
            slow = generator.push(slow, tokens)
            assert np.allclose(fast["log_probs"], slow["log_probs"], atol=1e-4)
    finally:
        generator._stepper = stepper


def test_the_ensemble_samples_from_the_average_of_its_members(registry):
    ensemble = registry.load("lstm-ensemble-tiny", "cpu")
    assert len(ensemble.members) == 2
    tokens = ensemble.phrases.codec.encode(MELODY)
    mixed, _ = ensemble.score(tokens)
    alone = [m.score(tokens)[0] for m in ensemble.members]
    assert np.allclose(mixed, np.log((np.exp(alone[0]) + np.exp(alone[1])) / 2), atol=1e-5)
    state = ensemble.begin(tokens, 2)
    probs = np.exp(ensemble.log_probs(state))
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    parts = [np.exp(m.log_probs(m.begin(tokens, 2))) for m in ensemble.members]
    assert np.allclose(probs, (parts[0] + parts[1]) / 2, atol=1e-5)
    assert np.allclose(mixture_log_probs([np.log(np.full(3, 1 / 3))] * 2, np.array([0.5, 0.5])), np.log(1 / 3))


def test_lstm_notes_reports_pitch_cross_entropy_and_regression_errors(registry):
    generator = registry.load("lstm-notes-tiny", "cpu")
    report = generator.likelihood([MELODY.notes, CHORDS.notes])
    assert report["notes"] == len(MELODY.notes) + len(CHORDS.notes)
    assert report["pitch_ce_nats_per_note"] > 0 and report["step_mse"] >= 0 and report["duration_mse"] >= 0
    assert np.isclose(report["pitch_ce_bits_per_note"], report["pitch_ce_nats_per_note"] / np.log(2))


def _set_model(folder: Path, **changes) -> None:
    config = json.loads((folder / "config.json").read_text())
    config["model"] = {**config["model"], **changes}
    (folder / "config.json").write_text(json.dumps(config))


@pytest.mark.parametrize("name, damage, words", [
    ("lstm-tiny", lambda f: (f / "weights.safetensors").write_bytes((f / "weights.safetensors").read_bytes()[:80]),
     "damaged or truncated"),
    ("lstm-tiny", lambda f: _set_model(f, hidden=48), "does not match|do not match|shape"),
    ("lstm-tiny", lambda f: _set_model(f, vocab=100), "vocabulary"),
    ("lstm-notes-tiny", lambda f: (f / "weights.safetensors").write_bytes(b"\x00" * 20), "damaged or truncated"),
    ("lstm-notes-tiny", lambda f: _set_model(f, colour=1), "does not describe"),
])
def test_a_damaged_checkpoint_names_the_file(models_dir, tmp_path, name, damage, words):
    load_damaged(models_dir, name, tmp_path, damage, words)


def test_an_ensemble_refuses_a_missing_or_changed_member(models_dir, tmp_path):
    root = tmp_path / "models"
    for name in ("lstm-ensemble-tiny", "lstm-tiny-1", "lstm-tiny-2"):
        shutil.copytree(models_dir / name, root / name)
    ModelRegistry([root]).load("lstm-ensemble-tiny", "cpu")  # whole, it loads
    shutil.copy(models_dir / "lstm-tiny" / "weights.safetensors", root / "lstm-tiny-2" / "weights.safetensors")
    with pytest.raises(CheckpointError, match="sha256 differs") as caught:
        ModelRegistry([root]).load("lstm-ensemble-tiny", "cpu")
    assert "lstm-tiny-2" in str(caught.value)
    shutil.rmtree(root / "lstm-tiny-2")
    with pytest.raises(CheckpointError, match="member lstm-tiny-2 is missing"):
        ModelRegistry([root]).load("lstm-ensemble-tiny", "cpu")
