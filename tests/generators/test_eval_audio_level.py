"""Energy and level of sample buffers and of FluidSynth renders of a phrase."""

import math

import numpy as np
import pytest

from musicstudio.core.note import Note
from musicstudio.generators.evaluation.audio_level import audio_level, phrase_level


def test_levels_of_a_full_scale_sine_and_of_silence():
    t = np.arange(44100) / 44100
    sine = np.sin(2 * np.pi * 441 * t)
    level = audio_level(np.stack([sine, sine], axis=1))
    assert level.rms_dbfs == pytest.approx(-3.0103, abs=1e-3)
    assert level.peak_dbfs == pytest.approx(0.0, abs=1e-6)
    assert level.energy == pytest.approx(44100 / 2) and level.seconds == 1.0
    assert audio_level(np.zeros((100, 2))).rms_dbfs == -math.inf
    assert audio_level(np.zeros((0, 2))).energy == 0.0


def test_a_rendered_phrase_is_audible_and_louder_when_played_harder():
    soft = [Note(60 + i, i * 480, 480, 30) for i in range(4)]
    loud = [n.with_velocity(120) for n in soft]
    soft_level, loud_level = phrase_level(soft), phrase_level(loud)
    assert -60 < soft_level.rms_dbfs < loud_level.rms_dbfs < 0
    assert loud_level.energy > soft_level.energy
    assert 1.0 < loud_level.seconds < 4.5       # four beats at 120 BPM plus at most 2 s of release
