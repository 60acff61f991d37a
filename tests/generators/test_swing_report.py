"""The swing report's counting (generators/evaluation/swing_report.py), with a model that writes straight 8ths:
with auto its takes carry each seed's swing, with off they stay straight."""

import pytest

from musicstudio.core.feel import EIGHTH
from musicstudio.core.note import Note
from musicstudio.generators.evaluation.swing_report import continue_swung, markdown
from musicstudio.generators.family import Backend
from musicstudio.generators.interface import STEP, Take

FAMILY = Backend(name="eighths", summary="straight 8ths", implementation=__name__)
SEEDS = [(f"piece {k}", (4, 4), tuple(Note(60 + i % (3 + k), i * EIGHTH, EIGHTH) for i in range(32)))
         for k in range(3)]


class Straight8ths:
    def generate(self, request, progress=None, cancel=None):
        end = -(-request.seed.length // STEP) * STEP
        length = request.take_length(end)
        notes = tuple(Note(70, t, EIGHTH, 80) for t in range(0, length, EIGHTH))
        return [Take(notes, length, "eighths", "m", request.record(), v) for v in range(request.variations)]


def test_auto_takes_read_at_the_seeds_swing_and_off_takes_do_not():
    auto = continue_swung(Straight8ths(), FAMILY, SEEDS, 0.62, "auto")
    assert auto["seed_ratio"] == pytest.approx(0.62, abs=0.003) and auto["take_ratio"] == pytest.approx(0.62, abs=0.003)
    assert auto["takes"] == auto["read"] == auto["within"] == 12 and auto["within_share"] == 1.0
    off = continue_swung(Straight8ths(), FAMILY, SEEDS, 0.62, "off")
    assert off["take_ratio"] == 0.5 and off["within"] == 0 and off["within_share"] == 0.0


def test_the_table_has_a_row_per_swing_and_setting():
    figures = {"seeds": 3, "by_meter": {"4/4": 3}, "seconds": 1.0,
               "models": {"m": {"0.62 auto": continue_swung(Straight8ths(), FAMILY, SEEDS, 0.62, "auto")}}}
    text = markdown(figures, "python -m musicstudio.generators.evaluation.swing_report")
    assert "| `m` | 62% | auto | 62.1% | 12/12 | 62.1% | 100.0% (12) |" in text
