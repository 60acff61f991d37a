"""The harmony prior (how the infill model hears the other tracks): what the others sound at each step, the
prior moving only the choice of pitch (never the rhythm), rows with nothing heard left alone, the token model
following each row's step, the config entry read and refused when damaged, and the shipped model's fills
leaning to the others' harmony."""

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.checkpoint import CheckpointError
from musicstudio.generators.infill.generator import _moved
from musicstudio.generators.infill.harmony import HarmonyModel, HarmonyPrior, sounding
from musicstudio.generators.interface import GenerationRequest
from musicstudio.generators.registry import ModelRegistry

SHIPPED = Path(__file__).resolve().parents[3] / "models"
STEP = 120


def _log_softmax(x):
    x = np.asarray(x, np.float64)
    return x - np.log(np.exp(x - x.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True)) - x.max(axis=1,
                                                                                                    keepdims=True)


def test_sounding_marks_each_step_a_note_covers():
    others = (Clip((Note(60, 0, 480, 90), Note(67, 240, 240, 90)), 960), Clip((Note(64, 600, 60, 90),), 960))
    heard = sounding(others, STEP, 8)
    assert heard.shape == (8, 12)
    assert [sorted(np.flatnonzero(row)) for row in heard] == [[0], [0], [0, 7], [0, 7], [], [4], [], []]


def test_a_note_sounding_across_a_cut_starts_at_the_cut():
    moved = _moved(Clip((Note(60, 0, 960, 90), Note(62, 100, 200, 90), Note(64, 1000, 100, 90)), 1920), -480)
    assert moved.length == 1440
    assert moved.notes == (Note(60, 0, 480, 90), Note(64, 520, 100, 90))


def test_the_prior_moves_the_pitch_not_the_rhythm():
    classes = np.arange(24) % 12                      # 24 note-ons: two octaves from C
    log_p = _log_softmax(np.random.default_rng(1).normal(size=(3, 40)))
    heard = np.zeros((3, 12), bool)
    heard[0, [0, 4, 7]] = True                          # a C major triad sounds at row 0's step
    heard[2, 2] = True                                  # D at row 2's
    prior = HarmonyPrior((2.0,) + (0.0,) * 3 + (-1.0,) * 8)
    out = prior.apply(log_p, heard, classes)
    notes = lambda lp: np.log(np.exp(lp[:, :24]).sum(axis=1))    # noqa: E731
    np.testing.assert_allclose(notes(out), notes(log_p))          # the chance of a note: the network's
    np.testing.assert_allclose(out[:, 24:], log_p[:, 24:])        # shifts and note-offs untouched
    np.testing.assert_allclose(out[1], log_p[1])                  # nothing heard: the row as it was
    gain = out[0, :24] - log_p[0, :24]
    assert gain[0] > gain[1] and gain[7] > gain[6]                 # C and G (sounding) gain on C# and F#
    assert gain[2] == pytest.approx(gain[14])                      # octaves alike


def test_a_silent_prior_changes_nothing():
    log_p = _log_softmax(np.zeros((2, 30)))
    assert HarmonyPrior().apply(log_p, np.ones((2, 12), bool), np.arange(12)) is log_p


class _Counter:
    """A token model whose log-probabilities are flat; pushes are counted."""

    def begin(self, seed, rows, meter):
        return 0

    def log_probs(self, state):
        return _log_softmax(np.zeros((2, 20)))

    def push(self, state, tokens):
        return state + 1


def test_the_model_follows_each_rows_step():
    steps_of = np.array([0] * 12 + [1, 2] + [0] * 6)      # token 12: one step, token 13: two
    heard = np.zeros((6, 12), bool)
    heard[3, 0] = True                                      # C sounds at step 3 only
    model = HarmonyModel(_Counter(), HarmonyPrior((3.0,) + (0.0,) * 11), heard, np.arange(12), steps_of)
    state = model.begin(np.array([12, 12]), 2, (4, 4))     # the seed is two steps long
    assert list(state[1]) == [2, 2]
    state = model.push(state, np.array([12, 13]))          # rows at steps 3 and 4
    log_p = model.log_probs(state)
    assert log_p[0, 0] > log_p[0, 1] and log_p[1, 0] == pytest.approx(log_p[1, 1])
    state = model.push(state, np.array([13, 13]))          # past the others' end: nothing heard
    assert not model.heard(state[1]).any()


@pytest.mark.parametrize("entry, words", [({"intervals": [1.0] * 11}, "12 numbers"),
                                          ({"intervals": [float("nan")] * 12}, "12 numbers"),
                                          ({"intervals": [True] * 12}, "12 numbers"),
                                          ({"weight": 1.0}, "intervals")])
def test_a_damaged_harmony_entry_is_refused(entry, words):
    with pytest.raises(ValueError, match=words):
        HarmonyPrior.from_config({"harmony": entry})


def test_the_entry_round_trips():
    prior = HarmonyPrior((0.5, -1.25, 2.0, 0.0, 1.0, -0.75, 0.25, 3.5, -2.0, 0.0, 0.125, -9.5))
    assert HarmonyPrior.from_config(prior.to_config()) == prior
    assert HarmonyPrior.from_config({"copy": {}}) is None


def _shipped_with(tmp_path, intervals):
    folder = tmp_path / "infill-heard"
    shutil.copytree(SHIPPED / "infill", folder)
    config = json.loads((folder / "config.json").read_text())
    config["name"] = "infill-heard"
    config["decoding"]["harmony"] = {"intervals": intervals}
    (folder / "config.json").write_text(json.dumps(config))
    return folder


@pytest.mark.skipif(not (SHIPPED / "infill" / "config.json").exists(), reason="the infill model is not installed")
def test_a_damaged_entry_in_a_model_is_refused_naming_the_file(tmp_path):
    folder = _shipped_with(tmp_path, [1.0] * 5)
    with pytest.raises(CheckpointError, match="config.json"):
        ModelRegistry([tmp_path]).load(str(folder), "cpu")


@pytest.mark.skipif(not (SHIPPED / "infill" / "config.json").exists(), reason="the infill model is not installed")
def test_a_fill_among_held_chords_leans_to_their_pitch_classes(tmp_path):
    bar = 1920
    seed = Clip(tuple(Note(p, i * 480, 480, 90) for i, p in enumerate([67, 69, 71, 72, 74, 72, 71, 69])), 2 * bar)
    after = Clip(tuple(Note(p, i * 480, 480, 90) for i, p in enumerate([67, 66, 64, 62])), bar)
    # an F# major triad held under all four bars: far from the tune's G major
    others = (Clip(tuple(Note(p, 0, 4 * bar, 80) for p in (54, 58, 61)), 4 * bar),)
    request = GenerationRequest(seed=seed, after=after, others=others, bars=1, variations=4, random_seed=3)

    def share(generator):
        notes = [n for take in generator.generate(request) for n in take.notes]
        return sum(n.pitch % 12 in (6, 10, 1) for n in notes) / len(notes)

    plain = ModelRegistry([SHIPPED]).load("infill", "cpu")
    plain.harmony = None
    heard = ModelRegistry([tmp_path]).load(str(_shipped_with(tmp_path, [5.0] + [0.0] * 11)), "cpu")
    assert share(heard) > share(plain) + 0.5
    # without other tracks the prior has nothing to hear: the same takes as without it
    alone = replace(request, others=())
    assert [t.notes for t in heard.generate(alone)] == [t.notes for t in plain.generate(alone)]
