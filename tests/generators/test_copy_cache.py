"""The copy cache (the infill and lstm backends'), tried with the infill model: the copy distribution over a
hand-made context (longest matches, aligned to the bar's steps, never across parts), the mixture, the decoding
section of config.json (absent: takes exactly as before; damaged: refused naming the file and the value)."""

import json
from pathlib import Path

import numpy as np
import pytest
from grid_notes import quarter_line

from musicstudio.generators.checkpoint import CheckpointError
from musicstudio.generators.continuation import continue_phrase
from musicstudio.generators.copy_cache import (
    CopyCache,
    CopyStatistics,
    Matcher,
    candidate_places,
    copy_statistics,
    mixed_log_probs,
)
from musicstudio.generators.infill.backend import load
from musicstudio.generators.infill.generator import _Filling
from musicstudio.generators.interface import GenerationRequest

SHIPPED = Path(__file__).resolve().parents[2] / "models" / "infill"
# tokens 0-4 take no time, token 5 moves one step, 6 two steps
STEPS = np.array([0, 0, 0, 0, 0, 1, 2])


def test_the_copy_distribution_follows_the_longest_matches():
    m = Matcher([np.array([1, 2, 3, 1, 2, 4])], 1, STEPS, 4, aligned=False)
    longest, copy = m.copy(7)
    assert longest[0] == 0 and not copy.any()          # the history ends in 4, found nowhere before
    m.push(np.array([1]))
    longest, copy = m.copy(7)
    assert longest[0] == 1 and copy[0].tolist() == [0, 0, 1, 0, 0, 0, 0]    # 1 was followed by 2, twice
    m.push(np.array([2]))
    longest, copy = m.copy(7)
    assert longest[0] == 2 and np.allclose(copy[0], [0, 0, 0, 0.5, 0.5, 0, 0])   # 1 2 -> 3, and 1 2 -> 4
    m.push(np.array([4]))
    longest, copy = m.copy(7)      # 1 2 4 matches the end of the context: what followed is the history's 1
    assert longest[0] == 3 and copy[0].tolist() == [0, 1, 0, 0, 0, 0, 0]


def test_the_candidate_places_are_where_the_copy_distribution_points():
    m = Matcher([np.array([1, 2, 3, 1, 2, 4])], 1, STEPS, 4, aligned=False)
    for token in (1, 2):
        m.push(np.array([token]))
    longest, row, place = candidate_places(m)
    assert longest[0] == 2 and row.tolist() == [0, 0] and place.tolist() == [2, 5]   # 1 2 -> 3 and 1 2 -> 4
    assert m.src[0, place].tolist() == [3, 4]
    counts = np.bincount(m.src[0, place], minlength=7) / len(place)
    assert np.allclose(m.copy(7)[1][0], counts)


def test_a_match_never_runs_across_parts_and_each_row_has_its_own_history():
    m = Matcher([np.array([3, 1, 2]), np.array([1, 2, 0])], 2, STEPS, 4, aligned=False)
    m.push(np.array([1, 3]))
    longest, copy = m.copy(7)
    # row 0: "0 1" is nowhere; "1" is followed by 2 (after part) and 2 (before part)
    assert longest.tolist() == [1, 1] and copy[0, 2] == 1
    assert copy[1].tolist() == [0, 1, 0, 0, 0, 0, 0]     # row 1: 3 was followed by 1


def test_aligned_copies_only_from_the_same_step_of_the_bar():
    # a bar of 4 steps: 1 at step 0 then a one-step shift, 2 at step 1, a shift, 1 at step 2 then a two-step shift
    context = np.array([1, 5, 2, 5, 1, 6])
    free = Matcher([context], 1, STEPS, 4, aligned=False)
    tied = Matcher([context], 1, STEPS, 4, aligned=True)
    for m in (free, tied):
        m.push(np.array([1]))     # the history's 1 is at step 0 of the next bar, and so is the next token
    assert np.allclose(free.copy(7)[1][0], [0, 0, 0, 0, 0, 0.5, 0.5])
    longest, copy = tied.copy(7)  # only the 1 at step 0 counts: a one-step shift followed it
    assert longest[0] == 1 and copy[0].tolist() == [0, 0, 0, 0, 0, 1, 0]
    tied.push(np.array([5]))      # now at step 1: 2 followed "1 5" there
    assert tied.copy(7)[0][0] == 2 and tied.copy(7)[1][0, 2] == 1


def _places_by_definition(m: Matcher):
    """The candidates as the module docstring defines them, from each place's token, step and match length:
    no separator, and (aligned) the same step of the bar as the next token; the longest such matches."""
    n = m.n
    length = np.where(m.src[:, :n] >= 0, m.length[:, :n], 0)
    if m.aligned:
        place = m.pos[:, :n]
        length = np.where((place >= 0) & (place % m.bar == (m.at % m.bar)[:, None]), length, 0)
    longest = length.max(axis=1)
    row, place = np.nonzero((length == longest[:, None]) & (longest[:, None] > 0))
    return longest, row, place


@pytest.mark.parametrize("aligned, bar", [(True, 4), (True, 3), (False, 4)])
def test_each_places_phase_kept_as_it_grows_finds_the_candidates_of_the_definition(aligned, bar):
    """The matcher keeps each place's step of the bar as it is pushed (and -1 at the separators) rather than
    working it out again at every step: the same candidates, and the same copy distribution, as the
    definition at every step of three rows' random histories over three parts (past its first growth)."""
    rng = np.random.default_rng(bar + aligned)
    parts = [rng.integers(0, 7, size) for size in (9, 5, 12)]
    m = Matcher(parts, 3, STEPS, bar, aligned=aligned)
    found = 0
    for _ in range(90):
        longest, row, place = candidate_places(m)
        expected = _places_by_definition(m)
        assert longest.tolist() == expected[0].tolist()
        assert row.tolist() == expected[1].tolist() and place.tolist() == expected[2].tolist()
        counts = np.zeros((3, 7))
        np.add.at(counts, (row, m.src[row, place]), 1)
        assert np.array_equal(m.copy(7)[1], counts / np.maximum(counts.sum(axis=1, keepdims=True), 1))
        found += len(place)
        m.push(rng.integers(0, 7, 3))
    assert found > 90 and m.src.shape[1] > 28 + 64     # candidates were found; the source grew


def test_the_mixture_weighs_by_match_length():
    cache = CopyCache(min_match=2, weight=0.3, per_token=0.1, max_weight=0.5, aligned=False)
    assert cache.weights(np.array([0, 1, 2, 3, 9])).tolist() == [0, 0, 0.3, pytest.approx(0.4), 0.5]
    log_p = np.log(np.array([0.5, 0.25, 0.25]))
    stats = CopyStatistics(np.array([1, 2, 4]), np.array([1.0, 1.0, 0.0]))
    assert np.allclose(np.exp(mixed_log_probs(cache, log_p, stats)), [0.5, 0.7 * 0.25 + 0.3, 0.5 * 0.25])
    stats = copy_statistics([np.array([1, 2, 3])], np.array([1, 2, 3]), STEPS, 4, False)
    assert stats.lengths.tolist() == [0, 1, 2] and stats.p_copy.tolist() == [0, 1, 1]
    rows = np.log(np.full((1, 7), 1 / 7))
    m = Matcher([np.array([1, 2, 3, 1])], 1, STEPS, 4, aligned=False)   # the history ends in 1: 2 follows
    cache = CopyCache(min_match=1, weight=0.5, max_weight=0.5, aligned=False)
    assert np.allclose(np.exp(cache.mix(rows, m))[0], [0.5 / 7] * 2 + [0.5 / 7 + 0.5] + [0.5 / 7] * 4)
    tiny = np.array([[0.0, -120.0, -120.0, -120.0, -120.0, -120.0, -120.0]], np.float32)   # far below float32's 0
    assert np.isfinite(cache.mix(tiny, m)).all()     # a masked step may leave only such tokens: still drawable


@pytest.mark.parametrize("section, words", [
    ({"copy": {"weight": 2}}, "weight"), ({"copy": {"min_match": 0}}, "min_match"),
    ({"copy": {"min_match": 2.5}}, "min_match"), ({"copy": {"aligned": "yes"}}, "aligned"),
    ({"copy": {"weight": 0.5, "max_weight": 0.2}}, "max_weight"), ({"copy": {"window": 3}}, "decoding.copy"),
    ({"copy": {"weight": float("nan")}}, "weight"), ({"beam": 4}, "decoding"), ([1], "decoding")])
def test_a_damaged_decoding_section_is_refused_naming_the_file(section, words):
    config = json.loads((SHIPPED / "config.json").read_text())
    with pytest.raises(CheckpointError, match=words) as error:
        load(SHIPPED, {**config, "decoding": section})
    assert "config.json" in str(error.value) and "decoding" in str(error.value)


@pytest.fixture(scope="module")
def plain_config():
    config = json.loads((SHIPPED / "config.json").read_text())
    config.pop("decoding", None)
    return config


def test_without_the_section_a_fill_is_exactly_the_old_decoding(plain_config, tmp_path):
    generator = load(SHIPPED, plain_config)
    assert generator.cache is None
    request = GenerationRequest(seed=quarter_line([62, 64, 66, 67], 4), after=quarter_line([74, 72, 71], 2), bars=2,
                                variations=3, random_seed=5)
    takes = generator.generate(request)
    old = continue_phrase(_Filling(generator, request), generator.phrases, request, "infill", generator.name)
    assert [t.notes for t in takes] == [t.notes for t in old]
    # a cache of weight 0 is no cache: the same takes
    inert = load(SHIPPED, {**plain_config, "decoding": {"copy": {"weight": 0.0, "max_weight": 0.0}}})
    assert [t.notes for t in inert.generate(request)] == [t.notes for t in takes]


def test_with_the_cache_a_repeating_tune_is_copied_and_scored_higher(plain_config):
    plain = load(SHIPPED, plain_config)
    strong = CopyCache(min_match=2, weight=0.98, max_weight=0.98)
    cached = load(SHIPPED, {**plain_config, "decoding": strong.to_config()})
    tune = [62, 66, 69, 67, 66, 64, 62, 64]    # two bars, played twice before the gap, once in it, twice after
    before, gap, after = quarter_line(tune, 4), quarter_line(tune, 2), quarter_line(tune, 4)
    assert cached.gap_log_probs(before, after, gap, (4, 4)).mean() > plain.gap_log_probs(before, after, gap,
                                                                                          (4, 4)).mean() + 0.2
    request = GenerationRequest(seed=before, after=after, bars=2, variations=8, random_seed=1)
    copied = [t.notes == gap.notes for t in cached.generate(request)]
    assert sum(copied) >= 4 and sum(t.notes == gap.notes for t in plain.generate(request)) < sum(copied)


def test_the_shipped_config_says_its_cache():
    config = json.loads((SHIPPED / "config.json").read_text())
    cache = CopyCache.from_config(config.get("decoding"))
    assert cache is not None and cache == load(SHIPPED, config).cache


def test_the_tuning_ranks_settings_by_the_mixtures_cross_entropy():
    from musicstudio.generators.evaluation.infill_tuning import cross_entropy, tune

    # the infill model's tokens are always copyable (a long match, copy probability 1), the lstm's never
    log_p = np.log(np.full(50, 0.2))
    copyable = CopyStatistics(np.full(50, 8), np.ones(50))
    never = CopyStatistics(np.zeros(50, np.int64), np.zeros(50))
    stats = {"infill": {"log_p": log_p, True: copyable, False: copyable},
             "lstm": {"log_p": log_p, True: never, False: never}}
    assert np.isclose(cross_entropy(stats["infill"], None), -np.log(0.2))
    rows = tune(stats)
    assert [r["infill"] for r in rows] == sorted(r["infill"] for r in rows)
    assert rows[0]["cache"]["max_weight"] == 0.98 and np.isclose(rows[0]["infill"], -np.log(0.02 * 0.2 + 0.98))
    assert all(np.isclose(r["lstm"], -np.log(0.2)) for r in rows)   # nothing to copy: the lstm's own figure
