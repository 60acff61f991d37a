"""Keys: tonic, name, scale and parse_key."""

import pytest

from musicstudio.core.key import Key, KeySignature, is_valid_key, parse_key

C_MAJOR = frozenset({0, 2, 4, 5, 7, 9, 11})


def test_default_key_is_c_major():
    assert Key() == Key(0, False)
    assert Key().tonic == 0
    assert Key().name == "C major"
    assert str(Key()) == "C major"
    assert Key().scale() == C_MAJOR


@pytest.mark.parametrize("key, tonic, name", [
    (Key(0), 0, "C major"),
    (Key(1), 7, "G major"),
    (Key(2), 2, "D major"),
    (Key(6), 6, "F# major"),
    (Key(7), 1, "C# major"),
    (Key(-1), 5, "F major"),
    (Key(-2), 10, "Bb major"),
    (Key(-3), 3, "Eb major"),
    (Key(-6), 6, "Gb major"),
    (Key(-7), 11, "Cb major"),
    (Key(0, True), 9, "A minor"),
    (Key(-3, True), 0, "C minor"),
    (Key(1, True), 4, "E minor"),
    (Key(3, True), 6, "F# minor"),
    (Key(-1, True), 2, "D minor"),
    (Key(-5, True), 10, "Bb minor"),
    (Key(7, True), 10, "A# minor"),
    (Key(-7, True), 8, "Ab minor"),
])
def test_tonic_and_name(key, tonic, name):
    assert key.tonic == tonic
    assert key.name == name
    assert str(key) == name


def test_a_minor_scale_is_white_keys():
    assert Key(0, True).scale() == C_MAJOR


def test_relative_keys_share_a_scale():
    for sharps in range(-7, 8):
        assert Key(sharps).scale() == Key(sharps, True).scale()


@pytest.mark.parametrize("key, scale", [
    (Key(6), {6, 8, 10, 11, 1, 3, 5}),           # F# major
    (Key(-3, True), {0, 2, 3, 5, 7, 8, 10}),      # C minor
    (Key(1), {7, 9, 11, 0, 2, 4, 6}),             # G major
    (Key(-2), {10, 0, 2, 3, 5, 7, 9}),            # Bb major
    (Key(1, True), {4, 6, 7, 9, 11, 0, 2}),       # E minor
])
def test_scales(key, scale):
    assert key.scale() == frozenset(scale)
    assert len(key.scale()) == 7


def test_contains():
    g = Key(1)
    assert g.contains(66)       # F#4
    assert not g.contains(65)   # F4
    assert g.contains(67 + 24)  # any octave
    c_minor = Key(-3, True)
    assert c_minor.contains(63)     # Eb
    assert not c_minor.contains(64)  # E


@pytest.mark.parametrize("sharps, minor, ok", [
    (0, 0, True), (-7, 1, True), (7, 0, True), (8, 0, False), (-8, 1, False), (0, 2, False),
])
def test_is_valid_key(sharps, minor, ok):
    assert is_valid_key(sharps, minor) is ok


@pytest.mark.parametrize("text, key", [
    ("C major", Key(0)),
    ("C", Key(0)),
    ("  c   major ", Key(0)),
    ("A minor", Key(0, True)),
    ("a minor", Key(0, True)),
    ("F# minor", Key(3, True)),
    ("f# MINOR", Key(3, True)),
    ("Bb", Key(-2)),
    ("bb minor", Key(-5, True)),
    ("F# major", Key(6)),
    ("Gb major", Key(-6)),
    ("C# major", Key(7)),
    ("Cb major", Key(-7)),
    ("C minor", Key(-3, True)),
    ("Eb Major", Key(-3)),
    ("Ab minor", Key(-7, True)),
])
def test_parse_key(text, key):
    assert parse_key(text) == key


def test_parse_key_round_trips_every_name():
    for sharps in range(-7, 8):
        for minor in (False, True):
            key = Key(sharps, minor)
            assert parse_key(key.name) == key


@pytest.mark.parametrize("text", ["F#m", "F# minor", "F♯ minor", "F♯m", "f#", "f# min", "F sharp minor",
                                  "F-sharp minor", "Gb minor", "G♭ minor", "gb", "F#min", "F# Minor", "F# moll"])
def test_every_common_spelling_of_f_sharp_minor(text):
    assert parse_key(text) == Key(3, True)


@pytest.mark.parametrize("text, key", [
    ("Bb", Key(-2)), ("B flat major", Key(-2)), ("B-flat", Key(-2)), ("B- major", Key(-2)), ("B♭", Key(-2)),
    ("bb", Key(-5, True)), ("Bbm", Key(-5, True)), ("e-", Key(-6, True)),   # music21's "-" for flat
    ("Cm", Key(-3, True)), ("CM", Key(0)), ("C maj", Key(0)), ("c", Key(-3, True)), ("a", Key(0, True)),
    ("Db minor", Key(4, True)),      # C# minor: D-flat minor would need eight flats
    ("E# major", Key(-1)), ("Fb major", Key(4)), ("A# minor", Key(7, True)), ("Gb major", Key(-6)),
])
def test_other_spellings_and_enharmonic_twins(text, key):
    assert parse_key(text) == key


@pytest.mark.parametrize("text", ["", "   ", "H major", "C dorian", "C major key", "xyz", "1 major", "F## minor",
                                  "F#-minor", "Cx"])
def test_parse_key_rejects(text):
    with pytest.raises(ValueError, match="not a key"):
        parse_key(text)


def test_key_of_tonic_spells_with_few_accidentals():
    from musicstudio.core.key import key_of_tonic

    assert [key_of_tonic(pc, False).name for pc in range(12)] == [
        "C major", "Db major", "D major", "Eb major", "E major", "F major", "Gb major", "G major", "Ab major",
        "A major", "Bb major", "B major"]
    assert [key_of_tonic(pc, True).name for pc in (9, 6, 3, 8, 10)] == [
        "A minor", "F# minor", "Eb minor", "G# minor", "Bb minor"]
    for pc in range(12):
        for minor in (False, True):
            assert key_of_tonic(pc, minor).tonic == pc and key_of_tonic(pc, minor).minor == minor


def test_key_signature():
    ks = KeySignature(960, Key(-3, True))
    assert ks.tick == 960
    assert ks.key.name == "C minor"
