"""A bar's attributes (density, polyphony, register), their bins, the control tokens and where they go in a
sequence, and the values a user gives (names, numbers, one per bar)."""

import numpy as np
import pytest

from musicstudio.core.note import Note
from musicstudio.generators.codecs import codec_from_spec
from musicstudio.generators.controls.attributes import bar_attributes, bars_attributes
from musicstudio.generators.controls.bins import ControlBins, balanced_edges, bin_of
from musicstudio.generators.controls.tokens import COUNT, ControlTokens, bar_lines_reached, bar_starts, insert_controls
from musicstudio.generators.controls.wishes import bar_wishes, bars_met, measured_bins, parse_value, parse_values
from musicstudio.generators.phrases import TokenPhrases

Q = 480   # a quarter note in ticks
BINS = ControlBins(density=(1.4, 2.1), register=(60.0, 72.0))
CODEC = codec_from_spec({"codec": "events", "low": 0, "high": 127, "max_shift": 16, "velocity_bins": 0})


def test_density_counts_onsets_per_quarter_and_a_chord_is_one_onset():
    line = [Note(60 + i, i * Q, Q) for i in range(4)]
    assert bar_attributes(line, 0, 4 * Q).density == 1.0
    chords = [Note(p, i * Q, Q) for i in range(4) for p in (60, 64, 67)]
    assert bar_attributes(chords, 0, 4 * Q).density == 1.0
    eighths_in_six_eight = [Note(60, i * Q // 2, Q // 2) for i in range(6)]
    assert bar_attributes(eighths_in_six_eight, 0, 3 * Q).density == 2.0


def test_polyphony_is_the_mean_of_notes_sounding_at_the_onsets_held_notes_included():
    assert bar_attributes([Note(60 + i, i * Q, Q) for i in range(4)], 0, 4 * Q).polyphony == 1.0
    held = [Note(48, 0, 4 * Q)] + [Note(72 + i, i * Q, Q) for i in range(4)]
    assert bar_attributes(held, 0, 4 * Q).polyphony == 2.0       # the bass under each melody note
    triads = [Note(p, i * Q, Q) for i in range(4) for p in (60, 64, 67)]
    assert bar_attributes(triads, 0, 4 * Q).polyphony == 3.0
    empty = bar_attributes([], 0, 4 * Q)
    assert (empty.density, empty.polyphony, empty.register) == (0.0, 0.0, None)


def test_each_bar_is_measured_on_its_own_and_register_is_the_mean_pitch():
    notes = [Note(60, 0, Q), Note(64, Q, Q), Note(80, 4 * Q, Q)]
    first, second = bars_attributes(notes, 0, 4 * Q, 2)
    assert first.register == 62.0 and second.register == 80.0 and second.density == 0.25


def test_bins_cut_at_their_edges_and_the_training_edges_fall_between_values():
    assert [bin_of(v, (1.4, 2.1)) for v in (0.0, 1.39, 1.4, 2.0, 2.1, 9.0)] == [0, 0, 1, 1, 2, 2]
    values = [1.0] * 30 + [1.5] * 10 + [2.0] * 40 + [3.0] * 20    # a heavy 2.0, as eighth-note bars are
    low, high = balanced_edges(values)
    assert low == 1.25 and high == 2.5     # a third below 1.25, 2.0 kept whole in one bin
    assert not any(v in (low, high) for v in values)
    with pytest.raises(ValueError):
        balanced_edges([1.0, 2.0])


def test_bins_round_trip_through_the_config_and_a_damaged_section_is_refused():
    assert ControlBins.from_config(BINS.to_config()) == BINS
    assert ControlBins.from_config(None) is None
    for bad in ({"density": [2, 1], "register": [1, 2], "polyphony": [1, 2]}, {"density": [1, 2]},
                {**BINS.to_config(), "guided": "yes"}, {**BINS.to_config(), "colour": 1}):
        with pytest.raises(ValueError):
            ControlBins.from_config(bad)


def test_every_control_token_reads_back_as_its_control_and_bin():
    tokens = ControlTokens(base=280)
    seen = set()
    for control in ("density", "polyphony"):
        for bin_ in (0, 1, 2, None):
            token = tokens.token(control, bin_)
            assert tokens.read(token) == (control, bin_)
            seen.add(token)
    assert seen == set(range(280, 280 + COUNT))
    assert tokens.bar({"polyphony": 2}).tolist() == [tokens.token("density", None), tokens.token("polyphony", 2)]
    assert tokens.is_control(np.array([279, 280, 287, 288])).tolist() == [False, True, True, False]
    with pytest.raises(ValueError):
        tokens.read(279)


def test_controls_go_before_each_bar_after_the_event_that_reaches_its_bar_line():
    steps_of = np.concatenate([TokenPhrases(CODEC).steps_of(), np.zeros(16, np.int64)])
    on, off, shift = (lambda p: p), (lambda p: CODEC.first_off + p), (lambda k: CODEC.first_shift + k - 1)
    # 3 bars of 16 steps: a note over steps 0-12, rests (shifts 12 -> 28 -> 44 run over both bar lines), a note
    part = CODEC.encode([Note(60, 0, 12 * 120), Note(62, 44 * 120, 120)], steps=48)
    assert part.tolist() == [on(60), shift(12), off(60), shift(16), shift(16), on(62), shift(1), off(62), shift(3)]
    assert bar_starts(part, steps_of, 16, 3).tolist() == [0, 4, 5]
    out = insert_controls(part, steps_of, 16, [np.array([280, 284]), np.array([281, 285]), np.array([282, 286])])
    assert out.tolist() == [280, 284, on(60), shift(12), off(60), shift(16), 281, 285, shift(16), 282, 286, on(62),
                            shift(1), off(62), shift(3)]
    ends_on_the_line = CODEC.encode([Note(60, 0, 16 * 120)], steps=32)        # the note-off is at bar 2's line
    out = insert_controls(ends_on_the_line, steps_of, 16, [np.array([280]), np.array([281])]).tolist()
    assert out == [280, on(60), shift(16), 281, off(60), shift(16)]
    assert bar_lines_reached(np.array([10, 0, 15]), np.array([20, 8, 40]), 16, 3) == [[1], [], [1, 2]]


def test_a_user_gives_names_numbers_any_or_one_value_a_bar():
    assert parse_value("density", "Low") == "low" and parse_value("polyphony", "3+") == "3+"
    assert parse_value("density", "2.5") == 2.5 and parse_value("density", "any") is None
    assert parse_values("polyphony", "1,2,3+") == ["1", "2", "3+"]
    for bad in ("loud", "-1", "nan", "4 notes"):
        with pytest.raises(ValueError, match="density is low, mid, high, any, or a number"):
            parse_value("density", bad)
    wishes = bar_wishes({"density": ["low", 2.5], "polyphony": "2"}, BINS, 3)
    assert wishes == [{"density": 0, "polyphony": 1}, {"density": 2, "polyphony": 1},
                      {"density": 2, "polyphony": 1}]
    assert bar_wishes({"density": [None, "mid"]}, BINS, 2) == [{}, {"density": 1}]
    assert bar_wishes({}, BINS, 2) == [{}, {}]


def test_a_takes_bars_are_measured_against_the_wishes():
    take = [Note(60 + i, i * Q, Q) for i in range(4)] + [Note(p, 4 * Q + i * Q // 4, Q // 4) for i in range(16)
                                                        for p in (60, 64, 67)]
    measured = measured_bins(take, 4 * Q, 2, BINS)
    assert [m["density"] for m in measured] == [0, 2] and [m["polyphony"] for m in measured] == [0, 2]
    assert bars_met([{"density": 0}, {"density": 2, "polyphony": 2}], measured) == 2
    assert bars_met([{"polyphony": 1}, {}], measured) == 1
