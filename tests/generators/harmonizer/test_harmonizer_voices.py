"""The harmonizer's view of four voices: token lines that give the notes back, piano rolls and onsets derived
from them, the meter's planes, and the masks it learns under."""

import numpy as np
import pytest

from musicstudio.core.note import Note
from musicstudio.generators.harmonizer.masks import HARMONIZE, training_mask
from musicstudio.generators.harmonizer.voices import (
    PITCHES,
    ROLL,
    TOKENS,
    Voices,
    meter_planes,
    pitch_allowed,
    rolls,
    sounding,
)

SOPRANO = (Note(72, 0, 480, 90), Note(72, 480, 480, 90), Note(74, 960, 240, 90), Note(76, 1440, 480, 90))
BASS = (Note(48, 0, 960, 90), Note(43, 960, 960, 90))


def test_four_parts_come_back_from_their_token_lines_repeated_notes_and_rests_kept():
    voices = Voices.from_parts([SOPRANO, (), (), BASS], (4, 4))
    assert voices.tokens.shape == (4, 16)
    assert voices.notes(0, velocity=90) == SOPRANO
    assert voices.notes(3, velocity=90) == BASS
    assert voices.notes(1) == ()


def test_the_roll_says_which_pitch_sounds_and_where_notes_start():
    tokens = Voices.from_parts([SOPRANO, (), (), BASS], (4, 4)).tokens
    roll = rolls(tokens)
    assert roll.shape == (4, 16, ROLL)
    assert (roll[..., :-1].sum(axis=-1) == 1).all()                      # one pitch or silence a step
    assert sounding(tokens)[0].tolist()[:13] == [72 - 36] * 8 + [74 - 36] * 2 + [PITCHES] * 2 + [76 - 36]
    assert np.flatnonzero(roll[0, :, -1]).tolist() == [0, 4, 8, 12]      # the repeated 72 starts again
    assert (sounding(tokens)[1] == PITCHES).all()


def test_a_pitch_outside_the_range_is_refused():
    with pytest.raises(ValueError):
        Voices.from_parts([(Note(100, 0, 480, 90),), (), (), ()], (4, 4))


@pytest.mark.parametrize("meter, bar, beat", [((4, 4), 16, 4), ((3, 4), 12, 4), ((6, 8), 12, 6), ((2, 2), 16, 8)])
def test_meter_planes_put_bar_lines_and_beats_where_the_meter_says(meter, bar, beat):
    planes = meter_planes(meter, 2 * bar)
    assert np.flatnonzero(planes[0]).tolist() == [0, bar]
    assert np.flatnonzero(planes[1]).tolist() == list(range(0, 2 * bar, beat))
    shifted = meter_planes(meter, bar, offset=bar // 2)
    assert np.flatnonzero(shifted[0]).tolist() == [bar - bar // 2]


def test_allowed_tokens_keep_a_voice_inside_its_range():
    allowed = pitch_allowed(48, 60)
    assert allowed.shape == (TOKENS,) and allowed[:2].all()
    assert allowed.sum() == 2 + 13


def test_training_masks_cover_only_the_chosen_voices_and_often_the_harmonize_case():
    rng = np.random.default_rng(0)
    masks = [training_mask(rng, 32) for _ in range(400)]
    assert all(m.shape == (4, 32) for m in masks)
    assert sum((m.any(axis=1) == HARMONIZE).all() for m in masks) > 100
    assert all(m.any() for m in masks)
