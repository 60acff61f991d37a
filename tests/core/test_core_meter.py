"""TimeSignature and the Meter bar grid, including meter changes."""

import pytest

from musicstudio.core.meter import Meter, TimeSignature, is_valid_time_signature

BAR_44 = 1920
BAR_34 = 1440


@pytest.mark.parametrize("num, den, bar, beat", [
    (4, 4, 1920, 480), (3, 4, 1440, 480), (6, 8, 1440, 240), (2, 2, 1920, 960),
    (7, 8, 1680, 240), (5, 16, 600, 120), (1, 1, 1920, 1920),
])
def test_time_signature_sizes(num, den, bar, beat):
    sig = TimeSignature(0, num, den)
    assert sig.bar_ticks == bar
    assert sig.beat_ticks == beat
    assert str(sig) == f"{num}/{den}"


def test_time_signature_defaults_to_4_4():
    assert TimeSignature(0) == TimeSignature(0, 4, 4)


@pytest.mark.parametrize("num, den, ok", [
    (4, 4, True), (1, 64, True), (255, 1, True), (0, 4, False), (256, 4, False),
    (4, 3, False), (4, 128, False), (4, 0, False),
])
def test_is_valid_time_signature(num, den, ok):
    assert is_valid_time_signature(num, den) is ok


def test_empty_meter_is_4_4_from_zero():
    m = Meter(())
    assert m.signatures == (TimeSignature(0, 4, 4),)
    assert m.bar_start(3) == 3 * BAR_44


def test_constant_4_4():
    m = Meter((TimeSignature(0, 4, 4),))
    assert [m.bar_start(b) for b in range(4)] == [0, 1920, 3840, 5760]
    assert m.bar_at(0) == 0
    assert m.bar_at(1919) == 0
    assert m.bar_at(1920) == 1
    assert m.bar_at(10 * BAR_44 + 5) == 10
    assert m.bars_to_ticks(0, 0) == (0, 1920)
    assert m.bars_to_ticks(1, 2) == (1920, 5760)


def test_meter_change_on_bar_line():
    # 4/4 for bars 0-1, then 3/4 from bar 2 (tick 3840).
    m = Meter((TimeSignature(0, 4, 4), TimeSignature(2 * BAR_44, 3, 4)))
    assert [m.bar_start(b) for b in range(5)] == [0, 1920, 3840, 3840 + 1440, 3840 + 2880]
    assert m.bar_at(3839) == 1
    assert m.bar_at(3840) == 2
    assert m.bar_at(3840 + 1439) == 2
    assert m.bar_at(3840 + 1440) == 3
    assert m.bars_to_ticks(1, 2) == (1920, 3840 + 1440)
    assert m.bars_to_ticks(2, 3) == (3840, 3840 + 2880)
    assert m.signature_at(3839) == TimeSignature(0, 4, 4)
    assert m.signature_at(3840) == TimeSignature(3840, 3, 4)
    assert m.signature_at(10**6).numerator == 3


def test_meter_change_after_one_bar():
    m = Meter((TimeSignature(0, 4, 4), TimeSignature(BAR_44, 3, 4)))
    assert [m.bar_start(b) for b in range(4)] == [0, 1920, 1920 + 1440, 1920 + 2880]
    assert m.bar_at(1920 + 1440) == 2


def test_meter_change_mid_bar_starts_a_new_bar():
    # 4/4, then 3/4 half-way (2 beats) into bar 1: bar 1 is cut short, bar 2 starts at the change.
    change = BAR_44 + 960
    m = Meter((TimeSignature(0, 4, 4), TimeSignature(change, 3, 4)))
    assert m.bar_start(1) == BAR_44
    assert m.bar_start(2) == change
    assert m.bar_start(3) == change + BAR_34
    assert m.bar_at(change - 1) == 1
    assert m.bar_at(change) == 2
    assert m.bar_at(change + BAR_34 - 1) == 2
    assert m.bar_at(change + BAR_34) == 3
    assert m.bars_to_ticks(1, 1) == (BAR_44, change)
    assert m.bars_to_ticks(1, 2) == (BAR_44, change + BAR_34)


def test_meter_change_one_tick_in_starts_new_bar():
    m = Meter((TimeSignature(0, 4, 4), TimeSignature(1, 3, 4)))
    assert m.bar_start(0) == 0
    assert m.bar_start(1) == 1
    assert m.bar_start(2) == 1 + BAR_34
    assert m.bar_at(0) == 0
    assert m.bar_at(1) == 1


def test_several_changes():
    sigs = (TimeSignature(0, 4, 4), TimeSignature(BAR_44, 6, 8), TimeSignature(BAR_44 + 2 * 1440, 2, 4))
    m = Meter(sigs)
    starts = [m.bar_start(b) for b in range(6)]
    assert starts == [0, 1920, 3360, 4800, 5760, 6720]
    for b, s in enumerate(starts):
        assert m.bar_at(s) == b
        if b:
            assert m.bar_at(s - 1) == b - 1


def test_meter_inserts_signature_at_zero_and_sorts():
    m = Meter((TimeSignature(3840, 3, 4), TimeSignature(1920, 6, 8)))
    assert m.signatures[0] == TimeSignature(0, 6, 8)
    assert [s.tick for s in m.signatures] == [0, 1920, 3840]


def test_last_signature_at_same_tick_wins():
    m = Meter((TimeSignature(0, 4, 4), TimeSignature(0, 3, 4)))
    assert m.signatures == (TimeSignature(0, 3, 4),)
    assert m.bar_start(1) == BAR_34


def test_bar_start_rejects_negative_bar():
    with pytest.raises(ValueError, match="before the song"):
        Meter(()).bar_start(-1)


def test_bars_to_ticks_rejects_backwards_range():
    with pytest.raises(ValueError, match="backwards"):
        Meter(()).bars_to_ticks(3, 2)
