"""Longest span copied from the training set, and cosine similarity of style vectors."""

import math

import numpy as np
import pytest

from musicstudio.core.note import Note
from musicstudio.generators.evaluation import novelty as nv

BAR = 1920


def bar(index, pitch, rhythm=(0, 4, 8, 12)):
    """A bar of 16th-grid notes at ``index``: one pitch, quarter-note-ish rhythm."""
    return [Note(pitch + k, index * BAR + s * 120, 240) for k, s in enumerate(rhythm)]


def phrase(pitches, first_bar=0):
    return [n for i, p in enumerate(pitches) for n in (bar(first_bar + i, p) if p is not None else [])]


TRAINING = [phrase([60, 62, 64, 65, 67, 69]), phrase([48, 50, 52])]


def test_a_copied_three_bar_span_is_found_as_three_bars_where_it_is():
    generated = phrase([72, 62, 64, 65, 74])          # bars 2-4 of the first training phrase, in bars 1-3
    index = nv.TrainingIndex(TRAINING)
    assert index.longest_copy(generated) == nv.CopiedSpan(3, 1)
    assert nv.longest_copied_span(generated, TRAINING) == 3
    assert len(index) == 2


def test_small_timing_jitter_still_counts_as_a_copy_but_a_transposition_does_not():
    copied = [n.moved_by(ticks=25) for n in phrase([62, 64, 65])]
    assert nv.longest_copied_span(copied, TRAINING) == 3
    assert nv.longest_copied_span(phrase([67, 69]), TRAINING) == 2
    assert nv.longest_copied_span(phrase([68, 70]), TRAINING) == 0       # the same bars a semitone up


def test_runs_must_be_contiguous_in_one_training_phrase():
    across = phrase([67, 69, 48])         # the end of phrase one, then the start of phrase two
    assert nv.longest_copied_span(across, TRAINING) == 2


def test_shared_silence_is_not_a_copy():
    training = [phrase([None, None, 60])]
    assert nv.longest_copied_span([], training) == 0
    silent_then_copy = phrase([None, 60])
    assert nv.TrainingIndex(training).longest_copy(silent_then_copy) == nv.CopiedSpan(2, 0)


def test_long_copies_are_capped_at_max_bars():
    assert nv.longest_copied_span(TRAINING[0], TRAINING, max_bars=4) == 4
    assert nv.longest_copied_span(TRAINING[0], TRAINING) == 6


def test_bar_tokens_are_grid_positions_pitches_and_lengths():
    tokens = nv.bar_tokens([Note(60, 0, 240), Note(64, BAR + 480, 1000)], length=3 * BAR)
    assert tokens == [((0, 60, 2),), ((4, 64, 8),), ()]


def test_cosine_similarity():
    assert nv.cosine_similarity([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert nv.cosine_similarity([1, 0], [0, 1]) == 0.0
    assert math.isnan(nv.cosine_similarity([0, 0], [1, 1]))


def test_style_vectors_and_similarity_to_training():
    vector = nv.style_vector(TRAINING[0])
    assert vector.shape == (40,)
    assert vector[:12].sum() == pytest.approx(1) and vector[12:24].sum() == pytest.approx(1)
    assert np.flatnonzero(vector[24:]).tolist() == [0, 4, 8, 12]
    same = nv.training_similarity(TRAINING[0], TRAINING)
    assert same["nearest"] == pytest.approx(1.0) and same["to_mean"] < 1.0
    offbeat = [Note(61, 120 * (2 * i + 1), 60) for i in range(8)]
    assert nv.training_similarity(offbeat, TRAINING)["nearest"] < 0.5
    assert math.isnan(nv.training_similarity(offbeat, [])["to_mean"])
