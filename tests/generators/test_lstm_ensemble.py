"""lstm-ensemble: the members stepped together give the mixture of the members stepped one by one; the shipped
ensemble is licence-clean and meter-aware, and the earlier one loads under its -nc names with its weights."""

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.codecs import codec_from_spec
from musicstudio.generators.interface import BAR, GenerationRequest
from musicstudio.generators.licences import NON_COMMERCIAL, REDISTRIBUTABLE
from musicstudio.generators.lstm.configs import CONFIGS, LICENCE_CLEAN
from musicstudio.generators.lstm.ensemble import EnsembleGenerator, weights_sha256
from musicstudio.generators.lstm.generator import LSTMGenerator
from musicstudio.generators.lstm.model import EventLSTM, LSTMConfig
from musicstudio.generators.phrases import TokenPhrases
from musicstudio.generators.registry import ModelRegistry

SHIPPED = Path(__file__).resolve().parents[2] / "models"
WALTZ = Clip(tuple(Note(p, i * 480, 480, 80) for i, p in enumerate([67, 71, 74, 72, 69, 66, 67, 71, 74, 79, 78, 74])),
             4 * 3 * 480)


def _members(config_of, count: int, phrases: TokenPhrases) -> list[LSTMGenerator]:
    torch.manual_seed(7)
    return [LSTMGenerator(f"m{i}", EventLSTM(config_of(phrases.vocab_size)), phrases, "cpu") for i in range(count)]


@pytest.mark.parametrize("config_of, meter", [
    (lambda vocab: LSTMConfig.meter_aware(vocab, embed=12, hidden=24, dropout=0.0), (3, 4)),
    (lambda vocab: LSTMConfig.meter_aware(vocab, embed=12, hidden=24, dropout=0.0), (6, 8)),
    (lambda vocab: LSTMConfig(vocab, embed=12, hidden=24, layers=3, dropout=0.0), (4, 4)),   # an old model
])
def test_members_stepped_together_give_the_mixture_of_members_stepped_alone(config_of, meter):
    phrases = TokenPhrases(codec_from_spec(CONFIGS["lstm-member-small"]["codec"]))
    members = _members(config_of, 3, phrases)
    weights = np.array([0.2, 0.5, 0.3])
    together = EnsembleGenerator("e", members, weights)
    alone = EnsembleGenerator("e", members, weights, batched=False)
    assert together.batched and not alone.batched
    seed = phrases.codec.encode(WALTZ)
    fast, slow = together.begin(seed, 4, meter), alone.begin(seed, 4, meter)
    rng = np.random.default_rng(3)
    for _ in range(40):
        assert np.allclose(fast["log_probs"], slow["log_probs"], atol=1e-4)
        mixed = np.exp(slow["log_probs"])
        parts = [np.exp(m.log_probs(s)) for m, s in zip(members, slow["members"])]
        assert np.allclose(mixed, sum(w * p for w, p in zip(weights, parts)), atol=1e-5)
        tokens = np.array([rng.choice(len(p), p=p / p.sum()) for p in mixed])
        fast, slow = together.push(fast, tokens), alone.push(slow, tokens)


def test_members_of_different_shapes_step_one_by_one():
    phrases = TokenPhrases(codec_from_spec(CONFIGS["lstm-member-small"]["codec"]))
    members = (_members(lambda v: LSTMConfig.meter_aware(v, embed=8, hidden=16), 1, phrases)
               + _members(lambda v: LSTMConfig.meter_aware(v, embed=8, hidden=24), 1, phrases))
    ensemble = EnsembleGenerator("e", members, np.array([0.5, 0.5]))
    assert not ensemble.batched
    takes = ensemble.generate(GenerationRequest(seed=WALTZ, bars=2, variations=2, random_seed=1, meter=(3, 4)))
    assert [t.length for t in takes] == [2 * 3 * 480] * 2


def _config(name: str) -> dict:
    return json.loads((SHIPPED / name / "config.json").read_text())


def test_the_shipped_ensemble_is_licence_clean_and_meter_aware():
    registry = ModelRegistry([SHIPPED])
    info = {m.name: m for m in registry.models()}
    members = _config("lstm-ensemble")["model"]["members"]
    assert members == ["lstm-member-1", "lstm-member-2", "lstm-member-3"]
    for name in ["lstm-ensemble", *members]:
        assert info[name].licence.name == REDISTRIBUTABLE, info[name].licence.line
    for name in members:
        config = _config(name)
        assert set(config["data"]["collections"]) <= set(LICENCE_CLEAN) and config["model"]["meters"]
    ensemble = registry.load("lstm-ensemble", "cpu")
    assert ensemble.batched and len(ensemble.members) == 3
    takes = ensemble.generate(GenerationRequest(seed=WALTZ, bars=4, variations=2, random_seed=2, meter=(3, 4)))
    assert [t.length for t in takes] == [4 * 3 * 480] * 2 and all(t.notes for t in takes)


def test_the_earlier_ensemble_loads_as_lstm_ensemble_nc_with_its_weights():
    registry = ModelRegistry([SHIPPED])
    info = {m.name: m for m in registry.models()}
    names = [f"lstm-member-nc-{i}" for i in (1, 2, 3)]
    config = _config("lstm-ensemble-nc")
    assert config["name"] == "lstm-ensemble-nc" and config["model"]["members"] == names
    for name in ["lstm-ensemble-nc", *names]:
        assert info[name].licence.name == NON_COMMERCIAL
        assert _config(name)["name"] == name
    for name in names:   # the weights it was built with, unchanged by the rename
        assert weights_sha256(SHIPPED / name) == config["model"]["weights_sha256"][name]
    ensemble = registry.load("lstm-ensemble-nc", "cpu")
    assert [m.name for m in ensemble.members] == names and ensemble.batched
    takes = ensemble.generate(GenerationRequest(seed=WALTZ, bars=2, variations=2, random_seed=4))
    assert [t.length for t in takes] == [2 * BAR] * 2 and all(t.notes for t in takes)


def test_the_members_pass_over_the_seed_on_one_torch_thread_and_the_count_comes_back():
    """The seed goes through each member's torch LSTM once; with torch's two threads on a busy two-core machine
    those passes waited on each other (lstm-ensemble-nc's chordal request: 756 ms in the seed's passes alone at
    a load of 2, 40 ms on one thread), so generate holds torch to one thread, as the lstm's does."""
    phrases = TokenPhrases(codec_from_spec(CONFIGS["lstm-member-small"]["codec"]))
    members = _members(lambda v: LSTMConfig.meter_aware(v, embed=8, hidden=16, dropout=0.0), 2, phrases)
    seen = []
    for member in members:
        forward = member.model.forward
        member.model.forward = lambda *a, _f=forward: seen.append(torch.get_num_threads()) or _f(*a)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        EnsembleGenerator("e", members, np.array([0.5, 0.5])).generate(
            GenerationRequest(seed=WALTZ, bars=1, variations=2, random_seed=1, meter=(3, 4)))
        assert len(seen) == 2 and set(seen) == {1} and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
