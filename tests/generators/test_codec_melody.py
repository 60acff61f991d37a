"""Melody codec: NOTE_OFF / HOLD / note-on per 16th step."""

import numpy as np
import pytest
from grid_notes import SETTINGS, chords, lines, loose_notes
from hypothesis import given

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.core.track import Track
from musicstudio.generators.codecs import MelodyCodec, codec_from_vocabulary
from musicstudio.generators.codecs.grid import on_grid
from musicstudio.generators.codecs.melody import HOLD, NOTE_OFF, monophonic

CODEC = MelodyCodec()


@SETTINGS
@given(lines())
def test_a_line_on_the_grid_round_trips_exactly(notes):
    assert CODEC.decode(CODEC.encode(notes)) == tuple(notes)


@SETTINGS
@given(lines(), lines())
def test_a_clip_keeps_its_trailing_silence(notes, more):
    length = max((n.end for n in notes), default=0) + 7 * 120
    clip = Clip(tuple(notes), length)
    tokens = CODEC.encode(clip)
    assert len(tokens) == 7 + length // 120 - 7
    assert CODEC.decode(tokens) == tuple(notes)


@SETTINGS
@given(chords(low=48, high=84))
def test_overlapping_notes_become_the_documented_single_line(notes):
    assert CODEC.decode(CODEC.encode(notes)) == CODEC.expected(notes)
    assert CODEC.expected(notes) == monophonic(on_grid(notes, velocity=100))


@SETTINGS
@given(loose_notes(low=48, high=84))
def test_off_grid_notes_come_back_quantized(notes):
    assert CODEC.decode(CODEC.encode(notes)) == CODEC.expected(notes)


def test_tokens_spell_out_notes_rests_and_repeats():
    notes = [Note(60, 0, 240), Note(60, 240, 240), Note(62, 720, 120)]
    tokens = CODEC.encode(Track("m", 0, False, tuple(notes)))
    on60, on62 = 2 + 60 - 48, 2 + 62 - 48
    assert tokens.tolist() == [on60, HOLD, on60, HOLD, NOTE_OFF, HOLD, on62]
    assert tokens.dtype == np.int64


def test_highest_note_of_a_chord_is_kept_and_a_new_note_cuts_the_old():
    notes = [Note(60, 0, 960), Note(64, 0, 480), Note(67, 240, 480)]
    assert monophonic(notes) == (Note(64, 0, 240), Note(67, 240, 480))


def test_pitches_outside_the_range_are_refused():
    with pytest.raises(ValueError, match="outside the melody range"):
        CODEC.encode([Note(90, 0, 120)])
    with pytest.raises(ValueError, match="outside the melody vocabulary"):
        CODEC.decode([CODEC.size])


def test_vocabulary_rebuilds_the_codec():
    codec = MelodyCodec(36, 96)
    vocab = codec.vocabulary()
    assert vocab["size"] == 2 + 61 and vocab["tokens"]["NOTE_OFF"] == NOTE_OFF
    assert codec_from_vocabulary(vocab) == codec
    with pytest.raises(ValueError):
        MelodyCodec.from_vocabulary({"codec": "events"})


def test_steps_cut_a_long_line():
    tokens = CODEC.encode([Note(60, 0, 480), Note(62, 480, 480)], steps=6)
    assert CODEC.decode(tokens) == (Note(60, 0, 480), Note(62, 480, 240))
