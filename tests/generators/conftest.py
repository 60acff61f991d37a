"""A tiny corpus for generator tests: the first tunes of the Essen collection, built once per session."""

import pytest

from musicstudio.generators.corpus import build_corpus, load_corpus


@pytest.fixture(scope="session")
def tiny_corpus_dir(tmp_path_factory):
    """Cache folder of the first 100 Essen folk tunes (about 15 s to build)."""
    cache = tmp_path_factory.mktemp("tiny_corpus")
    build_corpus(cache, collections=("essenFolksong",), processes=1, limit=100, progress=False)
    essen = load_corpus(cache).manifest
    if not {p.split for p in essen.pieces} >= {"train", "valid", "test"}:
        pytest.fail("the tiny corpus lacks a split: raise the limit")
    return cache


@pytest.fixture(scope="session")
def tiny_corpus(tiny_corpus_dir):
    return load_corpus(tiny_corpus_dir)
