"""Add drums' default fills: the form heard from the band's harmony, a fill in the last bar of each pass; and
the kick/snare pattern mixing the listener with the library's nearest grooves."""

import numpy as np
from add_fixture import band, song_records

from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.generators.codecs.drums import GROUP_OF, DrumCodec
from musicstudio.generators.drums import fill_rate, kit_validation
from musicstudio.generators.drums.add import AddRequest, add_drums, fill_for, mixed_kit
from musicstudio.generators.drums.form import bar_chroma, form_ends, form_length
from musicstudio.generators.drums.library import Library, LibraryGroove

BAR = 1920
A, B = (0, 5, 7, 0, 9, 2, 7, 0), (3, 8, 10, 1, 3, 8, 10, 5)    # two 8-bar sections' roots, as semitones over C


def _section_band(sections: str) -> list[list[Note]]:
    """The fixture's rock band (bass and chords) over the sections (``"ABAB"``), each chord moved to its root."""
    roots = [r for name in sections for r in {"A": A, "B": B}[name]]
    return [[Note(n.pitch + roots[n.start // BAR], n.start, n.duration, n.velocity) for n in track]
            for track in band("rock", len(roots))]


def test_the_form_is_the_lag_at_which_the_harmony_comes_back():
    assert form_length(bar_chroma(_section_band("AA"), BAR, 16)) == 8
    assert form_length(bar_chroma(_section_band("ABAB"), BAR, 32)) == 16     # A and B differ; AB comes back
    assert form_ends(_section_band("ABAB"), BAR, 32) == [15]                  # the song's last bar left out
    assert form_ends(_section_band("ABABAB"), BAR, 48) == [15, 31]
    # a band whose material changes after bar 8 of 16 gets its fill in bar 8: the one form that fits twice
    assert form_ends(_section_band("AB"), BAR, 16) == [7]
    assert form_length(bar_chroma(_section_band("A"), BAR, 8)) is None       # not two passes of any form
    chroma = bar_chroma([[Note(60, 0, BAR // 2, 90), Note(67, BAR // 2, BAR, 90)]], BAR, 3)
    assert np.allclose(np.linalg.norm(chroma[:2], axis=1), 1) and not chroma[2].any()
    assert chroma[0, 0] == chroma[0, 7] and chroma[1, 0] == 0                # the G held over the bar line


def _rolls(part) -> set[int]:
    return {n.start // BAR for n in part.notes if GROUP_OF[n.pitch] == 1 and (n.start // 120) % 2}


def test_by_default_a_part_fills_the_bar_before_the_form_comes_round(generator):
    tracks = _section_band("ABAB")
    song = Song((Track("Bass", 33, False, tuple(tracks[0])), Track("Piano", 0, False, tuple(tracks[1]))))
    part = add_drums(generator, song, AddRequest(repeat=1.0))[0]
    assert _rolls(part) == {15}                  # the fill's roll in bar 16, not at the section change in bar 8
    fills = fill_rate.fill_bars(part.notes, BAR, 32)
    assert fill_rate.phrase_rate(fills) == (1, 8) and list(np.flatnonzero(fills)) == [15]
    assert not _rolls(add_drums(generator, song, AddRequest(repeat=1.0, fills=0))[0])
    assert _rolls(add_drums(generator, song, AddRequest(repeat=1.0, fills=8))[0]) == {7, 15, 23, 31}


def test_bars_after_a_fill_keep_the_groove(generator):
    tracks = _section_band("AAAA")
    song = Song((Track("Bass", 33, False, tuple(tracks[0])), Track("Piano", 0, False, tuple(tracks[1]))))
    part = add_drums(generator, song, AddRequest(repeat=1.0, variations=3))
    for take in part:
        bars = fill_rate.fill_bars(take.notes, BAR, 32)
        assert list(np.flatnonzero(bars)) == [7, 15, 23]     # the groove's copy skips the fill bars


def test_the_pattern_mixes_the_listener_with_the_neighbours():
    chances = np.zeros((2, 16))
    chances[0, [0, 8]], chances[1, [4, 12]] = 0.8, 0.4
    neighbours = np.zeros((2, 16))
    neighbours[0, 0], neighbours[1, 4] = 1.0, 1.0
    assert mixed_kit(chances, None) is chances and mixed_kit(chances, neighbours, 0.0) is chances
    mixed = mixed_kit(chances, neighbours, 0.5)
    assert np.allclose(mixed.sum(axis=1), 1) and mixed[0, 0] == 0.75 and mixed[0, 8] == 0.25
    assert np.allclose(mixed_kit(chances, neighbours, 1.0), neighbours)


def test_the_mixture_is_validated_with_the_styles_held_out():
    records = song_records()
    rows = kit_validation.grid(records, [0.0, 1.0], [None, 1.5])
    assert [(r["neighbours"], r["gamma"]) for r in rows] == [(0.0, None), (0.0, 1.5), (1.0, None), (1.0, 1.5)]
    for row in rows:
        assert row["songs"] == len(records) and 0.0 <= row["overlap"] <= 1.0
        assert set(row["per_meter"]) == {"4/4", "3/4", "6/8"}


def _groove(style: str, meter) -> LibraryGroove:
    bar = 12 if meter != (4, 4) else 16
    return LibraryGroove(style, style, meter, np.zeros((3, bar)), np.zeros(bar, np.int64), 4.0, {}, np.zeros((2, bar)))


def test_a_groove_without_a_fill_borrows_the_meters_most_fill_like_one():
    codec = DrumCodec([(), ((1, 2),), ((9, 2),), ((4, 2),)])          # rest, snare, percussion, low tom
    grooves = (_groove("waltz", (3, 4)), _groove("brushes", (3, 4)), _groove("jig", (6, 8)), _groove("rock", (4, 4)))
    fills = {"aaa68": np.array([1, 3] * 6), "brushes": np.array([1, 0, 0, 0] * 3), "waltzfills": np.array([2] * 12),
             "waltz2": np.array([1, 3, 0, 0] * 3), "rock": np.array([1] * 16)}
    library = Library(grooves + (_groove("waltz2", (3, 4)), _groove("waltzfills", (3, 4))), fills)
    chosen = fill_for(codec, library, grooves[0], (3, 4))
    assert chosen is fills["waltz2"]             # of the 3/4 styles' fills the one with the most snare and tom steps
    assert fill_for(codec, library, grooves[1], (3, 4)) is fills["brushes"]     # a style's own fill first
    assert fill_for(codec, library, grooves[2], (6, 8)) is fills["aaa68"]
    assert fill_for(codec, Library(grooves[:1], {"rock": fills["rock"]}), grooves[0], (3, 4)) is None
