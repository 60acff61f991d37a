"""Intra/inter-set distance densities, overlapping area and KL divergence (Yang & Lerch)."""

import math
import random

import numpy as np
import pytest

from musicstudio.core.note import Note
from musicstudio.generators.evaluation import overlap as o


def test_distances_within_and_between_sets():
    a = np.array([[0.0, 0.0], [3.0, 4.0], [6.0, 8.0]])
    assert sorted(o.pairwise_distances(a)) == [5.0, 5.0, 10.0]
    assert o.cross_distances(a[:1], a).tolist() == [0.0, 5.0, 10.0]
    assert len(o.cross_distances(a, a[:2])) == 6


def test_scott_bandwidth_and_a_kernel_density():
    samples = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    assert o.scott_bandwidth(samples) == pytest.approx(np.std(samples, ddof=1) * 5 ** -0.2)
    assert o.kde([0.0], [0.0], bandwidth=1.0)[0] == pytest.approx(1 / math.sqrt(2 * math.pi))
    grid = np.linspace(-10, 15, 5001)
    assert np.sum(o.kde(samples, grid)) * (grid[1] - grid[0]) == pytest.approx(1.0, abs=1e-3)


def test_overlap_of_same_shifted_and_disjoint_samples():
    rng = np.random.default_rng(0)
    x, y = rng.normal(0, 1, 2000), rng.normal(1, 1, 2000)
    assert o.overlap_area(x, x) == pytest.approx(1.0, abs=1e-3)
    assert o.kl_divergence(x, x) == pytest.approx(0.0, abs=1e-9)
    # two unit normals one apart overlap by 2 * Phi(-1/2) = 0.617; the kernels widen them a little
    assert o.overlap_area(x, y) == pytest.approx(0.617, abs=0.04)
    assert o.kl_divergence(x, y) == pytest.approx(0.5, abs=0.15)    # (mu difference)^2 / 2; tails vary
    assert o.overlap_area(x, y + 100) < 1e-6
    assert o.kl_divergence(x, y + 100) > 10
    assert o.overlap_area(np.zeros(5), np.zeros(5)) == pytest.approx(1.0, abs=1e-3)   # constant samples


def phrases(seed, count, notes_low, notes_high):
    rnd = random.Random(seed)
    out = []
    for _ in range(count):
        n = rnd.randint(notes_low, notes_high)
        out.append([Note(rnd.choice((60, 62, 64, 65, 67, 69, 71)), i * 120 * rnd.choice((1, 2)), 120)
                    for i in range(n)])
    return out


def test_a_set_compared_with_itself_overlaps_almost_fully():
    ref = phrases(1, 25, 8, 16)
    result = o.compare_sets(ref, ref)
    assert set(result) == set(o.FEATURE_NAMES)
    assert result["total_note_count"]["oa"] > 0.8
    assert result["total_note_count"]["oa_generated"] == pytest.approx(result["total_note_count"]["oa"])
    assert o.mean_oa(result) > 0.8


def test_sets_far_apart_hardly_overlap():
    small, big = phrases(2, 20, 3, 6), phrases(3, 20, 40, 45)
    result = o.compare_sets(small, big, names=("total_note_count", "pitch_class_histogram"))
    assert result["total_note_count"]["oa"] < 0.05
    assert result["total_note_count"]["kl"] > 5
    assert result["total_note_count"]["inter_mean"] > 30
    assert set(result) == {"total_note_count", "pitch_class_histogram"}


def test_features_that_are_nan_leave_the_feature_out():
    one_bar = phrases(4, 6, 2, 6)                 # groove consistency needs two bars: NaN for each
    result = o.compare_sets(one_bar, one_bar, names=("groove_consistency", "pitch_range"))
    assert math.isnan(result["groove_consistency"]["oa"])
    assert o.mean_oa(result) == result["pitch_range"]["oa"]
