"""The infill model's best of several draws (``decoding.draws``): without it the takes are exactly as before;
with it each kept take is the candidate after which the network finds the first bar after the gap likeliest
(checked against a plain one-sequence reading of each candidate); a damaged value is refused naming the file."""

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.checkpoint import CheckpointError
from musicstudio.generators.continuation import continue_phrase
from musicstudio.generators.infill.backend import load
from musicstudio.generators.infill.draws import SCORED_BARS, Recorder, draws_from_config
from musicstudio.generators.infill.generator import last_bars
from musicstudio.generators.infill.model import arranged_slots
from musicstudio.generators.infill.sequences import arrange
from musicstudio.generators.interface import GenerationRequest

SHIPPED = Path(__file__).resolve().parents[3] / "models" / "infill"


def _line(pitches, bars: int) -> Clip:
    return Clip(tuple(Note(pitches[i % len(pitches)], t, 480, 90) for i, t in enumerate(range(0, bars * 1920, 480))),
                bars * 1920)


@pytest.fixture(scope="module")
def config():
    config = json.loads((SHIPPED / "config.json").read_text())
    decoding = {k: v for k, v in config.get("decoding", {}).items() if k != "draws"}
    return {**config, "decoding": decoding}


REQUEST = GenerationRequest(seed=_line([62, 64, 66, 67, 69], 4), after=_line([74, 72, 71, 69, 67], 2), bars=2,
                            variations=3, random_seed=7)


def test_without_draws_or_with_one_the_takes_are_exactly_as_before(config):
    plain = load(SHIPPED, config)
    assert plain.draws == 1
    before = [t.notes for t in plain.generate(REQUEST)]
    one = load(SHIPPED, {**config, "decoding": {**config["decoding"], "draws": 1}})
    assert [t.notes for t in one.generate(REQUEST)] == before
    request = replace(REQUEST, seed=last_bars(REQUEST.seed, REQUEST.bar))
    old = continue_phrase(plain.token_model(request), plain.phrases, request, "infill", plain.name)
    assert [t.notes for t in old] == before


def _after_bar_score(generator, request, gap: np.ndarray) -> float:
    """The network's log-probability of the first bar after the gap, reading the whole rearranged sequence
    (after, FILL, before, the candidate gap, then that bar) in one call."""
    seed, _, shift = generator.phrases.seed_tokens(request.seed)
    after = generator.after_tokens(request.after, request.bar, shift)
    bar = generator.after_tokens(request.after, request.bar, shift, SCORED_BARS)
    arranged = arrange(generator.phrases.codec, generator._steps_of, after, seed, gap, request.bars)
    config, steps_of = generator.model.config, generator._steps_of
    at = arranged.end + np.cumsum(steps_of[bar]) - steps_of[bar]
    tokens = np.concatenate([arranged.tokens, bar])
    slots = np.concatenate([arranged_slots(config, arranged, request.meter), config.position_slots(at, request.meter)])
    inputs = np.concatenate([[generator.model.start_token], tokens[:-1]])
    with torch.no_grad():
        logits, _ = generator.model(torch.from_numpy(inputs).unsqueeze(0), torch.from_numpy(slots).unsqueeze(0))
    log_p = torch.log_softmax(logits[0, :, :generator.phrases.vocab_size].float(), dim=-1).numpy()
    return float(log_p[np.arange(len(tokens) - len(bar), len(tokens)), bar].sum())


def test_the_kept_take_is_the_candidate_the_bar_after_likes_best(config):
    k = 4
    judged = load(SHIPPED, {**config, "decoding": {**config["decoding"], "draws": k}})
    assert judged.draws == k
    kept = judged.generate(REQUEST)
    assert [t.variation for t in kept] == [0, 1, 2] and all(t.request["variations"] == 3 for t in kept)
    # the same candidates, drawn as best_of_draws draws them, each scored on its own
    request = replace(REQUEST, seed=last_bars(REQUEST.seed, REQUEST.bar))
    recorder = Recorder(judged.token_model(request))
    candidates = continue_phrase(recorder, judged.phrases, replace(request, variations=k * 3), "infill", judged.name)
    target = -(-request.take_length(request.seed.length) // judged.phrases.step_ticks)
    rows = recorder.rows(judged._steps_of, target)
    scores = np.array([_after_bar_score(judged, request, gap) for gap in rows]).reshape(k, 3)
    assert len({round(s, 3) for s in scores.ravel()}) > 1      # the candidates differ: there is a choice
    for v, take in enumerate(kept):
        mine = [j for j in range(k) if candidates[j * 3 + v].notes == take.notes]
        assert mine and max(scores[j, v] for j in mine) >= scores[:, v].max() - 1e-3


@pytest.mark.parametrize("draws", [0, -2, 2.5, True, "4", 1000])
def test_a_damaged_draws_value_is_refused_naming_the_file(config, draws):
    with pytest.raises(CheckpointError, match="draws") as error:
        load(SHIPPED, {**config, "decoding": {**config["decoding"], "draws": draws}})
    assert "config.json" in str(error.value)
    with pytest.raises(ValueError, match="draws"):
        draws_from_config({"draws": draws})


def test_a_request_without_bars_after_is_decoded_as_before(config):
    judged = load(SHIPPED, {**config, "decoding": {**config["decoding"], "draws": 4}})
    plain = load(SHIPPED, config)
    request = replace(REQUEST, after=None)
    assert [t.notes for t in judged.generate(request)] == [t.notes for t in plain.generate(request)]


def test_the_report_names_the_draws_variants():
    from musicstudio.generators.evaluation.infill_report import _label

    assert _label("infill:draws1") == "infill, one draw a take"
    assert _label("infill:draws4") == "infill, the best of 4 draws"
