"""The GAN report's measurements on notes whose answers are known."""

import numpy as np

from musicstudio.core.note import Note
from musicstudio.generators.gan import evaluation as ev
from musicstudio.generators.interface import BAR, STEP

C_CHORD = [Note(p, 0, BAR, 80) for p in (48, 64, 67, 72)]


def test_bar_figures_count_empty_bars_pitch_classes_and_short_notes():
    notes = [Note(60, 0, STEP, 80), Note(64, STEP, 3 * STEP, 80), Note(67, 2 * BAR, BAR, 80)]
    f = ev.bar_figures([(notes, 4)])
    assert f["bars"] == 4 and f["EB"] == 0.5 and f["UPC"] == 1.5 and f["QN"] == 1.0
    assert f["notes_per_bar"] == 1.5 and f["one_step_notes"] == 1 / 3
    assert np.isclose(f["mean_note_steps"], (1 + 3 + 16) / 3)


def test_the_top_line_is_the_highest_note_sounding_at_each_start():
    notes = [Note(72, 0, 2 * STEP, 80), Note(60, 0, BAR, 80), Note(74, 4 * STEP, STEP, 80),
             Note(55, 8 * STEP, STEP, 80)]
    top, rest = ev.top_line_split(notes)
    assert sorted(n.pitch for n in top) == [72, 74] and sorted(n.pitch for n in rest) == [55, 60]
    d = ev.voice_tonal_distances(C_CHORD, 1)
    assert d.shape == (1,) and d[0] > 0


def test_the_seam_is_zero_for_the_same_harmony_and_larger_for_a_far_one():
    seed = [n._replace(start=n.start + 3 * BAR) for n in C_CHORD]
    same = ev.boundary_distance(seed, 4 * BAR, C_CHORD)
    far = ev.boundary_distance(seed, 4 * BAR, [Note(p, 0, BAR, 80) for p in (54, 61, 66, 70)])   # F# major
    assert same == 0.0 and far > 1.0
    assert np.isnan(ev.boundary_distance(seed, 4 * BAR, []))
    # held-out music: consecutive sounding bars only
    phrase = ev.Phrase("x", "bach", tuple(C_CHORD) + tuple(n._replace(start=BAR) for n in C_CHORD))
    assert ev.consecutive_distances([phrase]).tolist() == [0.0]


def test_relative_gaps():
    gaps = ev.relative_gaps({"EB": 0.0, "UPC": 3.0, "QN": 1.0}, {"EB": 0.0, "UPC": 4.0, "QN": 1.0})
    assert gaps == {"EB": 0.0, "UPC": 0.25, "QN": 0.0}


def test_variation_overlap_is_the_share_of_notes_in_common():
    from musicstudio.generators.interface import Take

    def take(pitches):
        return Take(tuple(Note(p, 0, BAR, 80) for p in pitches), BAR, "gan", "x", {})

    assert ev.variation_overlap([take([60, 64]), take([60, 67])]) == 1 / 3
    assert ev.variation_overlap([take([60]), take([60]), take([62])]) == (1 + 0 + 0) / 3


def test_a_part_that_falls_silent_for_a_bar_is_counted_per_part():
    soprano = [Note(72, 0, BAR, 80), Note(74, 2 * BAR, BAR, 80)]          # silent in bar 2
    bass = [Note(48, 0, 3 * BAR, 80)]                                     # held through all three
    assert ev.empty_bars_by_line([soprano, bass], 3).tolist() == [1, 0]
    assert ev.parts_empty_bar_share([[soprano, bass]]) == 1 / 6

    parts = (tuple(Note(72, b * BAR, BAR, 80) for b in range(ev.SEED_BARS + 2)),
             tuple(Note(48, b * BAR, BAR, 80) for b in range(ev.SEED_BARS + 2)))
    phrase = ev.Phrase("two parts", "bach", tuple(sorted(parts[0] + parts[1])), parts)
    take = type("Take", (), {"notes": (Note(71, 0, BAR, 80), Note(50, 0, BAR, 80), Note(47, BAR, BAR, 80))})()
    generated, truth = ev.dealt_out_empty_bars({"phrase": phrase, "takes": [take, take]}, 2)
    assert generated.tolist() == [2, 0] and truth.tolist() == [0, 0]      # the top part silent in bar 2, twice
    silent = ev.Phrase("one silent part", "bach", parts[0], (parts[0], ()))
    assert ev.dealt_out_empty_bars({"phrase": silent, "takes": [take]}, 2) is None
