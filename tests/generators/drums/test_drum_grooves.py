"""Reading mma's groove library without mma: the grooves a file defines, the song that renders one, and
how mma's beats stretch to the meter its Time and Timesig give."""

from musicstudio.generators.drums.grooves import bar_shape, groove_names, song_text

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


def test_a_compound_meter_stretches_mma_beats_by_what_its_time_says_a_beat_is():
    assert bar_shape(2, (6, 8)) == ((6, 8), 1.5)      # beats of triplets: dotted quarters (68march)
    assert bar_shape(4, (6, 8)) == ((6, 8), 1.5)      # two bars of 6/8 a groove bar (ballad68)
    assert bar_shape(4, (12, 8)) == ((12, 8), 1.5)
    assert bar_shape(6, (6, 8)) == ((6, 8), 0.5)      # beats that are 8ths (68swing, blues68)
    assert bar_shape(3, (6, 8)) == ((6, 8), 1.0)      # quarters filling the bar (afro-cuban)


def test_a_simple_signature_that_disagrees_with_the_beats_gives_way_to_them():
    assert bar_shape(3, (4, 4)) == ((3, 4), 1.0)      # vienesewaltz: Time 3, Timesig 4 4
    assert bar_shape(4, (4, 4)) == ((4, 4), 1.0)
    assert bar_shape(3, (3, 4)) == ((3, 4), 1.0)
    assert bar_shape(5, (5, 4)) == ((5, 4), 1.0)

