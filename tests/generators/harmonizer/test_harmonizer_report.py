"""The report's measures on chorales (here two made-up ones and the tiny untrained model): every take
counted, Bach's figures from the same chorales, and the page says each target's verdict and keeps its
hand-written part when written again."""

from musicstudio.core.note import Note
from musicstudio.generators.checkpoint import read_config
from musicstudio.generators.harmonizer import measures, report
from musicstudio.generators.harmonizer.backend import load
from musicstudio.generators.harmonizer.data import Chorale

BAR = 1920


def chorale(name, meter=(4, 4), bars=9):
    beat = BAR // 4 if meter == (4, 4) else 1440 // 3
    steps = bars * meter[0]
    voices = [(72, 67, 69, 71), (64, 62, 65, 67), (55, 59, 60, 62), (48, 43, 41, 43)]
    return Chorale(name, "test", meter, tuple(tuple(Note(v[i % 4], i * beat, beat, 90) for i in range(steps))
                                              for v in voices))


def test_the_measures_count_every_take_and_the_page_says_the_verdicts(tiny_harmonizer, tmp_path):
    harmonizer = load(tiny_harmonizer, read_config(tiny_harmonizer))
    test = [chorale("a"), chorale("b", (3, 4))]
    ranges = measures.bach_ranges(test)
    h = measures.harmonized(harmonizer, test, ranges, variations=2, log=lambda m: None)
    assert h["chorales"] == 2 and h["takes"] == 4 and h["bach"]["pieces"] == 2
    assert h["bach"]["voices"]["alto"]["in_range"] == 1.0 and h["bach"]["parallels_per_100"] >= 0
    a = measures.added_parts(harmonizer, test, count=3, log=lambda m: None)
    assert a["excerpts"] == 2 and 0 <= a["mean_oa"] <= 1 and a["in_register"] == 1.0   # 9 bars: one excerpt each
    h.pop("examples")
    figures = {"model": "harmonizer-tiny", "seconds": 1, "decoding": {}, "bach_ranges": ranges, "harmonize": h,
               "add_part": a}
    page = report.docs(figures, "the command")
    assert "alto: mean interval" in page and ("met" in page) and "Add a part" in page
    path = tmp_path / "page.md"
    path.write_text(page + report.kept_tail(path) + "hand-written notes\n")
    again = report.docs(figures, "the command") + report.kept_tail(path)
    assert again.endswith("hand-written notes\n") and again.count(report.MARKER) == 1
