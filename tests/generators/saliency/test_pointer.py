"""Copy attribution: the shares of what a copy cache adds to a take's log-likelihood add up to it, the places
that pointed at the take's token get the credit and the others pay for pointing elsewhere, the credit reaches
the seed's copied tokens, and with the shipped infill model the likelihood explained is the one it scores gaps
with."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.copy_cache import CopyCache, copy_statistics, mixed_log_probs
from musicstudio.generators.interface import BAR
from musicstudio.generators.registry import ModelRegistry
from musicstudio.generators.saliency.pointer import copy_scores, place_shares
from musicstudio.generators.saliency.saliency import attribute

SHIPPED = Path(__file__).resolve().parents[3] / "models"
STEPS = np.ones(8, np.int64)      # every toy token one step
CACHE = CopyCache(min_match=2, aligned=False, weight=0.5, per_token=0.1, max_weight=0.9)


@pytest.mark.parametrize("p_net, w, hits", [(0.1, 0.5, [1, 0, 0]), (0.9, 0.3, [0, 0, 1, 1]), (0.5, 0.9, [1, 0]),
                                            (0.2, 0.4, [0, 0])])
def test_the_shares_add_up_to_what_the_cache_adds_and_pointing_elsewhere_costs(p_net, w, hits):
    hits = np.array(hits, np.float64)
    delta = float(np.log((1 - w) * p_net + w * hits.mean()) - np.log(p_net))
    shares = place_shares(delta, p_net, w, hits)
    assert shares.sum() == pytest.approx(delta)
    assert np.all(shares[hits == 1] > 0) and np.all(shares[hits == 0] < 0)


def test_when_the_cache_agrees_with_the_network_the_shares_are_its_gradient():
    shares = place_shares(0.0, 0.5, 0.4, np.array([1.0, 0.0]))     # p_copy = p_net: nothing added
    assert shares.sum() == pytest.approx(0.0) and shares[0] > 0 > shares[1]


def test_the_copied_bar_gets_the_credit_and_the_scores_add_up_to_what_the_cache_adds():
    seed = np.array([1, 2, 3, 4, 5, 6, 7, 0, 6, 6, 5, 5])      # bar A, then two bars it does not repeat in
    take = np.array([1, 2, 3, 4])                               # the take repeats bar A
    net = np.log(np.full(len(take), 0.2))
    scores, gain = copy_scores(CACHE, [seed], take, net, STEPS, 4)
    mixed = mixed_log_probs(CACHE, net, copy_statistics([seed], take, STEPS, 4, CACHE.aligned))
    assert gain == pytest.approx(float((mixed - net).sum())) and gain > 0
    assert scores.sum() == pytest.approx(gain)                  # no place in the take itself was a candidate
    assert np.all(scores[:4] > 0) and np.all(scores[4:] == 0)   # 1 2 -> 3, 1 2 3 -> 4: bar A's tokens


def test_a_cache_pointing_elsewhere_takes_credit_from_the_place_it_pointed_at():
    seed = np.array([1, 2, 3, 6, 6, 1, 2, 4])
    scores, gain = copy_scores(CACHE, [seed], np.array([1, 2, 3]), np.log(np.full(3, 0.8)), STEPS, 4)
    assert gain < 0                                  # after 1 2 the cache says 3 or 4; 3 comes, p drops
    assert scores[2] > 0 > scores[7]                 # the 3 it copied from gains, the 4 pays


def test_the_infill_model_s_copy_counts_and_its_likelihood_is_the_one_it_scores_gaps_with():
    infill = ModelRegistry([SHIPPED]).load("infill", "cpu")
    bar = (Note(67, 0, BAR // 4, 90), Note(72, BAR // 4, BAR // 4, 90), Note(71, BAR // 2, BAR // 4, 90),
           Note(69, 3 * BAR // 4, BAR // 4, 90))
    others = tuple(Note(62 + (i % 3) * 2, BAR + i * BAR // 8, BAR // 8, 90) for i in range(24))
    seed, take = Clip(bar + others, 4 * BAR), Clip(bar, BAR)    # the take repeats the first bar
    s = attribute(infill, seed, take, (4, 4))
    assert s.method == "ig+copy" and len(s.copy_scores) == len(seed.notes)
    copied = np.array(s.copy_scores)
    assert copied[:4].min() > 0 and copied[:4].mean() > copied[4:].mean()
    assert np.mean(s.scores[:4]) > np.mean(s.scores[4:])
    plain = attribute(infill, seed, take, (4, 4), method="ig")
    assert plain.method == "ig" and np.allclose(np.array(s.scores) - copied, plain.scores, atol=1e-6)
    gap = infill.gap_log_probs(seed, None, take, (4, 4))
    assert s.log_likelihood == pytest.approx(float(gap.sum()), abs=1e-3)
    network = copy.copy(infill)
    network.cache = None
    alone = network.gap_log_probs(seed, None, take, (4, 4))
    assert s.copy_gain > 0 and s.log_likelihood - s.copy_gain == pytest.approx(float(alone.sum()), abs=1e-3)


def test_a_model_without_a_cache_answers_with_the_plain_method():
    lstm = ModelRegistry([SHIPPED]).load("lstm-member-1", "cpu")      # its config has no decoding section
    seed = Clip(tuple(Note(60 + i % 5, i * BAR // 4, BAR // 4, 90) for i in range(8)), 2 * BAR)
    s = attribute(lstm, seed, Clip(seed.notes[:4], BAR), (4, 4), method="gradxinput+copy")
    assert s.method == "gradxinput" and s.copy_scores == ()
