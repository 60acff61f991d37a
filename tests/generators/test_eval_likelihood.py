"""Cross-entropy, perplexity, per-note likelihood and accuracies from per-step log-probabilities."""

import math

import numpy as np
import pytest

from musicstudio.generators.evaluation import likelihood as lk

# Two note onsets (p = 1/2 and 1/4) and two hold steps the model was sure of: 3 bits in all.
LOG_PROBS = np.log([0.5, 0.25, 1.0, 1.0])
ONSETS = np.array([True, True, False, False])


def test_cross_entropy_in_nats_and_bits_and_perplexity_is_its_exponential():
    ce = lk.cross_entropy(LOG_PROBS)
    assert ce == pytest.approx(3 * math.log(2) / 4)
    assert lk.nats_to_bits(ce) == pytest.approx(0.75)
    assert lk.perplexity(LOG_PROBS) == pytest.approx(math.exp(ce)) == pytest.approx(2 ** 0.75)
    assert lk.perplexity(np.full(10, -math.log(130))) == pytest.approx(130)   # uniform over 130 tokens


def test_report_per_step_per_note_onsets_and_holds():
    report = lk.likelihood_report(LOG_PROBS, ONSETS, correct=[False, True, True, True])
    assert report["steps"] == 4 and report["notes"] == 2
    assert report["ce_bits_per_step"] == pytest.approx(0.75)
    assert report["nll_bits_per_note"] == pytest.approx(1.5)
    assert report["nll_nats_per_note"] == pytest.approx(1.5 * math.log(2))
    assert report["ce_nats_onset_steps"] == pytest.approx(1.5 * math.log(2))
    assert report["ce_nats_hold_steps"] == 0.0
    assert report["hold_share"] == 0.5
    # the easy hold steps lift per-step accuracy above what the model does on notes
    assert report["accuracy"] == 0.75 and report["onset_accuracy"] == 0.5 and report["hold_accuracy"] == 1.0


def test_padding_is_left_out():
    log_probs = np.concatenate([LOG_PROBS, [-50.0, -50.0]])
    onsets = np.concatenate([ONSETS, [True, False]])
    valid = [True] * 4 + [False, False]
    report = lk.likelihood_report(log_probs, onsets, valid=valid)
    assert report["steps"] == 4 and report["ce_bits_per_step"] == pytest.approx(0.75)
    assert "accuracy" not in report


def test_batches_of_any_shape_and_bad_masks():
    assert lk.cross_entropy(LOG_PROBS.reshape(2, 2), ONSETS.reshape(2, 2)) == pytest.approx(1.5 * math.log(2))
    with pytest.raises(ValueError):
        lk.cross_entropy(LOG_PROBS, [True, False])
    assert math.isnan(lk.cross_entropy(LOG_PROBS, np.zeros(4, dtype=bool)))
    assert lk.perplexity([-1000.0]) == math.inf


def test_mean_squared_error_for_continuous_heads():
    assert lk.mse([1.0, 2.0, 3.0], [1.0, 2.0, 5.0]) == pytest.approx(4 / 3)
    assert lk.mse([1.0, 2.0, 3.0], [1.0, 2.0, 5.0], mask=[True, True, False]) == 0.0
    assert lk.mse(np.ones((2, 3)), np.zeros((2, 3)), mask=[True, False]) == 1.0
    with pytest.raises(ValueError):
        lk.mse([1.0], [1.0, 2.0])
