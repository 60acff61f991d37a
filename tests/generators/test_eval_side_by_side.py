import json

from musicstudio.generators.evaluation.side_by_side import compare, main, markdown


def _report(folder, ce, overlap, copied):
    folder.mkdir()
    metrics = {"likelihood": {"ce_nats_per_step": ce},
               "continuations": {"mean_overlap_area": overlap, "mean_kl": 0.1, "seeds": 18},
               "constraints": {"in_scale_share": 1.0}, "novelty": {"longest_copied_bars_max": copied}}
    (folder / "x.json").write_text(json.dumps({"name": folder.name, "metrics": metrics}))


def test_a_figure_is_worse_only_beyond_the_tolerance_and_in_its_own_direction(tmp_path):
    _report(tmp_path / "new", 0.70, 0.85, 1)
    _report(tmp_path / "old", 0.74, 0.87, 1)
    rows = {label: (a, b, bad) for label, a, b, bad in compare(
        json.loads((tmp_path / "new" / "x.json").read_text())["metrics"],
        json.loads((tmp_path / "old" / "x.json").read_text())["metrics"])}
    assert rows["cross-entropy, nats/event"] == (0.70, 0.74, False)     # lower is better
    assert rows["continuation overlap"][2] is True                      # 0.02 below
    assert rows["scale consistency (unlocked)"] == (None, None, False)   # neither has it
    assert rows["held-out seeds continued"] == (18, 18, False)           # a count: never "worse"


def test_the_table_marks_the_worse_figures_and_counts_them(tmp_path, capsys):
    _report(tmp_path / "new", 0.80, 0.855, 2)
    _report(tmp_path / "old", 0.74, 0.86, 1)
    text = markdown([("new", "old")], tmp_path)
    assert "| cross-entropy, nats/event | **0.800** | 0.740 |" in text
    assert "| continuation overlap | 0.855 | 0.860 |" in text            # within the tolerance
    assert "| held-out seeds continued | 18 | 18 |" in text
    assert text.rstrip().endswith("Figures worse by more than 0.01: 2.")
    docs = tmp_path / "out.md"
    assert main(["--reports", str(tmp_path), "--pairs", "new:old", "--docs", str(docs)]) == 0
    assert docs.read_text() == text
