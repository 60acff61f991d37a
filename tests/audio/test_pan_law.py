"""The pan law the WAV export applies to a track's rendered pair, and a pan's lane over time (issue 21)."""

import math

import numpy as np
import pytest

from musicstudio.audio.pan_law import (
    RAMP_FRAMES,
    PanLane,
    add_panned,
    balance_gains,
    fold_gains,
    output_count,
    pan_position,
)

POSITIONS = np.linspace(-1.0, 1.0, 41)


def panned(left, right, position, effects=False):
    out_left, out_right = np.zeros_like(left), np.zeros_like(right)
    pair, zero = np.stack([left, right]), np.zeros((2, len(left)))
    add_panned(out_left, out_right, zero if effects else pair, pair if effects else zero, position)
    return out_left, out_right


def test_cc10_values_map_onto_positions_with_64_at_centre():
    assert [pan_position(v) for v in (0, 32, 64, 127)] == [-1.0, -0.5, 0.0, 1.0]
    assert pan_position(96) == pytest.approx(32 / 63)


@pytest.mark.parametrize("effects", [False, True])
def test_centre_changes_nothing_and_hard_left_leaves_nothing_on_the_right(effects):
    rng = np.random.default_rng(1)
    left, right = rng.normal(size=100), rng.normal(size=100)
    assert np.array_equal(panned(left, right, 0.0, effects)[0], left)
    assert np.array_equal(panned(left, right, 0.0, effects)[1], right)
    hard_left, hard_right = panned(left, right, -1.0, effects), panned(left, right, 1.0, effects)
    assert not hard_left[1].any() and np.abs(hard_right[0]).max() < 1e-12
    assert np.abs(hard_left[0]).sum() > np.abs(left).sum()        # the right half is folded in, or made up for


def test_a_mono_sound_is_panned_at_constant_power_as_fluidsynth_pans_it():
    """A sample s centred at s/sqrt2 a side comes out at s cos(theta), s sin(theta): FluidSynth's CC10 pan."""
    s = np.array([1.0, -0.5, 0.25])
    for position in POSITIONS:
        theta = (position + 1) * math.pi / 4
        left, right = panned(s / math.sqrt(2), s / math.sqrt(2), position)
        assert np.allclose(left, s * math.cos(theta)) and np.allclose(right, s * math.sin(theta))


def test_the_effects_returns_keep_their_energy_however_their_channels_correlate():
    """A chorus return in opposite phase (R = -L) would cancel if folded; balanced, it keeps its power."""
    rng = np.random.default_rng(2)
    wet = rng.normal(size=10_000)
    for position in POSITIONS:
        left, right = panned(wet, -wet, position, effects=True)
        assert np.sum(left ** 2 + right ** 2) == pytest.approx(2 * np.sum(wet ** 2))


def test_gains_are_continuous_through_centre():
    for gains in (fold_gains, balance_gains):
        assert np.allclose(gains(-1e-9), gains(1e-9), atol=1e-8)


def test_a_lane_without_events_or_at_centre_is_centred_and_equal_lanes_compare_equal():
    assert PanLane().centred and PanLane([(0, 64)]).centred and PanLane([(0, 64), (500, 64)]).centred
    assert PanLane([(0, 0)]) == PanLane([(0, 64), (0, 0)]) != PanLane([(0, 1)])
    assert len({PanLane(), PanLane([(0, 64)])}) == 1


def test_the_tick_0_value_holds_from_the_first_frame():
    lane = PanLane([(0, 0)])
    assert lane.positions(0, 4096) == -1.0


def test_a_later_change_ramps_from_its_frame():
    lane = PanLane([(0, 0), (1000, 127)])
    positions = lane.positions(990, 100)
    assert np.all(positions[:11] == -1.0)                        # up to the event's frame
    assert np.all(np.diff(positions[10:10 + RAMP_FRAMES + 1]) > 0)  # then a linear ramp
    assert np.all(positions[10 + RAMP_FRAMES:] == 1.0)
    assert lane.positions(5000, 10) == 1.0


def test_a_change_during_a_ramp_turns_back_where_the_ramp_got_to():
    lane = PanLane([(0, 64), (1000, 127), (1032, 0)])
    positions = lane.positions(1000, 200)
    assert positions[32] == pytest.approx(0.5)
    assert np.all(np.abs(np.diff(positions)) <= 1.0 / 32 + 1e-12)  # no jump
    assert positions[-1] == -1.0


def test_outputs_are_as_few_as_the_channels_pans_allow():
    centre, left, right = PanLane(), PanLane([(0, 0)]), PanLane([(0, 127)])
    assert output_count({0: centre, 1: centre, 9: centre}) == 1
    assert output_count({0: left}) == 1
    assert output_count({0: centre, 1: left, 2: centre}) == 2
    assert output_count({0: left, 1: right, 2: centre}) == 3
    assert output_count({0: centre, 3: left}) == 2
    lanes = {c: PanLane([(0, c * 8)]) for c in range(16)}
    assert output_count(lanes) == 16
