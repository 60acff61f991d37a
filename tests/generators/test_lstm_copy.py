"""The lstm decodes with a copy cache over the seed (config.json's ``decoding.copy``, chosen on the valid
split's gaps by ``infill_tuning``): without the section its takes are exactly the network's; with it a repeating
tune is copied more often; a damaged section (or one asking for what an LSTM cannot do) is refused naming the
file; the shipped lstm has one and its scores stay the network's."""

import json
from pathlib import Path

import pytest
from grid_notes import BAR, quarter_line, share_in_place

from musicstudio.generators.checkpoint import CheckpointError
from musicstudio.generators.continuation import continue_phrase
from musicstudio.generators.copy_cache import CopyCache
from musicstudio.generators.interface import GenerationRequest
from musicstudio.generators.lstm.backend import load

SHIPPED = Path(__file__).resolve().parents[2] / "models" / "lstm"


@pytest.fixture(scope="module")
def config():
    return json.loads((SHIPPED / "config.json").read_text())


@pytest.fixture(scope="module")
def plain_config(config):
    return {k: v for k, v in config.items() if k != "decoding"}


def test_the_shipped_lstm_decodes_with_its_cache_and_scores_with_its_network(config, plain_config):
    cached, plain = load(SHIPPED, config), load(SHIPPED, plain_config)
    assert cached.cache == CopyCache.from_config(config["decoding"]) and plain.cache is None
    tokens = cached.phrases.codec.encode(list(quarter_line([60, 62, 64, 65], 2).notes), 2 * BAR)
    assert (cached.score(tokens)[0] == plain.score(tokens)[0]).all()


def test_without_the_section_the_takes_are_exactly_the_networks(plain_config):
    generator = load(SHIPPED, plain_config)
    request = GenerationRequest(seed=quarter_line([62, 64, 66, 67], 4), bars=2, variations=3, random_seed=5)
    takes = generator.generate(request)
    again = continue_phrase(generator, generator.phrases, request, "lstm", generator.name)
    assert [t.notes for t in takes] == [t.notes for t in again]


def test_with_the_cache_a_repeating_tune_is_copied_more_often(config, plain_config):
    tune = [62, 66, 69, 67, 66, 64, 62, 64]      # two bars, played twice: the next two bars are the same again
    seed, truth = quarter_line(tune, 4), quarter_line(tune, 2)
    request = GenerationRequest(seed=seed, bars=2, variations=16, random_seed=3)
    strong = {**plain_config, "decoding": CopyCache(min_match=2, weight=0.9, max_weight=0.98).to_config()}

    def found(generator_config) -> float:
        """The share of the tune's next two bars' notes the takes play, in their places, on average."""
        return share_in_place(load(SHIPPED, generator_config).generate(request), truth)

    plain, shipped, high = found(plain_config), found(config), found(strong)
    assert plain < 0.2 < shipped < high and high > 0.5     # measured: 0.09, 0.37, 0.74


@pytest.mark.parametrize("section, words", [
    ({"copy": {"weight": 2}}, "weight"), ({"copy": {"window": 3}}, "decoding.copy"),
    ({"draws": 4}, "only a 'copy'"), ({"copy": {}, "harmony": {}}, "only a 'copy'"), ([1], "only a 'copy'")])
def test_a_damaged_decoding_section_is_refused_naming_the_file(plain_config, section, words):
    with pytest.raises(CheckpointError, match=words) as error:
        load(SHIPPED, {**plain_config, "decoding": section})
    assert "config.json" in str(error.value) and "decoding" in str(error.value)
