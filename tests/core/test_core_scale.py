"""Scales for the key lock: the minors and the church modes on any tonic, read from their names."""

import pytest

from musicstudio.core.key import Key
from musicstudio.core.scale import MODES, Scale, lock_from_record, lock_record, parse_scale


def names(scale: Scale) -> list[str]:
    return [("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")[(scale.tonic + k) % 12]
            for k in range(12) if (scale.tonic + k) % 12 in scale.scale()]


def test_a_minor_key_locks_to_harmonic_minor_with_its_leading_tone():
    lock = parse_scale("F#m")
    assert lock == Scale.of_key(Key(3, True)) == Scale(6, "harmonic minor", "F#")
    assert lock.contains(65) and not lock.contains(64)          # E# (F) in, E out
    assert names(lock) == ["F#", "G#", "A", "B", "C#", "D", "F"]
    assert lock.name == "F# harmonic minor" and lock.minor


@pytest.mark.parametrize("text, tonic_names", [
    ("A natural minor", ["A", "B", "C", "D", "E", "F", "G"]),
    ("A aeolian", ["A", "B", "C", "D", "E", "F", "G"]),
    ("A harmonic minor", ["A", "B", "C", "D", "E", "F", "G#"]),
    ("A melodic minor", ["A", "B", "C", "D", "E", "F#", "G#"]),
    ("D dorian", ["D", "E", "F", "G", "A", "B", "C"]),
    ("E phrygian", ["E", "F", "G", "A", "B", "C", "D"]),
    ("F lydian", ["F", "G", "A", "B", "C", "D", "E"]),
    ("G mixolydian", ["G", "A", "B", "C", "D", "E", "F"]),
    ("B locrian", ["B", "C", "D", "E", "F", "G", "A"]),
    ("C major", ["C", "D", "E", "F", "G", "A", "B"]),
    ("C ionian", ["C", "D", "E", "F", "G", "A", "B"]),
    ("D Dorian", ["D", "E", "F", "G", "A", "B", "C"]),
    ("Eb dorian", ["D#", "F", "F#", "G#", "A#", "C", "C#"]),
    ("c# harmonic", ["C#", "D#", "E", "F#", "G#", "A", "C"]),
])
def test_every_scale_on_its_tonic(text, tonic_names):
    assert names(parse_scale(text)) == tonic_names


def test_the_choices_and_the_third():
    assert MODES == ("major", "harmonic minor", "melodic minor", "natural minor", "dorian", "phrygian", "lydian",
                     "mixolydian", "aeolian", "locrian")
    assert [Scale(0, m, "C").minor for m in MODES] == [False, True, True, True, True, True, False, False, True, True]


def test_the_spelling_is_kept_and_a_major_key_stays_major():
    assert parse_scale("Gb minor").name == "Gb harmonic minor"
    assert parse_scale("Bb").name == "Bb major" and parse_scale("bb").name == "Bb harmonic minor"
    assert Scale.of_key(Key(-2)) == Scale(10, "major", "Bb")
    assert Scale.of_key(Key(-1, True), "dorian").name == "D dorian"


@pytest.mark.parametrize("text", ["", "H dorian", "C blues", "D dorian minor", "C major key", "dorian"])
def test_parse_scale_names_the_choices_when_it_cannot_read(text):
    with pytest.raises(ValueError, match="not a key or scale.*dorian"):
        parse_scale(text)


def test_of_key_refuses_an_unknown_scale():
    with pytest.raises(ValueError, match="not a scale"):
        Scale.of_key(Key(), "blues")


@pytest.mark.parametrize("lock", [Key(-3, True), Key(6), parse_scale("F# harmonic minor"), parse_scale("Eb dorian"),
                                  parse_scale("Gb melodic minor")])
def test_a_lock_round_trips_through_its_record(lock):
    assert lock_from_record(lock_record(lock)) == lock


def test_old_records_of_a_key_still_read():
    assert lock_from_record([-3, 1]) == Key(-3, True)
    with pytest.raises(ValueError):
        lock_from_record(["H", "dorian"])
