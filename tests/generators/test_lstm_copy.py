"""The lstm-family backends decode with a copy cache over the seed (config.json's ``decoding``, chosen on each
model's valid split's gaps by ``infill_tuning``): for the lstm backend and the lstm-ensemble backend alike,
without the section the takes are exactly the network's (the ensemble's: its networks' mixture); with it a
repeating tune is copied more often; a damaged section (or one asking for what an LSTM cannot do) is refused
naming the file; the shipped models have one (lstm, lstm-nc, lstm-triplets and both ensembles, each the setting
chosen for it) and their scores stay the networks'."""

import json
from pathlib import Path

import pytest
from grid_notes import BAR, quarter_line, share_in_place

from musicstudio.generators.checkpoint import CheckpointError
from musicstudio.generators.continuation import continue_phrase
from musicstudio.generators.copy_cache import CopyCache
from musicstudio.generators.interface import GenerationRequest
from musicstudio.generators.lstm import backend, ensemble
from musicstudio.generators.registry import ModelRegistry

MODELS = Path(__file__).resolve().parents[2] / "models"
# backend: (its load, a shipped model of it, what test_with_the_cache... measured there: plain, shipped, strong)
BACKENDS = {"lstm": (backend.load, MODELS / "lstm", (0.09, 0.37, 0.74)),
            "lstm-ensemble": (ensemble.load, MODELS / "lstm-ensemble", (0.09, 0.33, 0.71))}


def _config(folder: Path) -> dict:
    return json.loads((folder / "config.json").read_text())


@pytest.fixture(scope="module", params=list(BACKENDS))
def shipped(request):
    """(load, folder, its config, the config less its decoding section)."""
    load, folder, _ = BACKENDS[request.param]
    config = _config(folder)
    return load, folder, config, {k: v for k, v in config.items() if k != "decoding"}


@pytest.mark.parametrize("name", ["lstm", "lstm-nc", "lstm-triplets", "lstm-ensemble", "lstm-ensemble-nc"])
def test_the_shipped_models_decode_with_the_cache_their_config_says(name):
    says = CopyCache.from_config(_config(MODELS / name).get("decoding"))
    assert says is not None and ModelRegistry([MODELS]).load(name, "cpu").cache == says


def test_the_shipped_model_decodes_with_its_cache_and_scores_with_its_network(shipped):
    load, folder, config, plain_config = shipped
    cached, plain = load(folder, config), load(folder, plain_config)
    assert cached.cache == CopyCache.from_config(config["decoding"]) and plain.cache is None
    tokens = cached.phrases.codec.encode(list(quarter_line([60, 62, 64, 65], 2).notes), 2 * BAR)
    assert (cached.score(tokens)[0] == plain.score(tokens)[0]).all()


def test_without_the_section_the_takes_are_exactly_the_networks(shipped):
    load, folder, _, plain_config = shipped
    generator = load(folder, plain_config)
    request = GenerationRequest(seed=quarter_line([62, 64, 66, 67], 4), bars=2, variations=3, random_seed=5)
    takes = generator.generate(request)
    again = continue_phrase(generator, generator.phrases, request, generator.backend, generator.name)
    assert [t.notes for t in takes] == [t.notes for t in again]


def test_with_the_cache_a_repeating_tune_is_copied_more_often(shipped):
    load, folder, config, plain_config = shipped
    tune = [62, 66, 69, 67, 66, 64, 62, 64]      # two bars, played twice: the next two bars are the same again
    seed, truth = quarter_line(tune, 4), quarter_line(tune, 2)
    request = GenerationRequest(seed=seed, bars=2, variations=16, random_seed=3)
    strong = {**plain_config, "decoding": CopyCache(min_match=2, weight=0.9, max_weight=0.98).to_config()}
    plain, cached, high = (share_in_place(load(folder, c).generate(request), truth)
                           for c in (plain_config, config, strong))
    assert plain < 0.2 < cached < high and high > 0.5     # measured: BACKENDS' last entries


@pytest.mark.parametrize("section, words", [
    ({"copy": {"weight": 2}}, "weight"), ({"copy": {"window": 3}}, "decoding.copy"),
    ({"draws": 4}, "only a 'copy'"), ({"copy": {}, "harmony": {}}, "only a 'copy'"), ([1], "only a 'copy'")])
def test_a_damaged_decoding_section_is_refused_naming_the_file(shipped, section, words):
    load, folder, _, plain_config = shipped
    with pytest.raises(CheckpointError, match=words) as error:
        load(folder, {**plain_config, "decoding": section})
    assert "config.json" in str(error.value) and "decoding" in str(error.value)
