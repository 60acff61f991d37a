"""Piano-roll codec: (planes, bars, steps, pitches) booleans with an onset plane."""

import numpy as np
import pytest
from grid_notes import SETTINGS, chords, loose_notes
from hypothesis import given

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.codecs import PianorollCodec, codec_from_vocabulary
from musicstudio.generators.codecs.grid import on_grid

CODEC = PianorollCodec()
NO_ONSETS = PianorollCodec(onsets=False)


@SETTINGS
@given(chords(low=21, high=108))
def test_notes_on_the_grid_round_trip_with_repeats(notes):
    roll = CODEC.encode(notes)
    assert roll.dtype == bool and roll.shape[0] == 2 and roll.shape[2:] == (16, 88)
    assert CODEC.decode(roll) == on_grid(notes, velocity=100)


@SETTINGS
@given(chords(low=21, high=108))
def test_without_onsets_touching_notes_merge_as_documented(notes):
    assert NO_ONSETS.decode(NO_ONSETS.encode(notes)) == NO_ONSETS.expected(notes)


@SETTINGS
@given(loose_notes(low=21, high=108))
def test_off_grid_notes_come_back_quantized(notes):
    assert CODEC.decode(CODEC.encode(notes)) == CODEC.expected(notes)


def test_repeated_quarter_notes_stay_two_notes():
    notes = (Note(60, 0, 480), Note(60, 480, 480))
    assert CODEC.decode(CODEC.encode(notes)) == notes
    assert NO_ONSETS.decode(NO_ONSETS.encode(notes)) == (Note(60, 0, 960),)


def test_bars_follow_the_clip_and_the_meter():
    six_eight = PianorollCodec(steps_per_bar=12)
    roll = six_eight.encode(Clip((Note(60, 0, 120),), 3 * 12 * 120))
    assert roll.shape == (2, 3, 12, 88)
    tracks = CODEC.encode_tracks([[Note(60, 0, 120)], [Note(40, 16 * 120 * 2, 120)]])
    assert tracks.shape == (2, 2, 3, 16, 88)
    assert CODEC.decode_tracks(tracks)[1] == (Note(40, 3840, 120, 100),)


def test_probabilities_decode_at_a_threshold():
    probs = CODEC.encode([Note(60, 0, 480), Note(64, 240, 240)]).astype(np.float32) * 0.8
    probs[1, 0, 6, 64 - 21] = 0.7  # an onset in a silent cell: a one-step note
    assert CODEC.decode(probs) == (Note(60, 0, 480, 100), Note(64, 240, 240, 100), Note(64, 720, 120, 100))
    assert CODEC.decode(probs, threshold=0.9) == ()


def test_range_shape_and_vocabulary():
    with pytest.raises(ValueError, match="outside the piano-roll range"):
        CODEC.encode([Note(10, 0, 120)])
    with pytest.raises(ValueError, match="does not fit"):
        CODEC.decode(np.zeros((2, 1, 12, 88), dtype=bool))
    assert codec_from_vocabulary(NO_ONSETS.vocabulary()) == NO_ONSETS
