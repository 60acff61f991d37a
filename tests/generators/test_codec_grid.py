"""The 16th grid the codecs share."""

import pytest
from grid_notes import SETTINGS, loose_notes
from hypothesis import given

from musicstudio.core.note import Note
from musicstudio.generators.codecs.grid import bar_steps, is_on_grid, on_grid


@SETTINGS
@given(loose_notes())
def test_on_grid_lands_on_the_grid_and_is_idempotent(notes):
    snapped = on_grid(notes)
    assert is_on_grid(snapped)
    assert on_grid(snapped) == snapped
    for pitch in {n.pitch for n in snapped}:
        same = [n for n in snapped if n.pitch == pitch]
        assert all(a.end <= b.start for a, b in zip(same, same[1:]))  # one pitch never overlaps itself


def test_same_pitch_overlaps_are_resolved():
    notes = [Note(60, 0, 960), Note(60, 480, 240), Note(60, 480, 120), Note(62, 10, 50)]
    assert on_grid(notes) == (Note(60, 0, 480), Note(62, 0, 120), Note(60, 480, 240))


def test_bar_steps():
    assert [bar_steps(4, 4), bar_steps(2, 4), bar_steps(6, 8), bar_steps(4, 2)] == [16, 8, 12, 32]
    with pytest.raises(ValueError):
        bar_steps(3, 32)
