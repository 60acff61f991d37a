import pytest

from musicstudio.core.note import Note
from musicstudio.core.voices import continue_voices, lines_of, most_at_once

Q = 480


def chord(start: int, *pitches: int, length: int = Q) -> list[Note]:
    return [Note(p, start, length) for p in pitches]


def test_most_at_once_counts_overlaps_not_touching_notes():
    assert most_at_once([]) == 0
    assert most_at_once([Note(60, 0, Q), Note(62, Q, Q)]) == 1
    assert most_at_once(chord(0, 60, 64, 67) + [Note(72, Q // 2, Q)]) == 4


def test_four_part_chords_go_to_four_lines_top_to_bottom():
    notes = chord(0, 72, 67, 64, 48) + chord(Q, 74, 67, 62, 55)
    lines = continue_voices(notes, [71, 67, 62, 55])
    assert [[n.pitch for n in line] for line in lines] == [[72, 74], [67, 67], [64, 62], [48, 55]]


def test_a_held_note_keeps_its_line_and_new_notes_take_the_free_ones_in_order():
    held_alto = Note(65, 0, 2 * Q)
    notes = [held_alto] + chord(0, 72, 60, 48) + chord(Q, 71, 59, 43)
    lines = continue_voices(notes, [72, 65, 60, 48])
    assert lines[1] == [held_alto]
    assert [[n.pitch for n in line] for line in (lines[0], lines[2], lines[3])] == [[72, 71], [60, 59], [48, 43]]


def test_fewer_notes_than_lines_go_to_the_nearest_lines_in_order():
    lines = continue_voices(chord(0, 70, 50), [72, 67, 60, 48])
    assert [[n.pitch for n in line] for line in lines] == [[70], [], [], [50]]
    lines = continue_voices(chord(0, 66, 61), [72, 67, 60, 48])
    assert [[n.pitch for n in line] for line in lines] == [[], [66], [61], []]


def test_a_melody_stays_in_the_line_it_continues():
    tune = [Note(p, i * Q, Q) for i, p in enumerate((60, 62, 64, 65, 67, 65, 64, 62))]
    lines = continue_voices(tune, [72, 60, 48])
    assert lines[1] == tune and lines[0] == lines[2] == []


def test_more_notes_than_lines_lose_none():
    notes = chord(0, 72, 69, 67, 64, 60, 48)
    lines = continue_voices(notes, [72, 60])
    assert sorted(n for line in lines for n in line) == sorted(notes)
    assert lines[0][0].pitch == 72 and 48 in [n.pitch for n in lines[1]]


def test_no_line_is_an_error():
    with pytest.raises(ValueError):
        continue_voices(chord(0, 60), [])


def test_a_new_note_above_a_held_top_line_joins_it_rather_than_cross_it():
    held = Note(76, 0, 2 * Q)
    lines = continue_voices([held, Note(83, Q, Q), Note(69, Q, Q)], [76, 67, 60, 48])
    assert [n.pitch for n in lines[0]] == [76, 83] and [n.pitch for n in lines[1]] == [69]


def test_lines_are_the_parts_with_notes_highest_first_from_the_top_of_their_last_onset():
    bass = [Note(48, 0, Q), Note(43, Q, Q)]
    soprano = [Note(72, 0, Q), Note(74, Q, Q // 2), Note(71, Q, Q // 2)]   # its last onset holds 74 and 71
    assert lines_of([bass, [], soprano]) == [(2, 74), (0, 43)]
    assert lines_of([[], []]) == []
