"""Chords for the GAN: estimation from chroma, the 13-number condition, transposition and typed progressions."""

import numpy as np
import pytest

from musicstudio.generators.gan.chords import (
    NO_CHORD,
    condition_vectors,
    estimate_from_chroma,
    name,
    parse_progression,
    transposed,
    triad,
)


def test_triads_and_names():
    assert triad(0) == (0, 4, 7) and triad(12 + 9) == (9, 0, 4)
    assert [name(c) for c in (0, 13, 22, NO_CHORD)] == ["C", "C#m", "Bbm", "N.C."]


def test_estimation_picks_the_triad_that_holds_the_sound():
    chroma = np.zeros((4, 12))
    chroma[0, [0, 4, 7]] = [4, 2, 2]          # C major
    chroma[1, [9, 0, 4]] = [4, 3, 1]          # A minor (its root weighs most)
    chroma[2, [7, 11, 2, 5]] = [4, 2, 2, 1]   # G7 counts as G
    assert estimate_from_chroma(chroma).tolist() == [0, 21, 7, NO_CHORD]


def test_condition_vectors_and_transposition():
    v = condition_vectors([0, 21, NO_CHORD])
    assert np.flatnonzero(v[0]).tolist() == [0, 4, 7] and np.flatnonzero(v[1]).tolist() == [0, 4, 9]
    assert np.flatnonzero(v[2]).tolist() == [12]
    assert transposed(np.array([0, 21, NO_CHORD]), 3).tolist() == [3, 12, NO_CHORD]


def test_typed_progressions():
    assert parse_progression("C Am | F, G7") == [0, 21, 5, 7]
    assert parse_progression("Bb Ebm F#min N.C. Dmaj7") == [10, 15, 18, NO_CHORD, 2]
    with pytest.raises(ValueError, match="H"):
        parse_progression("C H")
    with pytest.raises(ValueError, match="empty"):
        parse_progression(" | ")


def test_bars_chroma_from_notes_is_the_piano_rolls_bar_by_bar():
    import random

    from musicstudio.core.note import Note
    from musicstudio.generators.codecs.grid import on_grid
    from musicstudio.generators.codecs.pianoroll import PianorollCodec
    from musicstudio.generators.gan.chords import bar_window, bars_chroma, roll_chroma
    from musicstudio.generators.interface import BAR

    rng, codec = random.Random(0), PianorollCodec(0, 127)
    for _ in range(200):
        notes = list(on_grid([Note(rng.randint(30, 90), rng.randint(0, 400) * 12, rng.randint(1, 200) * 12, 80)
                              for _ in range(rng.randint(1, 14))]))
        start, bars = rng.randint(-1, 1) * BAR // 2, rng.randint(1, 4)
        expected = [roll_chroma(codec.encode(w, 1)[0], 0)[0] if w else np.zeros(12)
                    for w in (bar_window(notes, start + k * BAR) for k in range(bars))]
        assert np.array_equal(bars_chroma(notes, start, bars), np.array(expected))
