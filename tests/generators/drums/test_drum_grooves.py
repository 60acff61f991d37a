"""Reading mma's groove library without mma: the grooves a file defines, the song that renders one, and
how mma's beats stretch to the meter its Time and Timesig give."""

from musicstudio.generators.drums.grooves import bar_shape, groove_names, run_mma, song_text

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


FAKE_MMA = '''import os, sys
from pathlib import Path
import mido
song = Path(sys.argv[1])
with open(os.environ["SEEN"], "a") as seen:
    seen.write(os.environ.get("PYTHONHASHSEED", "-") + " " + song.read_text().splitlines()[0] + "\\n")
track = mido.MidiTrack([mido.Message("note_on", channel=9, note=36, velocity=90),
                        mido.Message("note_off", channel=9, note=36, time=120)])
mido.MidiFile(tracks=[track]).save(song.with_suffix(".mid"))
print("MMATIME 4")
'''


def test_mma_renders_each_song_after_a_seed_of_its_own_so_a_render_repeats(tmp_path, monkeypatch):
    home = tmp_path / "usr" / "share" / "mma"
    home.mkdir(parents=True)
    (tmp_path / "usr" / "bin").mkdir()
    (tmp_path / "usr" / "bin" / "mma").write_text(FAKE_MMA)
    monkeypatch.setenv("SEEN", str(tmp_path / "seen.txt"))
    swing, waltz = song_text("Swing", 2), song_text("Waltz", 2)
    for text in (swing, swing, waltz):
        song, beats = run_mma(home, text)
        assert beats == 4 and [n.pitch for t in song.tracks for n in t.notes] == [36]
    seen = (tmp_path / "seen.txt").read_text().splitlines()
    assert all(line.startswith("0 RndSeed ") for line in seen)
    assert seen[0] == seen[1] != seen[2]
