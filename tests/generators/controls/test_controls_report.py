"""The controls report: each take bar's measured bins against the requested ones in a confusion table per
control, the conditions switching the guide and the draw preference, the takes' cross-entropy read by the
network, and the figures written between the docs' markers."""

import numpy as np
import pytest
from controls_tiny import controls_tiny

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.evaluation.controls_report import (
    HeldRequest,
    confusion,
    figures,
    hit_rate,
    markdown,
    measure,
    write_between_markers,
)
from musicstudio.generators.registry import ModelRegistry

SEED = Clip(tuple(Note(p, i * 480, 480, 90) for i in range(8) for p in (60, 64)), 8 * 480)
REQUESTS = [HeldRequest("melody", (4, 4), SEED, None, 2, {"density": 0, "polyphony": 0}),
            HeldRequest("polyphonic", (3, 4), Clip(SEED.notes[:12], 3 * 1440), Clip(SEED.notes[:6], 1440), 2,
                        {"density": 2, "polyphony": 2})]


@pytest.fixture(scope="module")
def generator(tmp_path_factory):
    root = tmp_path_factory.mktemp("models")
    controls_tiny(root / "controls-tiny", draws=2, guided=True)
    return ModelRegistry([root]).load("controls-tiny", "cpu")


def test_the_confusion_tables_count_bars_by_requested_and_measured_bin():
    rows = [{"source": "melody", "wish": {"density": 0, "polyphony": 2},
             "bars": [{"density": 0, "polyphony": 2}, {"density": 1, "polyphony": 0}]}]
    table = confusion(rows, "density")
    assert table.tolist() == [[1, 1, 0], [0, 0, 0], [0, 0, 0]] and hit_rate(table) == 0.5
    assert confusion(rows, "polyphony", "polyphonic").sum() == 0


def test_guided_takes_meet_the_requests_and_every_figure_is_reported(generator):
    results = {c: measure(generator, REQUESTS, c) for c in ("shipped", "tokens", "none")}
    assert generator.guided is False and generator.prefer_controls is False     # the last condition's
    figs = figures(results)
    assert figs["shipped"]["density"]["hit_rate"] == figs["shipped"]["polyphony"]["hit_rate"] == 1.0
    assert figs["shipped"]["bars"] == 4 and np.sum(figs["none"]["density"]["confusion"]) == 4
    for entry in figs.values():
        assert 0 < entry["nats_per_event"] < 20
    text = markdown({**figs, "guided": figs["shipped"], "preferred": figs["tokens"]}, "controls-tiny",
                    generator.bins.to_config(), "cmd", 60)
    assert "| requested polyphony \\ measured | 1 | 2 | 3+ | hit |" in text and "density met" in text


def test_the_figures_go_between_the_markers(tmp_path):
    doc = tmp_path / "controls.md"
    doc.write_text("# Controls\n\n<!-- controls-report -->\nold\n<!-- /controls-report -->\n\nafter\n")
    write_between_markers(doc, "new figures\n")
    assert doc.read_text() == ("# Controls\n\n<!-- controls-report -->\nnew figures\n<!-- /controls-report -->"
                               "\n\nafter\n")
