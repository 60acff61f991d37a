"""The repeated-bar measure's parts: finding a continuation that repeats a seed bar, the hit rule, the baselines
and the docs table between its markers."""

from __future__ import annotations

import numpy as np

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.infill.gaps import PieceNotes
from musicstudio.generators.interface import BAR
from musicstudio.generators.saliency.repeats import bars_repeated_by, swapped, window_case
from musicstudio.generators.saliency.report import baseline_rows, hit
from musicstudio.generators.saliency.report_docs import BEGIN, END, swaps_table, write_docs

Q = BAR // 4


def bar_of(pitches, bar):
    return tuple(Note(p, bar * BAR + k * Q, Q, 90) for k, p in enumerate(pitches))


TUNE = bar_of((60, 62, 64, 65), 0) + bar_of((67, 65, 64, 62), 1) + bar_of((60, 64, 67, 72), 2) + \
    bar_of((71, 69, 67, 65), 3) + bar_of((60, 62, 64, 65), 4) + bar_of((62, 64, 65, 67), 5)


def test_a_continuation_that_repeats_the_first_bar_is_a_case_and_a_transposed_one_only_when_asked():
    case = window_case("tune", PieceNotes(TUNE, (4, 4)), 0, 4, 2, transposed=False)
    assert case.repeated == (0,) and case.interval == 0
    assert len(case.seed.notes) == 16 and case.seed.length == 4 * BAR and case.truth.length == 2 * BAR
    assert case.in_repeated().tolist() == [True] * 4 + [False] * 12
    moved = \
        TUNE[:16] + tuple(n._replace(pitch=n.pitch + 2, start=n.start + 4 * BAR) for n in TUNE[:4])
    assert window_case("tune", PieceNotes(moved, (4, 4)), 0, 4, 1, transposed=False) is None
    assert window_case("tune", PieceNotes(moved, (4, 4)), 0, 4, 1, transposed=True).interval == 2


def test_a_hit_needs_the_repeated_bar_read_and_above_the_other_notes_the_model_reads():
    repeated = np.array([True, True, False, False])
    assert hit([2.0, 1.0, 0.5, 1.0], repeated)
    assert not hit([0.5, 0.5, 2.0, 0.0], repeated)
    assert not hit([0.0, 0.0, -1.0, -1.0], repeated, read=np.array([False, False, True, True]))
    assert hit([1.0, 1.0, 5.0, 0.0], repeated, read=np.array([True, True, False, True]))


def test_recency_never_picks_an_earlier_bar():
    case = window_case("tune", PieceNotes(TUNE, (4, 4)), 0, 4, 2, transposed=False)
    rows = baseline_rows([case], random_seed=0)
    assert rows["recency (later notes higher)"] == 0.0


def test_the_table_goes_between_the_markers_and_the_rest_of_the_page_stays(tmp_path):
    page = tmp_path / "saliency.md"
    page.write_text(f"# Saliency\n\nbefore\n\n{BEGIN}\nold\n{END}\n\nafter\n")
    result = {"cases": 2, "random_seed": 0, "seed_bars": 4, "take_bars": 2, "transposed": False, "target": 0.8,
              "repeat_distance": {"4": 2}, "baselines": {"recency (later notes higher)": 0.0},
              "models": {"lstm": {"ig / true continuation": {"hit_rate": 0.5, "cases": 2, "mean_margin_nats": 0.1,
                                                              "repeated_bar_unread": 0}}}}
    write_docs(page, result)
    text = page.read_text()
    assert "old" not in text and "before" in text and "after" in text
    assert "| lstm | ig / true continuation | 50% of 2 | 80%: not met | 1 of 2 | +0.10 |" in text


def test_a_sampled_take_s_own_repeated_bar_is_found_and_a_take_repeating_nothing_has_none():
    case = window_case("tune", PieceNotes(TUNE, (4, 4)), 0, 4, 2, transposed=False)
    third = Clip(tuple(n.moved_by(ticks=-2 * BAR) for n in TUNE[8:12]), BAR)         # bar 2 again
    assert bars_repeated_by(case, third).tolist() == [False] * 8 + [True] * 4 + [False] * 4
    assert bars_repeated_by(case, Clip(bar_of((61, 61, 61, 61), 0), BAR)) is None


def test_swapping_a_bar_puts_the_nearest_other_bar_in_its_place_and_keeps_the_rest():
    case = window_case("tune", PieceNotes(TUNE, (4, 4)), 0, 4, 2, transposed=False)
    seed = swapped(case, (0,))
    assert seed.length == case.seed.length and len(seed.notes) == 16
    assert [n.pitch for n in seed.notes[:4]] == [67, 65, 64, 62]         # bar 1's notes, in bar 0
    assert seed.notes[4:] == case.seed.notes[4:]
    same = window_case("tune", PieceNotes(bar_of((60, 62, 64, 65), 0) * 1 + bar_of((60, 62, 64, 65), 1)
                                          + bar_of((60, 62, 64, 65), 2) + bar_of((67, 65, 64, 62), 3)
                                          + bar_of((60, 62, 64, 65), 4) + bar_of((60, 60, 60, 60), 5), (4, 4)),
                       0, 4, 2, transposed=False)
    assert swapped(same, (0, 1, 2)).notes[0].pitch == 67 and swapped(same, (0, 1, 2, 3)) is None


def test_the_swaps_table_has_a_row_per_model_and_bar_and_a_column_per_distance():
    lines = swaps_table({"lstm": {"repeated bar": {"all": {"mean_drop_nats": 1.5, "cases": 3},
                                                   "4": {"mean_drop_nats": 1.0, "cases": 2},
                                                   "2": {"mean_drop_nats": 2.5, "cases": 1}}}})
    assert "| repeat 2 back | repeat 4 back |" in lines[2]
    assert lines[-1] == "| lstm | repeated bar | +1.50 (3) | +2.50 (1) | +1.00 (2) |"


def test_a_token_model_decoded_with_the_infill_model_s_cache_is_attributed_with_its_copy():
    from pathlib import Path

    from musicstudio.generators.interface import GenerationRequest
    from musicstudio.generators.registry import ModelRegistry
    from musicstudio.generators.saliency.pointer import copy_cache
    from musicstudio.generators.saliency.report import load_model
    from musicstudio.generators.saliency.saliency import attribute

    registry = ModelRegistry([Path(__file__).resolve().parents[3] / "models"])
    cached = load_model(registry, "lstm:cache")
    assert copy_cache(cached) is registry.load("infill", "cpu").cache
    own = copy_cache(registry.load("lstm", "cpu"))       # the registry's lstm keeps its own (config.json's)
    assert own is not None and own is not copy_cache(cached)
    case = window_case("tune", PieceNotes(TUNE, (4, 4)), 0, 4, 2, transposed=False)
    s = attribute(cached, case.seed, case.truth, case.meter, "gradxinput+copy")
    assert s.method == "gradxinput+copy" and s.model == "lstm:cache" and s.copy_gain != 0
    take = cached.generate(GenerationRequest(seed=case.seed, bars=1, variations=1, random_seed=1, meter=(4, 4)))[0]
    assert take.length == BAR
