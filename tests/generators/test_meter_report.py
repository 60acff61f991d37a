"""The per-meter report says "refuses" for a model that declares the meters it writes, instead of failing."""

from musicstudio.generators.evaluation import meter_report
from musicstudio.generators.interface import GenerationError


class RefusesEveryMeter:
    backend = "gan"   # a family that does not score sequences

    def generate(self, request):
        raise GenerationError(f"this model writes bars of 5/4 only, not {request.meter[0]}/{request.meter[1]}")


def test_a_model_that_refuses_the_meter_gets_a_refuses_cell(monkeypatch, tiny_corpus):
    monkeypatch.setattr("musicstudio.generators.registry.ModelRegistry.load",
                        lambda self, name, device: RefusesEveryMeter())
    held_out = meter_report.held_out   # the tiny corpus's test pieces are all shorter than 8 bars
    monkeypatch.setattr(meter_report, "held_out", lambda corpus, meter, limit: held_out(corpus, meter, limit, "train"))
    figures = meter_report.run(tiny_corpus, ["bar-model"], meters=[(4, 4)], limit=2, log=lambda line: None)
    entry = figures["meters"]["4/4"]["models"]["bar-model"]
    assert "5/4 only, not 4/4" in entry["refused"]
    text = meter_report.markdown(figures, "meter_report")
    assert "| 4/4 |" in text and "refuses" in text.split("| 4/4 |")[1].splitlines()[0]


def test_a_figure_just_below_the_target_is_not_shown_rounded_up_to_it():
    below = {"overlap": 0.7961, "meets_target": False, "exact_bars": 28, "takes": 28}
    assert meter_report._cell(below) == "0.796 (28/28)"
    assert meter_report._cell({**below, "overlap": 0.8612, "meets_target": True}) == "**0.86** (28/28)"
    assert meter_report._cell({**below, "overlap": 0.7712}) == "0.77 (28/28)"
