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
