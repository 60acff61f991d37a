"""The Markov baseline hears its seed (issue 17, item 7): two seeds that end alike no longer give the
same takes, and no note or rest lasts past the seed's longest (and two bars) unless the seed does so.
Run on the shipped models, the ones a musician gets."""

import numpy as np
import pytest

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.interface import BAR, GenerationRequest
from musicstudio.generators.markov.seed_memory import Distributions
from musicstudio.generators.registry import ModelRegistry

STEP = BAR // 16


def _seed(pitches, rest_bars=2):
    """Two bars of eighths on ``pitches`` then ``rest_bars`` bars of silence: a context of rests only."""
    notes = tuple(Note(p, i * 240, 240, 90) for i, p in enumerate(pitches * 2))
    return Clip(notes, (2 + rest_bars) * BAR)


@pytest.fixture(scope="module")
def registry():
    return ModelRegistry()


MODELS = ("markov-events", "markov-melody")


def _take_notes(generator, seed, random_seed=1):
    return [tuple(t.notes) for t in generator.generate(GenerationRequest(seed=seed, bars=8, variations=4,
                                                                         random_seed=random_seed))]


@pytest.mark.parametrize("name", MODELS)
def test_seeds_ending_in_the_same_rest_give_different_takes(registry, name):
    generator = registry.load(name, "cpu")
    c_major = _take_notes(generator, _seed([60, 64, 67, 72, 67, 64, 62, 59]))
    f_minor = _take_notes(generator, _seed([65, 68, 72, 77, 72, 68, 67, 64]))
    assert c_major != f_minor
    # and the seed's pitch classes shape them: the F minor seed's A-flat (absent from C major) is heard
    assert sum(n.pitch % 12 == 8 for take in f_minor for n in take) > sum(n.pitch % 12 == 8 for take in c_major
                                                                         for n in take)


@pytest.mark.parametrize("name", MODELS)
def test_no_note_or_rest_lasts_past_two_bars_when_the_seed_has_none(registry, name):
    generator = registry.load(name, "cpu")
    for random_seed in range(3):
        for take in _take_notes(generator, _seed([62, 65, 69, 74, 69, 65, 64, 61], rest_bars=0), random_seed):
            assert take, "an empty take"
            assert max(n.duration for n in take) <= 2 * BAR
            ends = sorted(take, key=lambda n: n.start)
            sounding = 0
            for n in ends:  # the silence between what sounds and the next note
                assert n.start - max(sounding, 0) <= 2 * BAR + STEP or sounding == 0
                sounding = max(sounding, n.end)


def test_a_long_note_in_the_seed_allows_long_notes(registry):
    generator = registry.load("markov-melody", "cpu")
    held = Clip((Note(60, 0, 3 * BAR, 90), Note(64, 3 * BAR, BAR, 90)), 4 * BAR)
    longest = max(n.duration for take in _take_notes(generator, held) for n in take)
    assert longest <= 3 * BAR


def test_scores_are_the_corpus_models_alone(registry):
    """The reports compare every backend against the Markov model's likelihoods: the seed memory must
    not leak into them."""
    generator = registry.load("markov-events", "cpu")
    tokens = np.arange(40) % generator.model.vocab
    log_p, _ = generator.score(tokens, (3, 4))
    expected, _ = generator.model.score(tokens, positions=generator.slots_of(tokens, (3, 4)))   # in 3/4's bar slots
    assert np.array_equal(log_p, expected)


def test_remembered_distributions_are_the_models_own(registry):
    model = registry.load("markov-events", "cpu").model
    remembered = Distributions(model, size=3)
    rng = np.random.default_rng(0)
    for _ in range(5):   # more contexts than it keeps, with repeats within one call
        contexts = rng.integers(0, model.vocab, (4, model.order - 1))
        slots = rng.integers(0, model.slots, 4)
        contexts[2], slots[2] = contexts[0], slots[0]
        slots[3] = slots[1] + 1 if slots[1] + 1 < model.slots else 0   # the same context at another slot
        contexts[3] = contexts[1]
        assert np.array_equal(remembered(contexts, slots), model.distribution(contexts, slots))
