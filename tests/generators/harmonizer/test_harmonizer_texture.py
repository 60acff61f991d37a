"""The texture figures of the harmonize report count what they say: parallel fifths and octaves, crossings,
chord sonorities on the beats, range shares and note-to-note intervals."""

from musicstudio.core.note import Note
from musicstudio.generators.harmonizer.data import Chorale
from musicstudio.generators.harmonizer.measures import excerpts
from musicstudio.generators.harmonizer.texture import crossings, figures, in_range, intervals, parallels, sonorities

Q = 480


def line(*pitches):
    return tuple(Note(p, i * Q, Q, 90) for i, p in enumerate(pitches))


def test_parallel_fifths_and_octaves_are_counted_and_contrary_or_oblique_motion_is_not():
    # soprano/bass C5/F4 -> D5/G4: fifths; tenor above bass there (a fourth, not a fifth); then contrary motion
    parts = (line(72, 74, 76), line(67, 67, 67), line(60, 62, 64), line(65, 67, 60))
    found, total = parallels(parts)
    assert total == 12                                     # 6 pairs x 2 transitions
    # soprano/bass fifth 72-65=7 -> 74-67=7 parallel; soprano/tenor octave 72/60 -> 74/62 and 74/62 -> 76/64
    assert found == 3


def test_crossings_and_ranges():
    parts = (line(72, 60), line(67, 65), line(60, 59), line(48, 47))
    assert crossings(parts) == (1, 6)
    assert in_range(parts[0], 60, 71) == (1, 2)
    assert intervals(line(60, 62, 62, 55)).tolist() == [2, 0, 7]


def test_sonorities_on_the_beats_of_the_meter():
    c_major, sus, g7 = (72, 67, 64, 48), (72, 67, 65, 48), (71, 65, 62, 55)
    parts = tuple(line(*chord) for chord in zip(c_major, sus, g7))
    assert sonorities(parts, (4, 4)) == (2, 3)
    assert sonorities(parts, (6, 8)) == (1, 2)             # beats every dotted quarter: steps 0 and 6


def test_figures_pool_every_piece():
    parts = (line(72, 74), line(67, 67), line(64, 65), line(48, 43))
    f = figures([(parts, (4, 4)), (parts, (4, 4))], [(60, 81), (53, 74), (48, 69), (36, 62)])
    assert f["voices"]["bass"]["mean_interval"] == 5.0 and f["voices"]["alto"]["mean_interval"] == 0.0
    assert f["pieces"] == 2 and f["beats"] == 4


def test_excerpts_are_eight_bars_inside_the_chorale_and_rotate_the_removed_voice():
    chorale = Chorale("x", "test", (3, 4), tuple(tuple(Note(60, i * 1440, 1440, 90) for i in range(20))
                                                 for _ in range(4)))
    chosen = excerpts([chorale], 10)
    assert len(chosen) == 7                                # bars 1-8, 9-16, 5-12, 13-20, 3-10, 11-18, 7-14
    assert [v for *_, v in chosen] == [i % 4 for i in range(7)]
    assert all(end - start == 8 * 1440 and end <= 20 * 1440 for _, start, end, _ in chosen)
