"""Conditioning a take on the seed's bar pattern: the cycle copied, the copy distribution, the mixture,
and the generator holding the seed's groove when asked to repeat it fully."""

import numpy as np
import pytest
from drum_fixture import WALTZ, pattern_notes

from musicstudio.core.clip import Clip
from musicstudio.generators.drums.pattern import copy_distribution, cycle_steps, mixed, repeat_weight
from musicstudio.generators.interface import GenerationRequest
from musicstudio.generators.registry import ModelRegistry


def test_the_cycle_is_the_seeds_whole_bars_up_to_four_in_powers_of_two():
    assert cycle_steps(48, 12) == 48 and cycle_steps(64, 16) == 64
    assert cycle_steps(36, 12) == 24              # three bars repeat every two
    assert cycle_steps(12 * 9 + 5, 12) == 48      # a long seed repeats its last four bars
    assert cycle_steps(12, 12) == 12 and cycle_steps(11, 12) == 0


def test_the_copy_distribution_is_the_share_of_earlier_cycles_hitting_each_token():
    history = np.array([[1, 2, 1, 3, 1, 2, 0, 0],
                        [4, 4, 4, 4, 4, 4, 0, 0]])
    copy = copy_distribution(history, 6, 2, 5)
    assert np.allclose(copy[0], [0, 1, 0, 0, 0])                # steps 4, 2, 0 all hit token 1
    assert np.allclose(copy[1], [0, 0, 0, 0, 1])
    assert np.allclose(copy_distribution(history, 7, 2, 5)[0], [0, 0, 2 / 3, 1 / 3, 0])
    assert not copy_distribution(history, 1, 2, 5).any()          # nothing a cycle back yet


def test_the_mixture_leaves_the_model_alone_at_zero_and_copies_at_one():
    log_p = np.log(np.array([[0.5, 0.25, 0.25]]))
    copy = np.array([[0.0, 0.0, 1.0]])
    assert np.array_equal(mixed(log_p, copy, 0.0), log_p)
    assert np.allclose(np.exp(mixed(log_p, copy, 1.0)), copy)
    assert np.allclose(np.exp(mixed(log_p, copy, 0.5)), [[0.25, 0.125, 0.625]])
    assert np.array_equal(mixed(log_p, np.zeros_like(copy), 0.5), log_p)


def test_repeat_must_be_a_weight():
    assert repeat_weight({"repeat": 0.3}) == 0.3 and 0 < repeat_weight({}) < 1
    with pytest.raises(ValueError, match="repeat"):
        repeat_weight({"repeat": 1.5})


def test_a_full_repeat_continues_a_two_bar_groove_exactly_and_none_leaves_the_model_free(drum_models):
    generator = ModelRegistry([drum_models]).load("drums-tiny", "cpu")
    other = {**WALTZ, 46: "..........x."}                  # every other bar closes with an open hat
    bars = [pattern_notes(WALTZ if b % 2 == 0 else other, 12, 1) for b in range(6)]
    notes = tuple(n.moved_by(b * 1440) for b, bar in enumerate(bars) for n in bar)
    seed, truth = notes[:len([n for n in notes if n.start < 4 * 1440])], notes
    request = GenerationRequest(seed=Clip(seed, 4 * 1440), bars=2, variations=3, meter=(3, 4), temperature=1.5,
                                options={"repeat": 1.0})
    expected = sorted((n.pitch, n.start - 4 * 1440) for n in truth if n.start >= 4 * 1440)
    for take in generator.generate(request):
        assert sorted((n.pitch, n.start) for n in take.notes) == expected
    free = GenerationRequest(seed=Clip(seed, 4 * 1440), bars=2, variations=8, meter=(3, 4), temperature=1.5,
                             options={"repeat": 0.0})
    assert any(sorted((n.pitch, n.start) for n in t.notes) != expected for t in generator.generate(free))


def test_vary_gives_the_groove_back_at_amount_zero_and_strays_at_one(drum_models):
    generator = ModelRegistry([drum_models]).load("drums-tiny", "cpu")
    groove = tuple(pattern_notes({**WALTZ, 46: "..........x."}, 12, 3))
    def ask(amount, variations=3):
        return GenerationRequest(seed=Clip(groove, 3 * 1440 - 200), bars=1, variations=variations, meter=(3, 4),
                                 temperature=1.5, options={"amount": amount})
    same = generator.vary(ask(0.0))
    assert len(same) == 3
    for take in same:
        assert take.length == 3 * 1440                                  # the groove's bars, the last completed
        assert sorted((n.pitch, n.start) for n in take.notes) == sorted((n.pitch, n.start) for n in groove)
    free = generator.vary(ask(1.0, 8))
    assert all(t.length == 3 * 1440 for t in free)
    assert any(sorted((n.pitch, n.start) for n in t.notes) != sorted((n.pitch, n.start) for n in groove)
               for t in free)
    assert generator.vary(ask(0.5)) == generator.vary(ask(0.5))           # reproducible
    with pytest.raises(ValueError, match="amount"):
        generator.vary(ask(-0.1))
