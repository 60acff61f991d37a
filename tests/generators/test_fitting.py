"""The pipeline around every generator (generators/fitting.py): a swung seed straightened for a model on the
straight grid and its takes swung back; a mid-bar seed cut back to its bar line for a bar-based family and
the first bar's notes from the seed's end kept; "off" gives the model's takes untouched."""

import pytest

from musicstudio.core.clip import Clip
from musicstudio.core.feel import EIGHTH, OFF, Swing, measure_swing
from musicstudio.core.note import Note
from musicstudio.generators.family import Backend
from musicstudio.generators.fitting import fit_request
from musicstudio.generators.interface import STEP, GenerationRequest, Take

BAR = 1920
WALTZ = 1440
TOKENS = Backend(name="tokens", summary="completes a seed's bar", implementation=__name__)
BARS = Backend(name="bars", summary="writes whole 4/4 bars", implementation=__name__, meters=((4, 4),))
HEARS_SWING = Backend(name="triplets", summary="hears swing", implementation=__name__, straight_grid=False)
EIGHTHS = tuple(Note(60 + i % 5, i * EIGHTH, EIGHTH, 90) for i in range(16))        # two bars of 4/4


class Straight8ths:
    """A model on the 16th grid that writes straight 8ths from where its seed ends (rounded up to its grid),
    the seed's unfinished bar first, then ``bars`` bars; it remembers the seed it heard."""

    def __init__(self):
        self.heard = []

    def generate(self, request, progress=None, cancel=None):
        self.heard.append(request.seed)
        end = -(-request.seed.length // STEP) * STEP
        length = request.take_length(end)
        notes = tuple(Note(70, t, EIGHTH, 80) for t in range(-end % EIGHTH, length, EIGHTH))
        return [Take(notes, length, "tokens", "m", request.record(), v) for v in range(request.variations)]


def test_off_gives_the_models_takes_untouched():
    model, request = Straight8ths(), GenerationRequest(Clip(Swing.of_ratio(0.62).swung(EIGHTHS), 2 * BAR), bars=2)
    fitted = fit_request(request, TOKENS, OFF)
    assert fitted.request is request
    raw = model.generate(request)
    assert [(t.notes, t.length) for t in fitted.takes(raw)] == [(t.notes, t.length) for t in raw]
    assert fitted.takes(raw)[0].request["feel"]["setting"] == "off" and fitted.summary == ""


def test_a_straight_seed_is_left_alone_by_auto():
    request = GenerationRequest(Clip(EIGHTHS, 2 * BAR), bars=2)
    fitted = fit_request(request, TOKENS)
    assert fitted.request is request and fitted.swing is None
    assert fitted.record["seed"]["ratio"] == 0.5 and fitted.record["straightened"] is None


@pytest.mark.parametrize("ratio", [0.58, 0.62, 2 / 3])
def test_a_swung_seed_is_heard_straight_and_the_takes_get_its_swing(ratio):
    model = Straight8ths()
    request = GenerationRequest(Clip(Swing.of_ratio(ratio).swung(EIGHTHS), 2 * BAR), bars=2)
    fitted = fit_request(request, TOKENS)
    assert fitted.request.seed.notes == EIGHTHS and fitted.request.seed.length == 2 * BAR
    takes = fitted.takes(model.generate(fitted.request))
    assert model.heard == [Clip(EIGHTHS, 2 * BAR)]
    assert measure_swing(takes[0].notes).ratio == pytest.approx(ratio, abs=0.003)
    assert takes[0].length == 2 * BAR and all(n.end <= takes[0].length for n in takes[0].notes)
    feel = takes[0].request["feel"]
    assert feel["setting"] == "auto" and feel["takes"] == pytest.approx(ratio, abs=0.003) and feel["unit"] == EIGHTH
    assert "straightened" in fitted.summary


def test_a_set_swing_is_given_to_the_takes_whatever_the_seeds():
    model = Straight8ths()
    fitted = fit_request(GenerationRequest(Clip(Swing.of_ratio(0.58).swung(EIGHTHS), 2 * BAR), bars=1), TOKENS, 0.66)
    assert fitted.request.seed.notes == EIGHTHS            # the seed's own swing taken out
    assert measure_swing(fitted.takes(model.generate(fitted.request))[0].notes).ratio == pytest.approx(0.66, abs=0.003)
    straight = fit_request(GenerationRequest(Clip(EIGHTHS, 2 * BAR), bars=1), TOKENS, 0.5)
    assert straight.swing is None


def test_no_feel_in_a_compound_meter_nor_for_a_family_that_hears_swing():
    swung = Clip(Swing.of_ratio(0.62).swung(EIGHTHS), 2 * BAR)
    assert fit_request(GenerationRequest(swung, bars=1, meter=(6, 8)), TOKENS).swing is None
    assert fit_request(GenerationRequest(swung, bars=1, meter=(6, 8)), TOKENS, 0.6).swing is None
    hears = fit_request(GenerationRequest(swung, bars=1), HEARS_SWING)
    assert hears.request.seed == swung and hears.swing is None


def test_a_seed_ending_mid_bar_swung_is_completed_from_its_real_end_to_a_bar_line():
    model = Straight8ths()
    seed = Clip(Swing.of_ratio(0.62).swung(EIGHTHS[:11]), 0)          # ends on a swung off-beat: a bar and 2.5 beats
    seed = Clip(seed.notes, seed.notes[-1].end)
    fitted = fit_request(GenerationRequest(seed, bars=2, meter=(3, 4)), TOKENS)
    assert fitted.request.seed.length == 11 * EIGHTH                   # straight, on the grid
    take = fitted.takes(model.generate(fitted.request))[0]
    assert seed.length + take.length == 4 * WALTZ                      # the bar completed, then 2 bars of 3/4
    assert take.notes[0].start == 0 and all(n.end <= take.length for n in take.notes)


def test_a_bar_based_family_gets_the_seed_cut_to_its_bar_line_and_its_first_bar_spliced():
    model = Straight8ths()
    seed = Clip(EIGHTHS[:11], 11 * EIGHTH)                             # a bar and a half of 4/4
    fitted = fit_request(GenerationRequest(seed, bars=2), BARS)
    assert fitted.request.seed == Clip(EIGHTHS[:8], BAR) and fitted.request.bars == 3
    take = fitted.takes(model.generate(fitted.request))[0]
    assert take.length == 4 * BAR - 11 * EIGHTH                        # the rest of bar 2, then 2 bars
    assert [n.start for n in take.notes][:3] == [0, EIGHTH, 2 * EIGHTH]    # from the seed's end on
    assert len(take.notes) == 5 + 16 and take.notes[-1].end == take.length
    whole = fit_request(GenerationRequest(Clip(EIGHTHS, 2 * BAR), bars=2), BARS)
    assert whole.request.seed.length == 2 * BAR and whole.request.bars == 2


def test_an_off_grid_end_is_counted_from_where_the_seed_really_ends():
    model = Straight8ths()
    seed = Clip((Note(60, 0, 430),), 430)                              # 50 ticks short of the beat
    fitted = fit_request(GenerationRequest(seed, bars=1), TOKENS, OFF)
    take = fitted.takes(model.generate(fitted.request))[0]
    assert take.notes[0].start == 480 - 430 and 430 + take.length == 2 * BAR


@pytest.mark.parametrize("ratio, as_triplets", [(2 / 3, True), (0.64, True), (0.7, True), (0.6, False),
                                                (0.71, False)])
def test_a_triplet_grid_model_hears_a_swing_near_the_triplet_as_triplets(ratio, as_triplets):
    """On the 12-a-quarter grid (40 ticks) a swung off-beat that lands on the triplet's second note is a
    triplet pattern the model keeps: the seed goes to it as played and the takes come back as written; a
    lighter or heavier swing is straightened and put back on the takes, as for a straight-grid model."""
    swung = Clip(tuple(Swing.of_ratio(ratio).swung(EIGHTHS)), 2 * BAR)
    request = GenerationRequest(swung, bars=2)
    fitted = fit_request(request, TOKENS, step_ticks=40)
    straight_grid = fit_request(request, TOKENS, step_ticks=120)
    assert straight_grid.request is not request and straight_grid.swing is not None
    if as_triplets:
        assert fitted.request is request and fitted.swing is None and fitted.record["as_triplets"]
        assert "heard as triplets" in fitted.summary
        raw = Straight8ths().generate(fitted.request)
        assert [t.notes for t in fitted.takes(raw)] == [t.notes for t in raw]
    else:
        assert fitted.request == straight_grid.request and fitted.swing == straight_grid.swing
        assert "as_triplets" not in fitted.record


def test_a_set_feel_is_given_to_a_triplet_grid_models_takes_too():
    swung = Clip(tuple(Swing.of_ratio(2 / 3).swung(EIGHTHS)), 2 * BAR)
    fitted = fit_request(GenerationRequest(swung, bars=2), TOKENS, 0.6, step_ticks=40)
    assert fitted.swing is not None and round(fitted.swing.ratio, 2) == 0.6 and "as_triplets" not in fitted.record
