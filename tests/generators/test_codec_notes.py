"""Note-row codec: (pitch, step, duration) rows in beats."""

import numpy as np
from grid_notes import SETTINGS, chords, loose_notes
from hypothesis import given

from musicstudio.core.note import Note
from musicstudio.generators.codecs import NotesCodec, codec_from_vocabulary
from musicstudio.generators.codecs.grid import on_grid

CODEC = NotesCodec()


@SETTINGS
@given(chords())
def test_notes_on_the_grid_round_trip(notes):
    rows = CODEC.encode(notes)
    assert rows.dtype == np.float32 and rows.shape == (len(on_grid(notes)), 3)
    assert CODEC.decode(rows) == on_grid(notes, velocity=100)


@SETTINGS
@given(loose_notes())
def test_off_grid_notes_come_back_quantized(notes):
    assert CODEC.decode(CODEC.encode(notes)) == CODEC.expected(notes)


def test_rows_count_beats_from_the_previous_start():
    rows = CODEC.encode([Note(60, 480, 240), Note(64, 480, 480), Note(67, 1200, 120)])
    assert rows.tolist() == [[60, 1.0, 0.5], [64, 0.0, 1.0], [67, 1.5, 0.25]]


def test_continuous_model_output_is_snapped_to_the_grid():
    rows = np.array([[59.6, 0.26, 0.49], [130.0, -0.2, 0.0], [64.2, 0.51, 1.02]])
    assert CODEC.decode(rows) == (Note(60, 120, 240, 100), Note(127, 120, 120, 100), Note(64, 360, 480, 100))
    assert codec_from_vocabulary(CODEC.vocabulary()) == CODEC
