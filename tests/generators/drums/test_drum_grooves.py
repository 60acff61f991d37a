"""Reading mma's groove library without mma: the grooves a file defines, the song that renders one, and
how mma's beats stretch in a compound meter."""

from musicstudio.generators.drums.grooves import groove_names, song_text, stretch

LIBRARY = """// a waltz
SeqSize 1
DefGroove Waltz         A very boring waltz.
Groove Waltz
  defgroove WaltzSus    Adds strings.
DefGroove Waltz         (again: once only)
"""


def test_the_grooves_a_library_file_defines_once_each_in_order():
    assert groove_names(LIBRARY) == ["Waltz", "WaltzSus"]


def test_the_song_plays_the_groove_for_its_bars_and_prints_its_beats():
    text = song_text("Waltz", 3)
    assert "Groove Waltz\n" in text and "Print MMATIME $_Time" in text
    assert text.strip().splitlines()[-3:] == ["1 C", "2 C", "3 C"]


def test_a_compound_meter_stretches_mma_beats_to_dotted_quarters():
    assert stretch((6, 8)) == stretch((12, 8)) == 1.5
    assert stretch((3, 4)) == stretch((4, 4)) == stretch((5, 8)) == 1.0
