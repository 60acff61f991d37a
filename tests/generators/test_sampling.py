"""Temperature, top-p and masks shape the next-token distribution as documented; sampling is reproducible."""

import numpy as np
import pytest

from musicstudio.generators.sampling import sample, shaped

LOG_P = np.log(np.array([[0.5, 0.3, 0.15, 0.05]]))


def test_temperature_one_keeps_the_distribution():
    assert np.allclose(shaped(LOG_P), [[0.5, 0.3, 0.15, 0.05]])


def test_low_temperature_sharpens_and_high_flattens():
    cold, hot = shaped(LOG_P, temperature=0.3)[0], shaped(LOG_P, temperature=3.0)[0]
    assert cold[0] > 0.5 and hot[0] < 0.5
    assert np.allclose(cold.sum(), 1) and np.allclose(hot.sum(), 1)


def test_top_p_keeps_the_smallest_set_reaching_p():
    p = shaped(LOG_P, top_p=0.7)[0]
    assert p[2] == 0 and p[3] == 0
    assert np.allclose(p[:2], [0.5 / 0.8, 0.3 / 0.8])
    assert shaped(LOG_P, top_p=0.1)[0][0] == 1.0  # the top token always stays


def test_masked_tokens_are_never_drawn():
    allowed = np.array([False, True, False, True])
    p = shaped(LOG_P, allowed=allowed)
    assert p[0, 0] == 0 and p[0, 2] == 0
    draws = sample(np.repeat(p, 1000, axis=0), np.random.default_rng(0))
    assert set(draws.tolist()) <= {1, 3}


def test_a_row_with_nothing_allowed_keeps_its_distribution():
    p = shaped(LOG_P, allowed=np.zeros(4, bool))
    assert np.allclose(p, [[0.5, 0.3, 0.15, 0.05]])


def test_one_mask_for_every_row_is_each_row_given_it_and_a_row_with_nothing_allowed_stays_whole():
    log_p = np.log(np.array([[0.5, 0.3, 0.15, 0.05], [0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25]]))
    given = log_p.copy()
    allowed = np.array([True, False, True, True])
    once = shaped(log_p, allowed=allowed)
    assert np.array_equal(once, shaped(log_p, allowed=np.tile(allowed, (3, 1))))
    assert (once[:, 1] == 0).all() and np.allclose(once.sum(axis=1), 1)
    rows = np.tile(allowed, (3, 1))
    rows[1] = False                       # the middle row allows nothing: it keeps its distribution
    mixed = shaped(log_p, allowed=rows)
    assert np.array_equal(mixed[[0, 2]], once[[0, 2]]) and np.allclose(mixed[1], [0.1, 0.2, 0.3, 0.4])
    assert np.array_equal(log_p, given)  # the caller's log-probabilities are left as they were


def test_sampling_follows_the_probabilities_and_repeats_with_the_seed():
    probs = np.repeat(np.array([[0.7, 0.2, 0.1]]), 20000, axis=0)
    a = sample(probs, np.random.default_rng(5))
    assert np.array_equal(a, sample(probs, np.random.default_rng(5)))
    assert np.bincount(a, minlength=3) / len(a) == pytest.approx([0.7, 0.2, 0.1], abs=0.02)


def test_a_row_that_is_not_a_distribution_is_refused_instead_of_drawing_token_0():
    from musicstudio.generators.watchdog import InvalidProbabilities

    rng = np.random.default_rng(0)
    for bad in (np.full((2, 5), np.nan), np.array([[0.2, 0.8, 0, 0, 0], [0.0, 0, 0, 0, 0]]),
                np.array([[np.inf, 0, 0, 0, 0]])):
        with pytest.raises(InvalidProbabilities, match="invalid probabilities"):
            sample(bad, rng)
    assert sample(np.array([[0.0, 1.0, 0, 0, 0]]), rng).tolist() == [1]
