"""The controls model's decoding: the network reads each bar's control tokens exactly where training puts
them; with a draw preference the kept takes meet the wishes at least as often as the likeliest draws; guided
sampling keeps every bar in a strict bin; and a continuation asking for no controls is decoded with one draw."""

import json

import numpy as np
import pytest
from controls_tiny import controls_tiny

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.controls.tokens import insert_controls
from musicstudio.generators.controls.wishes import bars_met, measured_bins
from musicstudio.generators.infill.backend import load
from musicstudio.generators.infill.controlled import ControlledInfillGenerator
from musicstudio.generators.interface import GenerationRequest

SEED = Clip(tuple(Note(p, i * 480, 480, 90) for i in range(8) for p in (60, 64, 67)), 8 * 480)


def _load(folder, **changes):
    config = json.loads((folder / "config.json").read_text())
    config["controls"].update(changes.pop("controls", {}))
    config["decoding"].update(changes)
    return load(folder, config)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return controls_tiny(tmp_path_factory.mktemp("models") / "controls-tiny", draws=4)


def test_a_model_with_control_bins_loads_as_the_controlled_generator(folder):
    generator = _load(folder)
    assert isinstance(generator, ControlledInfillGenerator) and generator.draws == 4
    assert generator.bins.density == (1.4167, 2.1111)


@pytest.mark.parametrize("after", [None, SEED])
def test_the_network_reads_the_controls_where_training_puts_them(folder, after):
    generator = _load(folder, draws=1)
    pushed = []
    plain_push = generator.push

    def recording(state, tokens):
        pushed.append(int(tokens[0]))
        return plain_push(state, tokens)

    generator.push = recording
    request = GenerationRequest(seed=SEED, bars=3, variations=1, random_seed=3, after=after,
                                options={"density": ["low", "high"], "polyphony": "2"})
    generator.generate(request)
    wishes = generator.wishes(request)
    per_bar = [generator.tokens.bar(w) for w in wishes]
    sampled = np.array([t for t in pushed if not generator.tokens.is_control(np.array([t]))[0]])
    expected = insert_controls(sampled, generator._steps_of, 16, per_bar)
    assert pushed == expected.tolist()
    assert [generator.tokens.describe(t) for t in per_bar[1]] == ["density=high", "polyphony=2"]


def test_the_draw_preference_keeps_takes_that_meet_the_wishes(folder):
    request = GenerationRequest(seed=SEED, bars=2, variations=4, random_seed=5, options={"density": "low",
                                                                                        "polyphony": "1"})
    hits = {}
    for prefer in (False, True):
        generator = _load(folder)
        generator.prefer_controls = prefer
        takes = generator.generate(request)
        wishes = generator.wishes(request)
        hits[prefer] = sum(bars_met(wishes, measured_bins(t.notes, request.bar, 2, generator.bins)) for t in takes)
    assert hits[True] >= hits[False] and hits[True] > 0


@pytest.mark.parametrize("options", [{"density": "low", "polyphony": "1"}, {"density": "mid", "polyphony": "3+"},
                                     {"polyphony": "2"}])
def test_guided_sampling_keeps_every_bar_in_its_bins(folder, options):
    generator = _load(folder, draws=1, controls={"guided": True})
    request = GenerationRequest(seed=SEED, bars=3, variations=3, random_seed=2, options=options)
    wishes = generator.wishes(request)
    for take in generator.generate(request):
        measured = measured_bins(take.notes, request.bar, 3, generator.bins)
        assert bars_met(wishes, measured) == 3, (options, measured)


def test_a_continuation_asking_for_no_controls_is_decoded_with_one_draw(folder):
    request = GenerationRequest(seed=SEED, bars=2, variations=2, random_seed=1)
    one = [t.notes for t in _load(folder, draws=1).generate(request)]
    assert [t.notes for t in _load(folder, draws=4).generate(request)] == one
