"""Track: canonical note order, program range, copies."""

import dataclasses

import pytest

from musicstudio.core.note import Note
from musicstudio.core.track import Track


def test_defaults():
    t = Track()
    assert (t.name, t.program, t.is_drum, t.notes) == ("", 0, False, ())
    assert len(t) == 0
    assert t.end_tick == 0


def test_notes_sorted_canonically():
    notes = [Note(64, 480, 100), Note(60, 480, 100), Note(60, 0, 200), Note(60, 480, 50), Note(60, 480, 50, 40)]
    t = Track("lead", 0, False, notes)
    assert t.notes == (Note(60, 0, 200), Note(60, 480, 50, 40), Note(60, 480, 50),
                       Note(60, 480, 100), Note(64, 480, 100))
    assert isinstance(t.notes, tuple)
    assert len(t) == 5


def test_notes_given_as_generator_become_tuple():
    t = Track(notes=(Note(p, 0, 1) for p in (62, 60)))
    assert t.notes == (Note(60, 0, 1), Note(62, 0, 1))


def test_end_tick_is_latest_end_not_last_start():
    t = Track(notes=(Note(60, 0, 5000), Note(62, 480, 10)))
    assert t.end_tick == 5000


@pytest.mark.parametrize("program", [0, 127])
def test_program_range_ok(program):
    assert Track(program=program).program == program


@pytest.mark.parametrize("program", [128, -1, 1000])
def test_program_out_of_range(program):
    with pytest.raises(ValueError, match=f"program {program} is outside 0-127"):
        Track(program=program)


def test_with_program_validates():
    with pytest.raises(ValueError):
        Track().with_program(128)
    assert Track().with_program(40).program == 40


def test_track_is_immutable():
    t = Track("a")
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.name = "b"  # type: ignore[misc]


def test_with_copies_leave_original():
    t = Track("piano", 0, False, (Note(60, 0, 10),))
    t2 = t.with_name("organ")
    t3 = t.with_notes([Note(72, 10, 5), Note(48, 0, 5)])
    assert t.name == "piano" and t.notes == (Note(60, 0, 10),)
    assert t2.name == "organ" and t2.notes == t.notes
    assert t3.notes == (Note(48, 0, 5), Note(72, 10, 5))
    assert t3.name == "piano"


def test_equality_ignores_note_input_order():
    a = Track("x", 1, True, (Note(60, 0, 1), Note(61, 0, 1)))
    b = Track("x", 1, True, [Note(61, 0, 1), Note(60, 0, 1)])
    assert a == b
    assert hash(a) == hash(b)
