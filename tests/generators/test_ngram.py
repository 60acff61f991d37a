"""The n-gram model: distributions sum to one, smoothing leaves nothing impossible, counts round-trip."""

import numpy as np
import pytest

from musicstudio.generators.markov.ngram import NGramModel

RNG = np.random.default_rng(0)
SEQUENCES = [RNG.integers(0, 6, size=300) for _ in range(10)] + [np.array([0, 1, 2, 3, 4, 5] * 50)]


@pytest.fixture(scope="module")
def model():
    return NGramModel.fit(SEQUENCES, vocab=6, order=4)


def test_every_distribution_sums_to_one_and_has_no_zero(model):
    contexts = np.array([[6, 6, 6], [0, 1, 2], [5, 5, 5], [3, 3, 1]])
    p = model.distribution(contexts)
    assert np.allclose(p.sum(axis=1), 1)
    assert (p > 0).all()


def test_a_pattern_seen_often_is_predicted(model):
    p = model.distribution(np.array([[1, 2, 3]]))[0]
    assert p.argmax() == 4 and p[4] > 0.5


def test_score_is_the_log_probability_of_each_token(model):
    seq = np.array([0, 1, 2, 3, 4, 5, 0, 1])
    log_p, top = model.score(seq)
    contexts = model.contexts_of(seq)
    expected = np.log(model.distribution(contexts)[np.arange(len(seq)), seq])
    assert np.allclose(log_p, expected)
    assert top[3:].all()


def test_higher_orders_fit_the_pattern_better():
    pattern = [np.array([0, 1, 2, 3, 4, 5] * 50)]
    ce = [-NGramModel.fit(pattern, 6, k).score(pattern[0][:60])[0].mean() for k in (1, 2, 3)]
    assert ce[0] > ce[1] > ce[2]


def test_pruning_keeps_distributions_normalized():
    pruned = NGramModel.fit(SEQUENCES, vocab=6, order=4, min_count=3)
    full = NGramModel.fit(SEQUENCES, vocab=6, order=4)
    assert sum(len(k) for k in pruned.keys) < sum(len(k) for k in full.keys)
    assert np.allclose(pruned.distribution(np.array([[2, 0, 4], [6, 6, 1]])).sum(axis=1), 1)


def test_arrays_round_trip(model):
    again = NGramModel.from_arrays(model.arrays(), 6, 4, model.discount)
    contexts = np.array([[6, 6, 0], [1, 2, 3], [4, 4, 4]])
    assert np.allclose(again.distribution(contexts), model.distribution(contexts))


def test_damaged_arrays_are_refused(model):
    arrays = dict(model.arrays())
    arrays["keys.2"] = arrays["keys.2"][::-1].copy()
    with pytest.raises(ValueError, match="damaged"):
        NGramModel.from_arrays(arrays, 6, 4, 0.75)


def test_tokens_outside_the_vocabulary_and_overlong_orders_are_refused():
    with pytest.raises(ValueError, match="outside"):
        NGramModel.fit([np.array([0, 7])], vocab=6, order=2)
    with pytest.raises(ValueError, match="64 bits"):
        NGramModel.fit([np.array([0, 1])], vocab=300, order=9)
