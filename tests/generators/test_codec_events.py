"""Event codec: note-on, note-off and time-shift tokens on the 16th grid."""

import pytest
from grid_notes import SETTINGS, chords, loose_notes
from hypothesis import given

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.codecs import EventCodec, codec_from_vocabulary
from musicstudio.generators.codecs.grid import on_grid

CODEC = EventCodec()
WITH_VELOCITY = EventCodec(velocity_bins=32)


@SETTINGS
@given(chords())
def test_polyphony_on_the_grid_round_trips(notes):
    assert CODEC.decode(CODEC.encode(notes)) == on_grid(notes, velocity=100)


@SETTINGS
@given(chords(velocities=True))
def test_velocity_bins_keep_velocity_to_its_bin(notes):
    back = WITH_VELOCITY.decode(WITH_VELOCITY.encode(notes))
    assert back == WITH_VELOCITY.expected(notes)
    exact = [n._replace(velocity=WITH_VELOCITY.bin_velocity(WITH_VELOCITY.velocity_bin(n.velocity))) for n in notes]
    assert WITH_VELOCITY.decode(WITH_VELOCITY.encode(exact)) == on_grid(exact)  # bin values come back unchanged


@SETTINGS
@given(loose_notes())
def test_off_grid_notes_come_back_quantized(notes):
    assert CODEC.decode(CODEC.encode(notes)) == CODEC.expected(notes)


def test_long_gaps_use_several_shifts_and_a_clip_ends_with_its_silence():
    notes = (Note(60, 0, 120), Note(62, 40 * 120, 120))
    tokens = CODEC.encode(Clip(notes, 50 * 120)).tolist()
    shift = lambda k: CODEC.first_shift + k - 1  # noqa: E731
    assert tokens == [60, shift(1), CODEC.first_off + 60, shift(16), shift(16), shift(7), 62, shift(1),
                      CODEC.first_off + 62, shift(9)]
    assert CODEC.decode(tokens) == notes


def test_a_repeated_note_ends_before_it_starts_again():
    notes = (Note(60, 0, 240), Note(60, 240, 240))
    tokens = CODEC.encode(notes).tolist()
    assert tokens == [60, CODEC.first_shift + 1, CODEC.first_off + 60, 60, CODEC.first_shift + 1,
                      CODEC.first_off + 60]
    assert CODEC.decode(tokens) == notes


def test_decoding_model_output_is_forgiving():
    off, shift = CODEC.first_off, CODEC.first_shift
    tokens = [off + 64, 60, 60, shift + 1, 60, shift + 0, 67]  # stray off, doubled on, restart, open end
    assert CODEC.decode(tokens) == (Note(60, 0, 240, 100), Note(60, 240, 120, 100), Note(67, 360, 120, 100))
    with pytest.raises(ValueError):
        CODEC.decode([CODEC.size])


def test_range_and_vocabulary():
    small = EventCodec(36, 84, max_shift=32, velocity_bins=8)
    assert small.size == 2 * 49 + 32 + 8
    assert codec_from_vocabulary(small.vocabulary()) == small
    with pytest.raises(ValueError, match="outside the event range"):
        small.encode([Note(30, 0, 120)])
