"""One score per seed note: a planted repeated bar scores highest with a tiny trained model; notes the model
cannot read score 0; damaged input is refused in words."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.interface import BAR
from musicstudio.generators.registry import ModelRegistry
from musicstudio.generators.saliency.planted import phrase, trained_generator
from musicstudio.generators.saliency.saliency import SaliencyError, attribute

SHIPPED = Path(__file__).resolve().parents[3] / "models"
TUNE = tuple(Note(60 + (i * 5) % 12, i * BAR // 4, BAR // 4, 90) for i in range(40))   # ten bars of quarters


@pytest.fixture(scope="module")
def planted():
    return trained_generator()


@pytest.fixture(scope="module")
def shipped():
    return ModelRegistry([SHIPPED])


def test_the_planted_repeated_bar_scores_highest(planted):
    rng = np.random.default_rng(5)
    found = [attribute(planted, *phrase(rng), method="ig") for _ in range(10)]
    firsts = [s.scores[0] > max(s.scores[1:]) for s in found]
    assert sum(firsts) >= 9, [np.round(s.scores, 2) for s in found]
    assert all(s.read == (True, True, True) and s.log_likelihood > -1.0 for s in found)   # it copies


def test_both_methods_give_one_score_per_note_and_the_strengths_run_from_0_to_1(planted):
    seed, take = phrase(np.random.default_rng(1))
    for method in ("ig", "gradxinput"):
        s = attribute(planted, seed, take, method=method)
        assert len(s.scores) == len(seed.notes) and s.method == method
        strengths = s.strengths()
        assert strengths.min() >= 0 and strengths.max() == pytest.approx(1.0)


def test_the_vae_reads_the_seed_s_last_two_bars_only(shipped):
    vae = shipped.load("vae", "cpu")
    seed, take = Clip(TUNE[:32], 8 * BAR), Clip(tuple(n.moved_by(ticks=-8 * BAR) for n in TUNE[32:]), 2 * BAR)
    s = attribute(vae, seed, take, (4, 4))
    last_two = np.array([n.start >= 6 * BAR for n in seed.notes])
    assert all(np.array(s.read) == last_two)
    assert not np.any(np.array(s.scores)[~last_two]) and np.any(np.array(s.scores)[last_two])


def test_the_infill_model_reads_the_seed_s_last_eight_bars_only(shipped):
    infill = shipped.load("infill", "cpu")
    seed, take = Clip(TUNE[:36], 9 * BAR), Clip(tuple(n.moved_by(ticks=-9 * BAR) for n in TUNE[36:]), BAR)
    s = attribute(infill, seed, take, (4, 4), method="gradxinput")
    first_bar = np.array([n.start < BAR for n in seed.notes])
    assert not any(np.array(s.read)[first_bar]) and all(np.array(s.read)[~first_bar])
    assert not np.any(np.array(s.scores)[first_bar])


@pytest.mark.parametrize("seed, take, says", [
    (Clip((), BAR), Clip((Note(60, 0, 480, 90),), BAR), "no notes"),
    (Clip((Note(60, 0, -5, 90),), BAR), Clip((Note(60, 0, 480, 90),), BAR), "damaged note"),
    (Clip((Note(60, 0, 480, 90),), BAR), Clip((Note(300, 0, 480, 90),), BAR), "damaged note"),
    (Clip((Note(60, 0, 480, 90),), BAR), Clip((), 0), "no length"),
    (Clip((Note(40, 0, 480, 90),), BAR), Clip((Note(61, 0, 480, 90),), BAR), None),   # moved into range: fine
])
def test_damaged_input_is_refused_in_words(planted, seed, take, says):
    if says is None:
        assert len(attribute(planted, seed, take).scores) == 1
        return
    with pytest.raises(SaliencyError, match=says):
        attribute(planted, seed, take)


def test_a_model_without_gradients_and_an_unknown_method_are_refused(planted, shipped):
    seed, take = phrase(np.random.default_rng(2))
    with pytest.raises(SaliencyError, match="no gradients"):
        attribute(shipped.load("markov-events", "cpu"), seed, take)
    with pytest.raises(SaliencyError, match="choose one of"):
        attribute(planted, seed, take, method="lime")
