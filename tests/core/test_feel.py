"""Swing measured from a phrase's onsets, and applied to or taken out of notes (core/feel.py)."""

import pytest

from musicstudio.core.edits import quantize
from musicstudio.core.feel import (
    EIGHTH,
    OFF,
    SIXTEENTH,
    TRIPLET,
    Swing,
    feel_fits,
    measure_swing,
    parse_feel,
)
from musicstudio.core.note import Note

EIGHTHS = [Note(60 + i % 5, i * EIGHTH, EIGHTH, 90) for i in range(16)]          # two bars of straight 8ths
SIXTEENTHS = [Note(60 + i % 3, i * SIXTEENTH, SIXTEENTH, 90) for i in range(32)]


def test_straight_8ths_read_as_straight_and_keep_nothing_to_undo():
    reading = measure_swing(EIGHTHS)
    assert (reading.ratio, reading.unit, reading.pairs, reading.confident) == (0.5, EIGHTH, 8, True)
    assert reading.swing is None


@pytest.mark.parametrize("ratio", [0.58, 0.62, TRIPLET])
def test_swung_8ths_read_at_their_ratio(ratio):
    reading = measure_swing(Swing.of_ratio(ratio).swung(EIGHTHS))
    assert reading.unit == EIGHTH and reading.confident and reading.ratio == pytest.approx(ratio, abs=0.003)
    assert reading.swing.ratio == pytest.approx(ratio, abs=0.003)


def test_triplet_swing_is_a_quarter_and_an_8th_of_a_triplet():
    swung = Swing.of_ratio(TRIPLET).swung(EIGHTHS[:2])
    assert [(n.start, n.duration) for n in swung] == [(0, 320), (320, 160)]
    assert Swing(1 / 3).ratio == pytest.approx(TRIPLET)


def test_swung_16ths_read_as_16th_swing():
    reading = measure_swing(Swing.of_ratio(0.6, SIXTEENTH).swung(SIXTEENTHS))
    assert reading.unit == SIXTEENTH and reading.confident and reading.ratio == pytest.approx(0.6, abs=0.005)
    assert measure_swing(SIXTEENTHS).ratio == 0.5


def test_a_chord_is_one_onset_and_played_timing_is_read_through():
    played = [n.moved_by(ticks=(7, -5, -6, 4)[i % 4]) for i, n in enumerate(Swing.of_ratio(0.62).swung(EIGHTHS))]
    chords = played + [n.moved_by(semitones=-12, ticks=4) for n in played]
    reading = measure_swing(chords)
    assert reading.pairs == 8 and reading.confident and reading.ratio == pytest.approx(0.62, abs=0.02)


def test_too_few_pairs_or_a_mix_of_rhythms_is_not_a_confident_swing():
    assert measure_swing([Note(60, i * 480, 480) for i in range(8)]) is None          # quarters: no pairs
    few = measure_swing(Swing.of_ratio(0.62).swung(EIGHTHS[:6]))
    assert few.pairs == 3 and not few.confident and few.swing is None
    dotted = [Note(60, b * 480, 360) for b in range(4)] + [Note(62, b * 480 + 360, 120) for b in range(4)]
    mixed = measure_swing(EIGHTHS[:10] + [n.moved_by(ticks=5 * 480) for n in dotted])  # 5 beats straight, 4 dotted
    assert mixed.pairs == 9 and not mixed.confident and mixed.swing is None
    hornpipe = measure_swing([n.moved_by(ticks=k * 4 * 480) for k in range(2) for n in dotted])
    assert hornpipe.confident and hornpipe.ratio == 0.75 and hornpipe.swing is None   # written dotted: not swing


@pytest.mark.parametrize("swing", [Swing.of_ratio(0.58), Swing.of_ratio(TRIPLET), Swing.of_ratio(0.7, SIXTEENTH)])
def test_swinging_and_straightening_go_back_and_forth_on_the_grid_and_keep_notes_joined(swing):
    grid = list(range(-960, 3 * 960, swing.unit))              # on-beats and off-beats: exactly
    assert [swing.straight(swing.tick(t)) for t in grid] == grid
    assert all(abs(swing.tick(swing.straight(t)) - t) <= 1 for t in range(0, 2000))      # the rest to a tick
    assert all(abs(swing.straight(swing.tick(t)) - t) <= 1 for t in range(0, 2000))
    assert swing.straightened(swing.swung(SIXTEENTHS)) == SIXTEENTHS
    swung = swing.swung(SIXTEENTHS)
    assert all(a.end == b.start for a, b in zip(swung, swung[1:]))      # legato stays legato
    assert all(swing.tick(t) == t for t in range(0, 4 * 1920, 2 * swing.unit))  # beats and bar lines stay


def test_quantize_swings_onto_the_same_grid_points():
    """edits.quantize's swung grid is Swing's: a straight 16th line quantized with swing 1/3 lands where
    Swing(1/3, 16th) puts it."""
    assert quantize(SIXTEENTHS, SIXTEENTH, swing=1 / 3, ends=True) == Swing(1 / 3, SIXTEENTH).swung(SIXTEENTHS)


def test_feel_fits_simple_meters_only():
    assert all(feel_fits(m) for m in ((2, 4), (3, 4), (4, 4), (2, 2), (3, 2)))
    assert not any(feel_fits(m) for m in ((6, 8), (9, 8), (12, 8)))


@pytest.mark.parametrize("text, value", [("auto", "auto"), ("off", OFF), ("Straight", OFF), ("triplet", TRIPLET),
                                         ("60", 0.6), ("60%", 0.6), ("0.62", 0.62), ("50", 0.5), ("75", 0.75)])
def test_a_feel_is_auto_off_triplet_or_a_ratio(text, value):
    assert parse_feel(text) == pytest.approx(value) if isinstance(value, float) else parse_feel(text) == value


@pytest.mark.parametrize("text", ["45", "80", "0.3", "swingy", ""])
def test_a_feel_outside_50_to_75_is_refused_in_words(text):
    with pytest.raises(ValueError, match="50 .*75"):
        parse_feel(text)
