"""PNG pictures (piano roll, histograms, loss curves) and the JSON + Markdown report."""

import json

import numpy as np
import pytest

from musicstudio.core.note import Note
from musicstudio.generators.evaluation import pictures
from musicstudio.generators.evaluation.report import to_jsonable, write_report

pytest.importorskip("matplotlib")

PNG = b"\x89PNG\r\n\x1a\n"
MELODY = [Note(60 + (i * 5) % 12, i * 240, 240, 40 + 10 * (i % 8)) for i in range(16)]


def assert_png(path):
    data = path.read_bytes()
    assert data.startswith(PNG) and len(data) > 2000


def test_piano_roll_and_histograms(tmp_path):
    assert_png(pictures.piano_roll_png(MELODY, tmp_path / "pictures" / "roll.png", "sample 1"))
    assert_png(pictures.piano_roll_png([], tmp_path / "empty.png"))
    reference = [[Note(62, i * 480, 480) for i in range(8)]]
    assert_png(pictures.histograms_png([MELODY], reference, tmp_path / "hist.png", "generated vs reference"))
    assert_png(pictures.histograms_png([], [], tmp_path / "nothing.png"))


def test_loss_curves_from_a_history_csv(tmp_path):
    history = tmp_path / "history.csv"
    history.write_text("epoch,train_loss,valid_loss,lr\n1,2.5,2.7,0.001\n2,1.9,2.2,0.001\n3,1.6,,0.0005\n")
    assert_png(pictures.loss_curves_png(history, tmp_path / "loss.png"))
    empty = tmp_path / "empty.csv"
    empty.write_text("epoch,train_loss\n")
    with pytest.raises(ValueError):
        pictures.loss_curves_png(empty, tmp_path / "never.png")


def test_json_has_plain_numbers_and_null_for_nan():
    assert to_jsonable({"a": np.float32(0.5), "b": np.arange(3), "c": float("nan"), 4: (np.int64(2), True)}) == \
        {"a": 0.5, "b": [0, 1, 2], "c": None, "4": [2, True]}


def test_report_writes_json_and_markdown_with_tables_and_relative_pictures(tmp_path):
    picture = pictures.piano_roll_png(MELODY, tmp_path / "report" / "pictures" / "roll.png")
    metrics = {"perplexity": 3.21, "notes": np.int64(120), "empty": float("nan"),
               "overlap": {"pitch_range": {"oa": 0.91, "kl": 0.02}, "polyphony": {"oa": 0.5, "kl": np.nan}},
               "musegan": {"tracks": {"melody": {"EB": 0.0, "UPC": 5.5}}, "note": "melody only"},
               "histogram": np.linspace(0, 1, 20)}
    json_path, md_path = write_report(tmp_path / "report", "LSTM melody / run 3", metrics, [picture])
    assert json_path.name == "LSTM-melody-run-3.json" and md_path.suffix == ".md"
    data = json.loads(json_path.read_text())
    assert data["name"] == "LSTM melody / run 3"
    assert data["metrics"]["notes"] == 120 and data["metrics"]["empty"] is None
    assert data["metrics"]["overlap"]["polyphony"]["kl"] is None
    assert data["pictures"] == ["pictures/roll.png"]
    md = md_path.read_text()
    assert md.startswith("# LSTM melody / run 3\n")
    assert "| perplexity | 3.21 |" in md and "| empty | n/a |" in md
    assert "|  | oa | kl |" in md and "| pitch_range | 0.91 | 0.02 |" in md and "| polyphony | 0.5 | n/a |" in md
    assert "| melody | 0 | 5.5 |" in md and "| note | melody only |" in md
    assert "![roll](pictures/roll.png)" in md
    assert ", ...]" in md                                  # a long list is cut short in the table
