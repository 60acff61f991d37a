"""Key finding: the key of some notes from a cited key profile, and the song key when the signature is
wrong (a piece in G written without one)."""

import pytest

from musicstudio.core.key import Key, KeySignature
from musicstudio.core.key_finding import (
    DEFAULT_PROFILE,
    PROFILES,
    find_key,
    key_fits,
    pitch_class_weights,
    song_key,
)
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track


def line(pitches, length=480):
    return tuple(Note(p, i * length, length) for i, p in enumerate(pitches))


G_MAJOR_TUNE = [67, 71, 74, 72, 71, 69, 67, 66, 67, 69, 71, 67, 62, 66, 69, 67]       # F#s, ends on G
A_MINOR_TUNE = [69, 72, 71, 69, 68, 69, 71, 72, 76, 74, 72, 71, 68, 69, 64, 69]       # G#s, ends on A


@pytest.mark.parametrize("profile", list(PROFILES))
def test_every_profile_finds_a_plain_tune_and_its_transpositions(profile):
    for shift in range(-5, 7):
        found = find_key(line([p + shift for p in G_MAJOR_TUNE]), profile).key
        assert (found.tonic, found.minor) == ((7 + shift) % 12, False)


def test_a_minor_tune_is_minor():
    assert find_key(line(A_MINOR_TUNE)).key == Key(0, True)


def test_the_profiles_are_the_published_ones():
    major, minor = PROFILES["krumhansl-kessler"]
    assert major[:3] == (6.35, 2.23, 3.48) and minor[3] == 5.38          # the minor third's rating
    assert DEFAULT_PROFILE in PROFILES
    for major, minor in PROFILES.values():
        assert len(major) == len(minor) == 12
        assert max(major) == major[0] and minor[3] > minor[4]              # tonic first; minor: b3 over 3


def test_no_notes_or_every_pitch_class_alike_name_no_key():
    assert find_key(()) is None
    assert key_fits([1.0] * 12) == []
    assert find_key(line(range(60, 72))) is None


def test_onsets_or_durations():
    notes = (Note(60, 0, 1920), Note(62, 1920, 120), Note(62, 2040, 120))
    assert pitch_class_weights(notes)[:3] == [1, 0, 2]
    assert pitch_class_weights(notes, "duration")[:3] == [1920, 0, 240]
    with pytest.raises(ValueError, match="weighting"):
        pitch_class_weights(notes, "loudness")


def test_the_song_key_comes_from_the_notes_when_the_signature_disagrees():
    """K.525's case: G major, no key signature in the file (so C major)."""
    tune = Track("Violin", 40, False, line(G_MAJOR_TUNE * 2))
    assert song_key(Song((tune,))) == Key(1)
    assert song_key(Song((tune,), key_signatures=(KeySignature(0, Key(1)),))) == Key(1)


def test_a_signature_that_fits_the_notes_about_as_well_stands():
    """A pentatonic tune that could be G major or E minor: G major scores a little higher, the E minor
    signature stands; a clearly G major tune overrules it."""
    ambiguous = Track("Violin", 40, False, line([67, 69, 71, 74, 71, 69, 67, 64, 67, 69, 71, 69, 67, 64]))
    fits = key_fits(pitch_class_weights(ambiguous.notes))
    assert fits[0].key == Key(1) and fits[1].key == Key(1, True)
    e_minor = (KeySignature(0, Key(1, True)),)
    assert song_key(Song((ambiguous,), key_signatures=e_minor)) == Key(1, True)
    clear = Track("Violin", 40, False, line(G_MAJOR_TUNE))
    assert song_key(Song((clear,), key_signatures=e_minor)) == Key(1)


def test_the_song_key_leaves_drums_out_and_stops_at_the_next_signature():
    drums = Track("Kit", 0, True, line([42, 42, 42, 42] * 8))
    tune = Track("Violin", 40, False, line(G_MAJOR_TUNE))
    assert song_key(Song((drums, tune))) == Key(1)
    later = Track("Flute", 73, False, tuple(n.moved_by(ticks=16 * 480, semitones=-2) for n in line(G_MAJOR_TUNE * 4)))
    keys = (KeySignature(0, Key()), KeySignature(16 * 480, Key(-1)))
    assert song_key(Song((tune, later), key_signatures=keys)) == Key(1)      # F major after bar 5 is not heard
    assert song_key(Song((drums,))) == Key()                                  # no pitched notes: the signature
