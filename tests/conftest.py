"""Shared test set-up. Qt must never look for a display: offscreen is set before anything loads Qt."""

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from musicstudio.core.examples import four_voice_song as make_four_voice_song  # noqa: E402
from musicstudio.core.song import Song  # noqa: E402

# The test that is running, for `make test` to name when the process dies of a signal: a native crash
# prints only the threads' stacks, and CI keeps just the tail of the output. Gone after a normal end.
RUNNING = Path(__file__).resolve().parent.parent / ".pytest-running"


def pytest_runtest_logstart(nodeid, location):
    RUNNING.write_text(nodeid + "\n")


def pytest_sessionfinish(session, exitstatus):
    RUNNING.unlink(missing_ok=True)


@pytest.fixture
def four_voice_song() -> Song:
    """16 bars, four voices, 120 BPM: 256 notes."""
    return make_four_voice_song()


@pytest.fixture(scope="session")
def tiny_corpus_dir(tmp_path_factory):
    """Cache folder of the first 100 Essen folk tunes (about 15 s to build), for generator and UI tests."""
    from musicstudio.generators.corpus import build_corpus, load_corpus

    cache = tmp_path_factory.mktemp("tiny_corpus")
    build_corpus(cache, collections=("essenFolksong",), processes=1, limit=100, progress=False)
    essen = load_corpus(cache).manifest
    if not {p.split for p in essen.pieces} >= {"train", "valid", "test"}:
        pytest.fail("the tiny corpus lacks a split: raise the limit")
    return cache


@pytest.fixture(scope="session")
def tiny_corpus(tiny_corpus_dir):
    from musicstudio.generators.corpus import load_corpus

    return load_corpus(tiny_corpus_dir)


@pytest.fixture(scope="session")
def tiny_vae_models(tmp_path_factory, tiny_corpus_dir):
    """A models folder holding ``vae-tiny``, trained once by the train command (about 30 s); tests that
    damage or change a model copy it first."""
    from musicstudio.generators.training.command import main as train_main

    root = tmp_path_factory.mktemp("vae_models")
    assert train_main(["vae", "--config", "vae-tiny", "--out", str(root / "vae-tiny"), "--corpus",
                       str(tiny_corpus_dir), "--quiet"]) == 0
    return root


@pytest.fixture
def umask_022():
    """The common umask for the test (files should come out 0644), the process's own restored after."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture(scope="session")
def soundfont():
    """The General MIDI SoundFont pretty_midi ships (TimGM6mb.sf2): the sound every render test hears."""
    from musicstudio.audio.soundfont import bundled_soundfont

    sf = bundled_soundfont()
    assert sf is not None, "pretty_midi's TimGM6mb.sf2 should be installed"
    return sf


def made_up_poly_cache(path):
    """A piece cache (:mod:`musicstudio.generators.vae_poly.data`) of made-up pieces whose 2-bar phrases differ
    in chord size (1-4 notes) and rhythm (a chord every 2, 4 or 8 steps), in 4/4, 3/4 and 6/8."""
    import numpy as np

    from musicstudio.generators.codecs.grid import steps_in_bar
    from musicstudio.generators.vae_poly.data import write_cache

    rng = np.random.default_rng(0)
    rows, arrays = [], {}
    for k in range(40):
        meter = [(4, 4), (3, 4), (6, 8)][k % 3]
        phrase = 2 * steps_in_bar(meter)
        notes = []
        for p in range(8):
            size, every, root = rng.integers(1, 5), [2, 4, 8][rng.integers(3)], 48 + 5 * rng.integers(0, 2)
            for t in range(0, phrase, every):
                notes += [(root + 4 * v + (t // every) % 2 * 2, p * phrase + t, every) for v in range(size)]
        key = f"p{k}"
        arrays[key] = np.asarray(notes, np.int32)
        split = "test" if k % 10 == 9 else "valid" if k % 10 == 8 else "train"
        rows.append({"key": key, "id": f"made-up/{k}", "collection": "made-up", "meter": list(meter),
                     "segments": [[0, 8 * phrase, *meter]], "split": split, "notes": len(notes)})
    write_cache(path, rows, arrays)
    return path


@pytest.fixture(scope="session")
def tiny_poly_models(tmp_path_factory):
    """A models folder holding ``vae-poly-tiny``, a polyphonic VAE trained once (a few seconds) on
    :func:`made_up_poly_cache`; tests that damage or change it copy it first."""
    from musicstudio.generators.vae_poly.configs import CONFIGS
    from musicstudio.generators.vae_poly.training import train_model

    root = tmp_path_factory.mktemp("poly_models")
    cache = made_up_poly_cache(root / "cache.npz")
    train_model(CONFIGS["vae-poly-tiny"], root / "vae-poly-tiny", cache, log=lambda m: None, name="vae-poly-tiny")
    return root


@pytest.fixture(scope="session")
def tiny_harmonizer(tmp_path_factory):
    """A harmonizer model folder with an untrained tiny network (name: harmonizer-tiny), for the
    harmonizer's generator tests and the app's Harmonize tests."""
    import torch

    from musicstudio.generators.checkpoint import save_tensors, write_config
    from musicstudio.generators.harmonizer.model import HarmonizerConfig, HarmonizerNet
    from musicstudio.generators.harmonizer.voices import CODEC

    folder = tmp_path_factory.mktemp("models") / "harmonizer-tiny"
    folder.mkdir()
    torch.manual_seed(0)
    network = HarmonizerConfig(hidden=16, blocks=2, dilations=(1, 2), dropout=0.0)
    save_tensors(folder, HarmonizerNet(network).state_dict())
    write_config(folder, "harmonizer", network.to_dict(), CODEC.vocabulary(), name="harmonizer-tiny",
                 trained_on=["bach"], ranges=[[60, 81], [53, 74], [48, 69], [36, 62]],
                 decoding={"gibbs_steps": 4, "variation_steps": 3})
    return folder
