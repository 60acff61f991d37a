"""The onset-position-within-bar histogram and its overlapping area (the per-meter report's measure)."""

import numpy as np
import pytest

from musicstudio.core.note import Note
from musicstudio.generators.evaluation.bar_positions import (
    histogram_overlap,
    onset_positions,
    position_histogram,
    steps_in_bar,
)
from musicstudio.generators.evaluation.meter_report import bars_of


def beats(every: int, count: int, step: int = 120):
    """``count`` notes, one every ``every`` 16ths."""
    return tuple(Note(60, k * every * step, step, 80) for k in range(count))


def test_positions_are_16th_steps_within_the_bar_of_the_meter():
    assert [steps_in_bar(m) for m in ((4, 4), (3, 4), (6, 8), (9, 8), (2, 2), (3, 8))] == [16, 12, 12, 18, 16, 6]
    assert list(onset_positions(beats(4, 7), (3, 4))) == [0, 4, 8, 0, 4, 8, 0]
    assert list(onset_positions(beats(4, 7), (4, 4))) == [0, 4, 8, 12, 0, 4, 8]
    assert list(onset_positions([Note(60, 1280, 80, 80)], (3, 4))) == [11]   # a triplet onset rounds to its step


def test_the_histogram_is_the_share_of_onsets_at_each_step():
    histogram = position_histogram([beats(4, 6), beats(6, 4)], (3, 4))
    assert histogram.sum() == pytest.approx(1.0) and len(histogram) == 12
    assert histogram[0] == pytest.approx(4 / 10) and histogram[6] == pytest.approx(2 / 10)
    assert not position_histogram([], (6, 8)).any()


def test_overlap_is_one_for_the_same_rhythm_and_falls_with_a_four_beat_cycle_in_3_4():
    waltz = [beats(4, 12)]                      # crotchets in 3/4: steps 0, 4, 8
    assert histogram_overlap(position_histogram(waltz, (3, 4)), position_histogram(waltz, (3, 4))) == pytest.approx(1)
    dotted = [beats(6, 8)]                      # dotted crotchets: 6/8's two beats, steps 0 and 6 of 12
    assert histogram_overlap(position_histogram(waltz, (3, 4)), position_histogram(dotted, (3, 4))) == \
        pytest.approx(1 / 3)                    # only the downbeat is shared
    four = [tuple(Note(60, s, 120, 80) for s in (0, 240, 480, 720, 1200, 1920, 2160, 2400, 2640, 3120))]
    assert histogram_overlap(position_histogram(waltz, (3, 4)), position_histogram(four, (3, 4))) < 0.8
    assert histogram_overlap(np.zeros(12), position_histogram(waltz, (3, 4))) == 0.0
    with pytest.raises(ValueError):
        histogram_overlap(np.ones(12), np.ones(16))


def test_bars_of_moves_a_span_of_bars_to_start_at_zero_and_cuts_it():
    notes = (Note(60, 0, 480, 80), Note(62, 1440, 1920, 80), Note(64, 2880, 480, 80))
    assert bars_of(notes, 1, 1, 1440) == (Note(62, 0, 1440, 80),)
