"""The meter-aware Markov models (issue 17, item 1): the bar slot in every context puts a 3/4 model's onsets
where 3/4 puts them, the slots survive saving and loading, meters without slots borrow a kin's, and the
shipped defaults are the meter-aware, licence-clean models with the earlier ones kept as ``-nc``."""

import json

import numpy as np
import pytest

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.checkpoint import load_arrays, save_arrays
from musicstudio.generators.codecs.melody import MelodyCodec
from musicstudio.generators.interface import GenerationRequest, bar_ticks
from musicstudio.generators.licences import NON_COMMERCIAL, REDISTRIBUTABLE
from musicstudio.generators.markov.backend import model_of
from musicstudio.generators.markov.bar_slots import BarSlots
from musicstudio.generators.markov.generator import MarkovGenerator
from musicstudio.generators.markov.metered import MeteredNGram
from musicstudio.generators.markov.ngram import NGramModel
from musicstudio.generators.phrases import TokenPhrases
from musicstudio.generators.registry import ModelRegistry, model_info
from musicstudio.resources import models_path

WALTZ = (3, 4)
QUARTER = 480
CODEC = MelodyCodec(48, 84)
PHRASES = TokenPhrases(CODEC)


def _waltz_tunes(count: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Tunes of 3/4 bars of a quarter note then a half note, on random pitches: only the bar position says
    when the next note comes (three holds follow a quarter, seven a half)."""
    tunes = []
    for _ in range(count):
        notes, start = [], 0
        for _ in range(8):
            for beats in (1, 2):
                notes.append(Note(int(rng.integers(60, 72)), start, beats * QUARTER, 90))
                start += beats * QUARTER
        tunes.append(CODEC.encode(notes))
    return tunes


def _toy(meter_aware: bool) -> MarkovGenerator:
    tunes = _waltz_tunes(60, np.random.default_rng(0))
    slots = BarSlots([WALTZ]) if meter_aware else None
    model = NGramModel.fit(tunes, CODEC.size, 3, slots=slots.count if slots else 0,
                           positions=[slots.of_tokens(t, PHRASES.steps_of(), WALTZ) for t in tunes] if slots else None)
    return MarkovGenerator("toy", model, PHRASES, slots)


def _onset_beats(generator: MarkovGenerator) -> set[int]:
    """The bar positions (in ticks) of every onset of 4 takes of 4 bars of 3/4."""
    bar = bar_ticks(WALTZ)
    seed = Clip((Note(64, 0, QUARTER, 90), Note(67, QUARTER, 2 * QUARTER, 90)), bar)
    takes = generator.generate(GenerationRequest(seed=seed, bars=4, variations=4, random_seed=5, meter=WALTZ))
    assert all(t.length == 4 * bar for t in takes)
    return {n.start % bar for t in takes for n in t.notes}


def test_a_3_4_trained_n_gram_puts_its_onsets_where_3_4_does():
    assert _onset_beats(_toy(meter_aware=True)) == {0, QUARTER}
    # without the bar slot, three tokens of context cannot count seven holds: the onsets drift
    assert _onset_beats(_toy(meter_aware=False)) - {0, QUARTER}


def test_the_slot_follows_the_seed_into_the_take():
    """The take goes on from where the seed's bar stands: a seed of a bar and a quarter (the bar's second
    note cut off) gives takes whose onsets still fall on the 3/4 quarter and half."""
    generator = _toy(meter_aware=True)
    seed = Clip((Note(64, 0, QUARTER, 90), Note(67, QUARTER, 2 * QUARTER, 90), Note(65, 3 * QUARTER, QUARTER, 90)),
                4 * QUARTER)
    takes = generator.generate(GenerationRequest(seed=seed, bars=2, variations=3, random_seed=2, meter=WALTZ))
    starts = {(4 * QUARTER + n.start) % bar_ticks(WALTZ) for t in takes for n in t.notes}
    assert starts and starts <= {0, QUARTER}


def test_the_slots_and_the_mixture_survive_save_and_load(tmp_path):
    toy = _toy(meter_aware=True)
    plain = NGramModel.fit(_waltz_tunes(20, np.random.default_rng(1)), CODEC.size, 2)
    metered = MeteredNGram(toy.model, plain, 0.7)
    save_arrays(tmp_path, metered.arrays())
    loaded, slots = model_of(load_arrays(tmp_path), CODEC.size, {
        "order": 3, "discount": 0.75, "min_count": 1, "meters": [list(WALTZ)], "plain": {"order": 2, "weight": 0.7}})
    assert isinstance(loaded, MeteredNGram) and slots.meters == (WALTZ,) and loaded.weight == 0.7
    tune = _waltz_tunes(1, np.random.default_rng(2))[0]
    positions = slots.of_tokens(tune, PHRASES.steps_of(), WALTZ)
    assert np.array_equal(loaded.score(tune, positions=positions)[0], metered.score(tune, positions=positions)[0])
    # the slot is part of the prediction: the same tune a quarter later in the bar scores otherwise
    later = loaded.score(tune, positions=(positions + 4) % 12)[0]
    assert not np.allclose(later, metered.score(tune, positions=positions)[0])
    assert _onset_beats(MarkovGenerator("loaded", loaded.bar, PHRASES, slots)) == {0, QUARTER}


def test_a_meter_aware_model_refuses_tokens_without_slots():
    model = _toy(meter_aware=True).model
    with pytest.raises(ValueError, match="slot"):
        model.distribution(np.zeros((1, model.order - 1), np.int64))
    with pytest.raises(ValueError, match="slot"):
        NGramModel.fit([np.arange(5)], CODEC.size, 2, slots=12)


@pytest.mark.parametrize("meter, borrowed", [((6, 8), (6, 8)), ((12, 8), (6, 8)), ((3, 8), (6, 8)),
                                             ((3, 2), (3, 4)), ((6, 4), (3, 4)), ((5, 4), (4, 4))])
def test_meters_without_slots_borrow_a_kins(meter, borrowed):
    slots = BarSlots.from_training([(4, 4)] * 50 + [(3, 4)] * 30 + [(6, 8)] * 30 + [(3, 8)])
    assert (3, 8) not in slots.meters                       # under 1% of the sequences: no slots of its own
    assert slots.run_of(meter) == slots.run_of(borrowed)
    assert slots.count == 16 + 12 + 12


def test_the_slot_of_a_token_counts_the_steps_before_it():
    slots = BarSlots([(4, 4), (3, 4)])
    first, length = slots.run_of((3, 4))
    assert (first, length) == (16, 12)
    steps_of = np.array([0, 4, 8])        # a token that moves no time, one a quarter, one a half
    assert slots.of_tokens(np.array([0, 1, 0, 2, 0, 1]), steps_of, (3, 4)).tolist() == \
        [16, 16, 20, 20, 16, 16]


# -- the shipped models -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["markov-events", "markov-melody"])
def test_the_defaults_are_meter_aware_and_licence_clean(name):
    info = model_info(models_path() / name)
    assert info.licence.name == REDISTRIBUTABLE and info.licence.collections == ("oneills1850", "ryansMammoth")
    generator = ModelRegistry().load(name, "cpu")
    assert isinstance(generator.model, MeteredNGram) and generator.bar_slots is not None
    assert {(4, 4), (3, 4), (6, 8), (2, 4), (2, 2), (9, 8)} <= set(generator.bar_slots.meters)
    assert (models_path() / name / "weights.safetensors").stat().st_size < 20_000_000


@pytest.mark.parametrize("name", ["markov-events-nc", "markov-melody-nc"])
def test_the_earlier_models_stay_as_non_commercial(name):
    info = model_info(models_path() / name)
    assert info.licence.name == NON_COMMERCIAL and "essenFolksong" in info.licence.restricted
    config = json.loads((models_path() / name / "config.json").read_text())
    assert config["name"] == name and "meters" not in config["model"]
    generator = ModelRegistry().load(name, "cpu")
    assert generator.bar_slots is None and not generator.model.slots
    assert "non-commercial" in (models_path() / name / "card.md").read_text().splitlines()[0]
