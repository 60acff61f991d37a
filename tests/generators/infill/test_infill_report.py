"""The infill report's pieces: held-out gaps with music on both sides, drawn the same way every time; the
far seam's tonal distance and interval; the spread of consecutive bars; the verdict against the baseline."""

import numpy as np

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.evaluation.infill_gaps import (
    HeldGap,
    consecutive_seams,
    draw_gaps,
    far_seam,
    seam,
    spread,
    tonal_distance,
)
from musicstudio.generators.evaluation.infill_report import _compare, markdown

BAR = 1920
# bar k: two half notes, pitches 60 + k and 64 + k; bars 6 and 7 silent
TUNE = ("tune", (4, 4), tuple(Note(p + k, k * BAR + h * 960, 960, 90) for k in range(12) if k not in (6, 7)
                              for h, p in enumerate((60, 64))))


def test_gaps_have_music_on_both_sides_and_are_drawn_the_same_way_each_time():
    gaps = draw_gaps([TUNE], 40, seed=3)
    assert len(gaps) == 40 and gaps == draw_gaps([TUNE], 40, seed=3) and gaps != draw_gaps([TUNE], 40, seed=4)
    for gap in gaps:
        assert 1 <= gap.bars <= 4 and gap.gap.length == gap.bars * BAR and gap.before.length % BAR == 0
        assert gap.before.notes and gap.gap.notes and any(n.start < BAR for n in gap.after.notes)
        assert gap.before.length <= 8 * BAR and gap.after.length <= 8 * BAR
        start = gap.after.notes[0].pitch - 60 - gap.bars    # the bar numbers the notes' pitches tell
        for part, first in ((gap.gap, start), (gap.before, start - gap.before.length // BAR)):
            assert all(n.pitch - (60 if n.start % BAR == 0 else 64) == first + n.start // BAR for n in part.notes)


def test_the_seam_measures_pitch_classes_and_the_last_to_first_interval():
    c_major = [Note(60, 0, 480, 90), Note(64, 480, 480, 90), Note(67, 960, 960, 90)]
    assert tonal_distance(c_major, c_major) == 0
    assert np.isclose(tonal_distance([Note(60, 0, 480, 90)], [Note(61, 0, 480, 90)]), np.sqrt(2))
    assert seam(c_major, [Note(72, 0, 480, 90), Note(50, 480, 480, 90)]) == (tonal_distance(c_major, [
        Note(72, 0, 480, 90), Note(50, 480, 480, 90)]), 5)   # 67 -> 72, the first note after
    assert seam([], c_major) is None
    gap = HeldGap("t", (4, 4), 2, Clip((), 0), Clip((), 2 * BAR), Clip((Note(62, 0, 480, 90),), BAR))
    take = (Note(70, 0, 480, 90), Note(60, BAR + 960, 480, 90))
    assert far_seam(take, 2 * BAR, gap) == (tonal_distance([take[1]], [gap.after.notes[0]]), 2)
    assert far_seam(take[:1], 2 * BAR, gap) is None        # a silent last bar


def test_consecutive_bars_skip_silent_ones_and_the_spread_has_quartiles():
    rows = consecutive_seams([TUNE])
    assert len(rows) == 12 - 1 - 3          # 11 bar lines, 3 touching the silent bars 6 and 7
    assert set(rows[:, 1]) == {3.0}         # 64 + k -> 60 + k + 1
    s = spread(np.array([1.0, 2.0, 3.0, 4.0]))
    assert s["mean"] == 2.5 and s["q25"] == 1.75 and s["n"] == 4 and spread(np.array([])) == {"n": 0}


def _entry(ce, tonal, interval, overlap=0.9, copies=1.0):
    return {"cross_entropy": {"nats_per_event": ce} if ce else None, "seam_tonal": {"mean": tonal},
            "seam_interval": {"mean": interval}, "overlap": overlap, "copies_at_most_2": copies,
            "exact_bars": 10, "takes": 10, "refused": 0}


def test_the_verdict_compares_with_the_baseline_and_the_held_out_spread():
    figures = {"baseline": "lstm", "gaps": 10, "random_seed": 18, "gap_bars": {"1": 10}, "meters": {"4/4": 10},
               "targets": {"cross_entropy_drop": 0.15, "seam_drop": 0.20, "overlap": 0.85, "copies_at_most_2": 0.95},
               "held_out_bar_lines": {k: {"n": 5, "mean": m, "std": 1.0, "q25": 0, "q75": 1}
                                      for k, m in (("seam_tonal", 0.5), ("seam_interval", 3.0))},
               "true_gaps": _entry(None, 0.5, 3.0),
               "models": {"lstm": _entry(1.0, 1.0, 6.0), "good": _entry(0.8, 0.6, 3.5), "vae": _entry(None, 0.9, 5.5),
                          "drums": {"left_out": "its backend cannot fill"}}}
    _compare(figures)
    good, vae = figures["models"]["good"]["against_baseline"], figures["models"]["vae"]["against_baseline"]
    assert np.isclose(good["cross_entropy_drop"], 0.2) and good["meets"] == {
        "cross_entropy": True, "seam": True, "overlap": True, "copies": True}
    assert vae["cross_entropy_drop"] is None and not vae["meets"]["cross_entropy"] and not vae["meets"]["seam"]
    text = markdown(figures, "python -m musicstudio.generators.evaluation.infill_report")
    assert "| good | 0.800 (-20%)" in text and "`drums`: left out" in text and "**not met**" in text


def test_the_variants_rows_say_what_they_are_and_the_split_is_named():
    figures = {"baseline": "lstm", "gaps": 10, "split": "valid", "random_seed": 18, "gap_bars": {"1": 10},
               "meters": {"4/4": 10},
               "targets": {"cross_entropy_drop": 0.15, "seam_drop": 0.20, "overlap": 0.85, "copies_at_most_2": 0.95},
               "held_out_bar_lines": {k: {"n": 5, "mean": m, "std": 1.0, "q25": 0, "q75": 1}
                                      for k, m in (("seam_tonal", 0.5), ("seam_interval", 3.0))},
               "true_gaps": _entry(None, 0.5, 3.0),
               "models": {"lstm": _entry(1.0, 1.0, 6.0), "infill": _entry(0.6, 0.6, 4.0),
                          "infill:plain": _entry(0.8, 0.6, 4.5), "lstm:cache": _entry(0.9, 0.9, 5.5)}}
    _compare(figures)
    text = markdown(figures, "python -m musicstudio.generators.evaluation.infill_report --split valid")
    assert "(valid split of the licence-clean corpus" in text
    assert "| infill without its copy cache | 0.800 (-20%)" in text
    assert "| lstm + the copy cache (bars before only) | 0.900 (-10%)" in text
    assert "The true gaps themselves join the bars after them with a tonal distance -50% and an interval -50%" in text
