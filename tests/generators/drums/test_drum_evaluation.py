"""The drum report's measures: per-instrument onset-position overlap and the meter an onset signal keeps."""

from drum_fixture import ROCK, SIX_EIGHT, WALTZ, pattern_notes, records

from musicstudio.generators.drums.data import grooves_of
from musicstudio.generators.drums.evaluation import (
    bar_peak,
    evaluate,
    held_out_grooves,
    instrument_overlap,
    keeps_meter,
    summarise,
    vary_figures,
)

TWO_BAR_WALTZ = ({42: "x...........", 38: "....x...x...", 81: "x..........."},     # mma's waltz: the kick
                 {36: "x...........", 38: "....x...x...", 42: "....x...x..."})     # every other bar


def two_bar_waltz(bars: int) -> list:
    return [n.moved_by(b * 1440) for b in range(bars) for n in pattern_notes(TWO_BAR_WALTZ[b % 2], 12, 1)]


def test_the_same_groove_overlaps_fully_and_another_meter_does_not():
    waltz = pattern_notes(WALTZ, 12, 4)
    assert instrument_overlap(waltz, pattern_notes(WALTZ, 12, 8), 12) == 1.0
    assert instrument_overlap(pattern_notes(ROCK, 16, 3), waltz, 12) < 0.8
    no_snare = [n for n in waltz if n.pitch != 38]
    assert abs(instrument_overlap(no_snare, waltz, 12) - 2 / 3) < 1e-9   # the snare scores 0


def test_a_waltz_keeps_three_four_and_a_rock_beat_does_not():
    assert keeps_meter(pattern_notes(WALTZ, 12, 8), 96, 12)
    assert keeps_meter(pattern_notes(SIX_EIGHT, 12, 8), 96, 12)
    assert keeps_meter(pattern_notes(ROCK, 16, 8), 128, 16)
    assert not keeps_meter(pattern_notes(ROCK, 16, 6), 96, 12)       # 4/4 read as 3/4


def test_a_two_bar_waltz_peaks_at_its_bar_per_instrument_though_not_as_written():
    assert not keeps_meter(two_bar_waltz(8), 96, 12)               # the test: lag 16 beats lag 12
    assert bar_peak(two_bar_waltz(8), 96, 12)
    assert bar_peak(pattern_notes(WALTZ, 12, 8), 96, 12) and bar_peak(pattern_notes(SIX_EIGHT, 12, 8), 96, 12)
    assert bar_peak(pattern_notes(ROCK, 16, 8), 128, 16)
    assert not bar_peak(pattern_notes(ROCK, 16, 6), 96, 12)          # 4/4 read as 3/4
    assert not bar_peak(pattern_notes(WALTZ, 12, 11), 128, 16)       # 3/4 read as 4/4
    assert keeps_meter(pattern_notes(WALTZ, 12, 11), 128, 16)        # as written: all hits repeat every beat


def test_a_take_that_loops_the_seed_scores_as_the_loop_does():
    from types import SimpleNamespace

    record = {"style": "waltz", "groove": "W", "meter": [3, 4], "length": 16 * 1440,
              "notes": [[n.pitch, n.start, n.duration, n.velocity] for n in two_bar_waltz(16)]}
    groove = held_out_grooves([record])

    class Loop:
        def generate(self, request):
            assert request.options == {"repeat": 0.25} and request.meter == (3, 4)
            looped = tuple(n.moved_by(k * 4 * 1440) for k in (0, 1) for n in request.seed.notes)
            return [SimpleNamespace(notes=looped)] * request.variations

    result = evaluate(Loop(), groove, {"repeat": 0.25})["all"]
    assert result["oa"] == result["oa_seed_loop"] == result["oa_truth_halves"] == 1.0
    assert result["oa_loop"] < 1.0                          # its last bar alone misses the other bar's hi-hat
    assert result["meter_peak"] == result["truth_meter_peak"] == 1.0 and result["meter_kept"] == 0.0


def test_only_held_out_styles_are_tested():
    held = [{**r, "style": "waltz"} for r in records() if r["meter"] == [3, 4]]
    chosen = held_out_grooves(records() + held)
    assert chosen and all(g.style == "waltz" for g in chosen)
    assert len(chosen) == 2                   # the fixture's four waltz grooves hold two drum parts
    assert grooves_of(held)[0].meter == (3, 4)


def test_the_summary_pools_takes_per_meter():
    rows = [{"style": "a", "groove": "A", "meter": "3/4", "oa": 1.0, "oa_loop": 1.0, "oa_truth_halves": 1.0,
             "meter_kept": [True, False], "truth_meter_kept": True, "notes": 4, "gm": 4,
             "meter_peak": [True, True], "truth_meter_peak": False},
            {"style": "b", "groove": "B", "meter": "4/4", "oa": 0.5, "oa_loop": 1.0, "oa_truth_halves": 1.0,
             "meter_kept": [True, True], "truth_meter_kept": True, "notes": 4, "gm": 2,
             "meter_peak": [True, False], "truth_meter_peak": True}]
    result = summarise(rows)
    assert result["all"]["meter_peak"] == 0.75 and result["all"]["truth_meter_peak"] == 0.5
    assert result["all"]["oa"] == 0.75 and result["all"]["meter_kept"] == 0.75 and result["all"]["gm"] == 0.75
    assert list(result["per_meter"]) == ["4/4", "3/4"] and result["per_meter"]["3/4"]["meter_kept"] == 0.5


def test_the_card_names_mma_its_licence_and_the_figures():
    from musicstudio.generators.drums.report import card_text, docs_text
    from musicstudio.generators.licences import licence_section

    rows = [{"style": "waltz", "groove": "W", "meter": "3/4", "oa": 0.9, "oa_loop": 0.95, "oa_truth_halves": 1.0,
             "oa_seed_loop": 0.97, "meter_kept": [True] * 4, "truth_meter_kept": True, "notes": 10, "gm": 10,
             "meter_peak": [True, True, True, False], "truth_meter_peak": True}]
    config = {"trained_on": ["mma"], "command": "python -m musicstudio.generators.drums.training models/drums",
              "summary": {"train_grooves": 8, "distinct_train": 6, "valid_grooves": 1, "vocab": 20, "parameters": 1000,
                          "valid_loss": 0.5, "best_epoch": 2, "wall_seconds": 60}}
    card = card_text(config, summarise(rows))
    expected = "\n".join(licence_section(["mma"])[:-1])
    assert f"\n\n{expected}\n\n## Metrics\n" in card
    assert "GPL-2+" in card and "copyleft" in card and "| 3/4 | 1 (1) | 0.900 |" in card
    assert "| 3/4 | 1 (1) | 0.900 | 0.970 | 0.950 | 1.000 | 75.0% | 100.0% | 100.0% | 100.0% | 100.0% |" in card
    docs = docs_text(config, summarise(rows))
    assert "Gillick" in card and "Grave" in card and "| waltz | 1 | 0.900 | 0.970 | 75.0% | 100.0% |" in docs
    assert "Onset-position overlap >= 0.8: met, 0.900" in docs
    assert "Takes keeping the seed's meter >= 90%: **not met**, 75.0%" in docs


def test_a_groove_without_kick_snare_or_hihat_has_no_overlap_figure():
    import math

    from drum_fixture import pattern_notes as notes_of

    shaker = notes_of({70: "x.x.x.x.x.x."}, 12, 2)
    assert math.isnan(instrument_overlap(notes_of(WALTZ, 12, 2), shaker, 12))
    rows = [{"style": "a", "groove": "A", "meter": "3/4", "oa": float("nan"), "oa_loop": float("nan"),
             "oa_truth_halves": float("nan"), "meter_kept": [True], "truth_meter_kept": True, "notes": 1, "gm": 1}]
    result = summarise(rows)["all"]
    assert result["kit_grooves"] == 0 and math.isnan(result["oa"]) and result["meter_kept"] == 1.0


def test_vary_figures_say_how_close_and_how_changed_the_variations_are():
    from types import SimpleNamespace

    record = {"style": "waltz", "groove": "W", "meter": [3, 4], "length": 16 * 1440,
              "notes": [[n.pitch, n.start, n.duration, n.velocity] for n in two_bar_waltz(16)]}

    class Echo:
        def __init__(self, drop):
            self.drop = drop

        def vary(self, request):
            assert request.options == {"amount": 0.5}
            notes = tuple(n for n in request.seed.notes if not (self.drop and n.pitch == 36))
            return [SimpleNamespace(notes=notes)] * request.variations

    same = vary_figures(Echo(False), held_out_grooves([record]))
    assert same["oa"] == 1.0 and same["changed"] == 0.0 and same["meter_peak"] == 1.0
    no_kick = vary_figures(Echo(True), held_out_grooves([record]))
    assert abs(no_kick["oa"] - 2 / 3) < 1e-9 and abs(no_kick["changed"] - 4 / 36) < 1e-9   # 4 kicks of 36 hits
