"""The General MIDI drum map and its row order."""

import pytest

from musicstudio.core.drum_map import GM_DRUMS, drum_name, drum_rows


def test_rows_list_used_drums_first_then_the_rest_of_the_map_then_unassigned_keys():
    rows = drum_rows([42, 36, 38, 36])
    assert rows[:3] == (36, 38, 42)
    assert rows[3:5] == (35, 37)
    assert set(rows[3:3 + len(GM_DRUMS) - 3]) == set(GM_DRUMS) - {36, 38, 42}
    assert sorted(rows) == list(range(128))


def test_a_used_key_outside_the_map_is_listed_with_the_used_drums():
    rows = drum_rows([90, 36])
    assert rows[:2] == (36, 90)
    assert drum_name(90) == "Key 90"


@pytest.mark.parametrize("pitch, name", [(35, "Kick (acoustic)"), (36, "Kick"), (38, "Snare"),
                                         (46, "Open Hi-Hat"), (81, "Open Triangle")])
def test_names(pitch, name):
    assert drum_name(pitch) == name
