"""Ticks, tempo conversions and General MIDI instrument names."""

import pytest

from musicstudio.core.instruments import GM_PROGRAMS, instrument_name
from musicstudio.core.tempo import DEFAULT_TEMPO_US, MAX_TEMPO_US, MIN_TEMPO_US, Tempo, bpm_to_us, us_to_bpm
from musicstudio.core.ticks import PPQ, beats_to_ticks, ticks_to_beats


def test_ppq_and_beat_conversions():
    assert PPQ == 480
    assert beats_to_ticks(1) == 480
    assert beats_to_ticks(0.25) == 120
    assert beats_to_ticks(1 / 3) == 160
    assert beats_to_ticks(0.0011) == 1
    assert ticks_to_beats(960) == 2.0
    assert ticks_to_beats(240) == 0.5


def test_default_tempo_is_120_bpm():
    assert DEFAULT_TEMPO_US == 500_000
    assert us_to_bpm(DEFAULT_TEMPO_US) == 120.0
    assert Tempo(0, DEFAULT_TEMPO_US).bpm == 120.0


@pytest.mark.parametrize("bpm, us", [(120, 500_000), (60, 1_000_000), (100, 600_000), (90, 666_667), (240, 250_000)])
def test_bpm_to_us(bpm, us):
    assert bpm_to_us(bpm) == us


def test_bpm_to_us_clamps_to_midi_range():
    assert bpm_to_us(1e-6) == MAX_TEMPO_US
    assert bpm_to_us(1e12) == MIN_TEMPO_US


@pytest.mark.parametrize("bpm", [0, -1, -120.5])
def test_bpm_to_us_rejects_non_positive(bpm):
    with pytest.raises(ValueError, match="above 0 BPM"):
        bpm_to_us(bpm)


def test_round_trip_bpm():
    for bpm in (40, 72, 97.5, 133, 200):
        assert us_to_bpm(bpm_to_us(bpm)) == pytest.approx(bpm, rel=1e-5)


def test_instrument_names():
    assert len(GM_PROGRAMS) == 128
    assert instrument_name(0) == "Acoustic Grand Piano"
    assert instrument_name(40) == "Violin"
    assert instrument_name(127) == "Gunshot"
    assert instrument_name(0, is_drum=True) == "Drums"
    assert instrument_name(25, True) == "Drums"
