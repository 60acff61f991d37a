"""Add drums' kick and snare steps: the set of the mixture's likeliest steps that can expect to overlap most."""

import numpy as np

from musicstudio.generators.drums.add import mixed_kit
from musicstudio.generators.drums.kit_choice import Nearest, expected_pattern
from musicstudio.generators.drums.listener import kit_pattern


def _steps(pattern) -> list[list[int]]:
    return [list(np.flatnonzero(row)) for row in pattern]


def _kit(kick, snare, bar=16) -> np.ndarray:
    kit = np.zeros((2, bar))
    kit[0, list(kick)], kit[1, list(snare)] = 1.0, 1.0
    return kit / np.maximum(1e-12, kit.sum(axis=1, keepdims=True))


# a listener sure of a kick on 1 and 3 and a snare on 2 and 4, and less sure of a snare on 1 and 3 as well
BACKBEAT = np.full((2, 16), 0.01)
BACKBEAT[0, [0, 8]] = 0.9
BACKBEAT[1, [4, 12]], BACKBEAT[1, [0, 8]] = 0.68, 0.3


def test_a_likely_backbeat_is_played_as_one_where_the_blurred_average_added_a_beat():
    assert _steps(expected_pattern(BACKBEAT, BACKBEAT)) == [[0, 8], [4, 12]]
    # the rule used until 2026-12-04 matched the chances sharpened, a blur, and hedged with the downbeat
    assert _steps(kit_pattern(BACKBEAT, 1.5)) == [[0, 8], [0, 4, 12]]


def test_the_near_grooves_own_kits_are_the_truths_they_stand_for():
    unsure = np.full((2, 16), 0.2)                      # a listener that hears nothing either way
    four = Nearest(np.array([0.7, 0.3]), np.stack([_kit((0, 4, 8, 12), (4, 12)), _kit((0, 8), (4, 12))]))
    mixture = mixed_kit(unsure, four.mean, 1.0)
    assert _steps(expected_pattern(mixture, unsure, four, share=1.0)) == [[0, 4, 8, 12], [4, 12]]
    two = Nearest(np.array([0.3, 0.7]), four.kits)
    assert _steps(expected_pattern(mixed_kit(unsure, two.mean, 1.0), unsure, two, share=1.0)) == [[0, 8], [4, 12]]


def test_a_drum_no_near_groove_plays_is_left_to_the_listener():
    no_snare = Nearest(np.array([1.0]), np.stack([_kit((0, 4, 8, 12), ())]))
    no_snare.kits[0, 1] = 0.0
    mixture = mixed_kit(BACKBEAT, no_snare.mean, 0.5)
    pattern = expected_pattern(mixture, BACKBEAT, no_snare, share=0.5)
    assert _steps(pattern)[1] == [4, 12]
    assert _steps(pattern)[0] in ([0, 8], [0, 4, 8, 12])


def test_every_drum_hits_at_least_one_step_and_the_same_song_gets_the_same_pattern():
    silent = np.zeros((2, 12))
    ranking = np.zeros((2, 12))
    ranking[:, 3] = 1.0
    assert _steps(expected_pattern(ranking, silent)) == [[3], [3]]
    rng = np.random.default_rng(7)
    chances = rng.random((2, 16)) * 0.6
    near = Nearest(np.full(5, 0.2), rng.random((5, 2, 16)))
    mixture = mixed_kit(chances, near.mean, 0.45)
    first = expected_pattern(mixture, chances, near, 0.45)
    assert (first == expected_pattern(mixture, chances, near, 0.45)).all() and first.any(axis=1).all()
