"""Per-phrase features (Yang & Lerch / mgeval, MusPy) on small phrases worked out by hand."""

import math

import numpy as np
import pytest

from musicstudio.core.note import Note
from musicstudio.generators.evaluation import features as f

EIGHTH, QUARTER, BAR = 240, 480, 1920
C_MAJOR = [Note(p, i * EIGHTH, EIGHTH) for i, p in enumerate((60, 62, 64, 65, 67, 69, 71, 72))]


def test_a_c_major_scale_in_eighths():
    feats = f.phrase_features(C_MAJOR)
    assert feats["total_pitch_count"] == 8
    assert np.count_nonzero(feats["pitch_class_histogram"]) == 7
    assert feats["pitch_class_histogram"][0] == pytest.approx(0.25)   # C twice, as long as the others
    assert feats["scale_consistency"] == 1.0
    assert feats["pitch_range"] == 12
    assert feats["average_pitch_interval"] == pytest.approx(12 / 7)   # 2 2 1 2 2 2 1
    assert feats["total_note_count"] == 8
    assert feats["average_inter_onset_interval"] == 2.0               # an 8th is two 16ths
    assert feats["note_length_histogram"].tolist() == [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    assert feats["pitch_class_entropy"] == pytest.approx(0.25 * 2 + 6 * 0.125 * 3)
    assert feats["empty_beat_rate"] == 0.0
    assert feats["polyphony"] == 1.0 and feats["polyphony_rate"] == 0.0
    assert math.isnan(feats["groove_consistency"])                    # one bar: no neighbour to compare
    matrix = feats["pitch_class_transition_matrix"]
    assert matrix.sum() == pytest.approx(1.0) and np.count_nonzero(matrix) == 7
    assert matrix[11, 0] == pytest.approx(1 / 7)                      # B -> C


def test_pitch_class_histogram_by_duration_or_by_count():
    notes = [Note(60, 0, BAR), Note(62, BAR, QUARTER)]
    assert f.pitch_class_histogram(notes)[[0, 2]] == pytest.approx([0.8, 0.2])
    assert f.pitch_class_histogram(notes, weight="count")[[0, 2]] == pytest.approx([0.5, 0.5])
    with pytest.raises(ValueError):
        f.pitch_class_histogram(notes, weight="velocity")


def test_transitions_go_from_each_onset_to_the_next_across_rests_and_chords():
    line = [Note(60, 0, QUARTER), Note(64, 2 * QUARTER, QUARTER), Note(67, 3 * QUARTER, QUARTER)]
    m = f.pitch_class_transition_matrix(line)
    assert m[0, 4] == m[4, 7] == pytest.approx(0.5) and m.sum() == pytest.approx(1.0)
    chord_then_note = [Note(60, 0, QUARTER), Note(64, 0, QUARTER), Note(67, QUARTER, QUARTER)]
    m = f.pitch_class_transition_matrix(chord_then_note)
    assert m[0, 7] == m[4, 7] == pytest.approx(0.5)


def test_intervals_follow_the_top_voice_and_a_chord_is_one_onset():
    notes = [Note(60, 0, QUARTER), Note(64, 0, QUARTER), Note(62, QUARTER, QUARTER)]
    assert f.average_pitch_interval(notes) == 2.0           # 64 -> 62
    assert f.average_inter_onset_interval(notes) == 4.0     # one interval of a quarter
    assert math.isnan(f.average_pitch_interval(notes[:1]))


def test_note_lengths_go_to_the_nearest_mgeval_class():
    lengths = [BAR, 720, 160, 130]   # whole, dotted quarter, 8th triplet, nearly a 16th
    hist = f.note_length_histogram([Note(60, i * BAR, d) for i, d in enumerate(lengths)])
    assert np.flatnonzero(hist).tolist() == [0, 4, 6, 11]
    assert hist.sum() == pytest.approx(1.0)


def test_scale_consistency_of_a_chromatic_cluster():
    assert f.scale_consistency([Note(p, 0, QUARTER) for p in (60, 61, 62)]) == pytest.approx(2 / 3)


def bar_of_onsets(bar, steps):
    return [Note(60, bar * BAR + s * 120, 120) for s in steps]


def test_groove_consistency_counts_changed_positions_between_neighbouring_bars():
    same = bar_of_onsets(0, (0, 4, 8, 12)) + bar_of_onsets(1, (0, 4, 8, 12))
    assert f.groove_consistency(same) == 1.0
    changed = bar_of_onsets(0, (0, 4, 8, 12)) + bar_of_onsets(1, (0, 8)) + bar_of_onsets(2, (0, 4, 8, 12))
    assert f.groove_consistency(changed) == pytest.approx(1 - 4 / (16 * 2))
    jittered = [n.moved_by(ticks=30) for n in same]          # a quarter of a 16th late: same grid positions
    assert f.groove_consistency(jittered) == 1.0


def test_empty_beats_and_held_notes():
    assert f.empty_beat_rate([Note(60, 0, QUARTER)]) == 0.75
    assert f.empty_beat_rate([Note(60, 0, 720)]) == 0.5                  # held into the second beat
    assert f.empty_beat_rate([Note(60, 0, QUARTER)], length=2 * BAR) == 7 / 8
    assert f.empty_beat_rate([]) == 1.0


def test_polyphony_counts_distinct_sounding_pitches():
    notes = [Note(60, 0, 960), Note(64, 480, 480)]
    assert f.polyphony(notes) == 1.5          # (480 x 1 + 480 x 2) / 960
    assert f.polyphony_rate(notes) == 0.5
    assert f.polyphony([Note(60, 0, 960), Note(60, 480, 960)]) == 1.0   # one pitch twice is still one
    assert f.polyphony_rate([Note(60, 960, 960), Note(64, 960, 960)]) == 0.5   # the silent start counts


def test_an_empty_phrase_gives_zeros_and_nans_not_errors():
    feats = f.phrase_features([])
    assert feats["total_note_count"] == feats["total_pitch_count"] == feats["pitch_range"] == 0
    assert not feats["pitch_class_histogram"].any() and not feats["note_length_histogram"].any()
    for name in ("average_pitch_interval", "average_inter_onset_interval", "pitch_class_entropy",
                 "scale_consistency", "polyphony", "polyphony_rate"):
        assert math.isnan(feats[name]), name
    assert set(feats) == set(f.FEATURE_NAMES)
