"""Note values, make_note validation, ordering and pitch names."""

import pytest

from musicstudio.core.note import HIGHEST_PITCH, LOWEST_PITCH, PITCH_NAMES, Note, make_note, note_order, pitch_name


def test_fields_and_default_velocity():
    n = Note(60, 480, 240)
    assert (n.pitch, n.start, n.duration, n.velocity) == (60, 480, 240, 100)
    assert n.end == 720


def test_note_is_immutable():
    n = Note(60, 0, 10)
    with pytest.raises(AttributeError):
        n.pitch = 61  # type: ignore[misc]
    with pytest.raises(AttributeError):
        n.start = 5  # type: ignore[misc]
    assert n == Note(60, 0, 10, 100)


def test_notes_are_hashable_values():
    assert Note(60, 0, 10) == Note(60, 0, 10)
    assert len({Note(60, 0, 10), Note(60, 0, 10), Note(61, 0, 10)}) == 2


@pytest.mark.parametrize("method, value, field", [
    ("with_pitch", 72, "pitch"),
    ("with_start", 960, "start"),
    ("with_duration", 5, "duration"),
    ("with_velocity", 1, "velocity"),
])
def test_with_methods_copy_and_leave_original(method, value, field):
    original = Note(60, 480, 240, 90)
    copy = getattr(original, method)(value)
    assert getattr(copy, field) == value
    assert original == Note(60, 480, 240, 90)
    assert copy is not original
    for other in ("pitch", "start", "duration", "velocity"):
        if other != field:
            assert getattr(copy, other) == getattr(original, other)


def test_moved_by():
    n = Note(60, 480, 240, 90)
    assert n.moved_by(ticks=120) == Note(60, 600, 240, 90)
    assert n.moved_by(semitones=-12) == Note(48, 480, 240, 90)
    assert n.moved_by(-480, 7) == Note(67, 0, 240, 90)
    assert n.moved_by() == n
    assert n == Note(60, 480, 240, 90)


def test_end_follows_copies():
    n = Note(60, 100, 50)
    assert n.with_start(200).end == 250
    assert n.with_duration(1).end == 101


def test_make_note_valid():
    assert make_note(60, 0, 1) == Note(60, 0, 1, 100)
    assert make_note(LOWEST_PITCH, 0, 1, 1) == Note(0, 0, 1, 1)
    assert make_note(HIGHEST_PITCH, 10_000, 480, 127) == Note(127, 10_000, 480, 127)
    assert type(make_note(60, 0, 1)) is Note


@pytest.mark.parametrize("args, fragment", [
    ((128, 0, 1), "pitch 128"),
    ((-1, 0, 1), "pitch -1"),
    ((60, 0, 1, 0), "velocity 0"),
    ((60, 0, 1, 128), "velocity 128"),
    ((60, -1, 1), "start -1"),
    ((60, 0, 0), "duration 0"),
    ((60, 0, -5), "duration -5"),
])
def test_make_note_value_errors(args, fragment):
    with pytest.raises(ValueError, match=fragment):
        make_note(*args)


@pytest.mark.parametrize("args, name", [
    ((60.0, 0, 1), "pitch"),
    ((60, 0.5, 1), "start"),
    ((60, 0, "1"), "duration"),
    ((60, 0, 1, None), "velocity"),
    ((True, 0, 1), "pitch"),
    ((60, 0, 1, True), "velocity"),
])
def test_make_note_type_errors(args, name):
    with pytest.raises(TypeError, match=f"note {name} must be a whole number"):
        make_note(*args)


def test_note_order_sorts_by_start_pitch_duration_velocity():
    notes = [Note(60, 10, 5, 90), Note(59, 10, 5, 90), Note(60, 0, 5, 90),
             Note(60, 10, 4, 90), Note(60, 10, 5, 80)]
    assert sorted(notes, key=note_order) == [
        Note(60, 0, 5, 90), Note(59, 10, 5, 90), Note(60, 10, 4, 90),
        Note(60, 10, 5, 80), Note(60, 10, 5, 90)]


@pytest.mark.parametrize("pitch, name", [
    (60, "C4"), (61, "C#4"), (69, "A4"), (0, "C-1"), (127, "G9"), (59, "B3"), (21, "A0"),
])
def test_pitch_name(pitch, name):
    assert pitch_name(pitch) == name


def test_pitch_names_cover_the_octave():
    assert len(PITCH_NAMES) == 12
    assert [pitch_name(48 + i)[:-1] for i in range(12)] == list(PITCH_NAMES)


@pytest.mark.parametrize("text, pitch", [("C4", 60), ("c4", 60), ("C#4", 61), ("Db4", 61), ("C♯4", 61),
                                         ("B♭3", 58), ("C-1", 0), ("G9", 127), ("Cb4", 59), ("B#3", 60),
                                         ("60", 60), (" 0 ", 0), ("127", 127)])
def test_parse_pitch(text, pitch):
    from musicstudio.core.note import parse_pitch

    assert parse_pitch(text) == pitch


@pytest.mark.parametrize("text, words", [("H4", "not a pitch"), ("C", "not a pitch"), ("-3", "not a pitch"),
                                         ("128", "outside"), ("G#9", "outside"), ("Cb-1", "outside")])
def test_parse_pitch_refuses(text, words):
    from musicstudio.core.note import parse_pitch

    with pytest.raises(ValueError, match=words):
        parse_pitch(text)
