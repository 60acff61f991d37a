"""MuseGAN's EB, UPC, QN and tonal distance, on bars worked out by hand."""

import math

import numpy as np
import pytest

from musicstudio.core.note import Note
from musicstudio.generators.evaluation import musegan as m

BAR = 1920
C_MAJOR_BAR = [Note(p, i * 240, 240) for i, p in enumerate((60, 62, 64, 65, 67, 69, 71, 72))]
C = np.array([0, 1, 0, 1, 0, 0.5])                                   # centroid of pitch class 0
G = np.array([0.5, math.sqrt(3) / 2, 1, 0, math.sqrt(3) / 4, -0.25])   # centroid of pitch class 7


def test_empty_bars():
    notes = [Note(60, 0, 480), Note(62, 2 * BAR, 480)]
    assert m.empty_bar_rate(notes, length=3 * BAR) == pytest.approx(1 / 3)
    held = [Note(60, 0, BAR + 480)]                      # sounds into bar 2, so bar 2 is not empty
    assert m.empty_bar_rate(held, length=3 * BAR) == pytest.approx(1 / 3)
    assert m.empty_bar_rate([]) == 1.0


def test_used_pitch_classes_per_bar_skip_empty_bars():
    per_bar = m.bar_used_pitch_classes(C_MAJOR_BAR, length=2 * BAR)
    assert per_bar[0] == 7 and math.isnan(per_bar[1])
    assert m.used_pitch_classes(C_MAJOR_BAR, length=2 * BAR) == 7
    assert math.isnan(m.used_pitch_classes([]))


def test_qualified_notes_last_at_least_a_32nd():
    notes = [Note(60, i * 480, d) for i, d in enumerate((30, 60, 120, 240))]
    assert m.qualified_note_rate(notes) == 0.75
    assert m.qualified_note_rate(C_MAJOR_BAR) == 1.0
    assert math.isnan(m.qualified_note_rate([]))


def test_tonal_centroids_of_single_pitch_classes_and_a_mix():
    assert m.tonal_centroid([Note(48, 0, 100)]) == pytest.approx(C)
    assert m.tonal_centroid([Note(67, 0, 100)]) == pytest.approx(G)
    assert m.tonal_centroid([Note(60, 0, 100), Note(55, 0, 100)]) == pytest.approx((C + G) / 2)
    # only what sounds inside the span counts, weighted by how long
    assert m.tonal_centroid([Note(60, 0, 300), Note(67, 200, 400)], 0, 400) == pytest.approx((3 * C + 2 * G) / 5)
    assert np.isnan(m.tonal_centroid([])).all()


def test_tonal_distance_between_tracks():
    c_track, g_track = [Note(60, 0, BAR)], [Note(67, 0, BAR)]
    by_hand = math.sqrt(0.25 + (1 - math.sqrt(3) / 2) ** 2 + 1 + 1 + 3 / 16 + 0.75 ** 2)
    assert m.tonal_distance(c_track, g_track) == pytest.approx(by_hand)
    assert m.tonal_distance(C_MAJOR_BAR, C_MAJOR_BAR) == 0.0
    two_bars = [Note(60, 0, BAR), Note(64, BAR, BAR)]
    per_bar = m.bar_tonal_distances(two_bars, c_track)      # the second track is silent in bar 2
    assert per_bar[0] == 0.0 and math.isnan(per_bar[1])
    assert m.tonal_distance(two_bars, c_track) == 0.0


def test_tonal_movement_between_consecutive_bars():
    moves = m.bar_to_bar_tonal_distances([Note(60, 0, BAR), Note(67, BAR, BAR), Note(67, 2 * BAR, BAR)])
    assert moves == pytest.approx([np.linalg.norm(C - G), 0.0])


def test_all_metrics_for_named_tracks():
    out = m.musegan_metrics({"melody": C_MAJOR_BAR, "bass": [Note(36, 0, BAR), Note(43, 2 * BAR, BAR)]})
    assert out["tracks"]["melody"] == {"EB": pytest.approx(2 / 3), "UPC": 7.0, "QN": 1.0}
    assert out["tracks"]["bass"]["EB"] == pytest.approx(1 / 3)
    assert set(out["tonal_distance"]) == {"melody / bass"}
