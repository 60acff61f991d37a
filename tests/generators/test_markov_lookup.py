"""The one-pass n-gram lookup (:mod:`musicstudio.generators.markov.lookup`) gives, bit for bit, the
distributions of the level-by-level lookup it replaced (kept here as the reference), for plain, pruned,
meter-aware and mixed models, with and without a back-off base, in one row or thousands; and so a
shipped model's takes are the same takes."""

import numpy as np
import pytest

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.interface import BAR, GenerationRequest
from musicstudio.generators.markov import lookup, ngram
from musicstudio.generators.markov.metered import MeteredNGram
from musicstudio.generators.markov.ngram import NGramModel
from musicstudio.generators.registry import ModelRegistry

RNG = np.random.default_rng(3)
CHORDS = [(55, 59, 62, 67), (48, 55, 64, 72), (50, 57, 62, 66), (55, 59, 62, 67)]
SEQUENCES = [RNG.integers(0, 7, size=400) for _ in range(12)] + [np.array([0, 1, 2, 3, 4, 5, 6] * 40)]


def reference(model: NGramModel, contexts, positions=None, base=None) -> np.ndarray:
    """The lookup as NGramModel.distribution did it before: one level at a time, a dozen searches each."""
    contexts = np.asarray(contexts, dtype=np.int64).reshape(len(contexts), -1)
    rows, V = len(contexts), model.vocab
    p = np.broadcast_to(model.unigram(), (rows, V)).copy() if base is None else np.array(base, np.float64)
    width, ids = contexts.shape[1], np.zeros(rows, dtype=np.int64)
    for k in range(1, model.levels):
        if not model.slots:
            ids = ids + contexts[:, width - k] * model.base ** (k - 1)
        elif k == 1:
            ids = np.asarray(positions, dtype=np.int64).reshape(rows)
        else:
            ids = ids + contexts[:, width - k + 1] * (model.slots * model.base ** (k - 2))
        ctx, (_, total) = model._ctx[k], model._totals[k]
        at = np.minimum(np.searchsorted(ctx, ids), max(len(ctx) - 1, 0))
        seen = (ctx[at] == ids) if len(ctx) else np.zeros(rows, bool)
        if not seen.any():
            break
        lo, hi = np.searchsorted(model.keys[k], ids * V), np.searchsorted(model.keys[k], ids * V + V)
        lengths = np.where(seen, hi - lo, 0)
        which = np.repeat(np.arange(rows), lengths)
        idx = np.repeat(lo, lengths) + np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        dense = np.zeros((rows, V))
        dense[which, model.keys[k][idx] % V] = np.maximum(model.counts[k][idx] - model.discount, 0.0)
        t = np.where(seen, total[at], 1.0)
        gamma = np.where(seen, 1.0 - model._kept[k][at] / t, 1.0)
        p = np.where(seen[:, None], dense / t[:, None] + gamma[:, None] * p, p)
    return p


def reference_mixed(model: MeteredNGram, contexts, positions) -> np.ndarray:
    width = contexts.shape[1]
    bar = reference(model.bar, contexts[:, width - (model.bar.order - 1):], positions)
    plain = reference(model.plain, contexts[:, width - (model.plain.order - 1):])
    return model.weight * bar + (1 - model.weight) * plain


def _contexts(model, rows: int, rng) -> np.ndarray:
    """Contexts from the training tunes (seen at every level) and random ones (unseen from some level on),
    "before the start" tokens included."""
    seen = model.contexts_of(np.concatenate(SEQUENCES))[rng.integers(0, 5000, rows // 2)]
    return np.concatenate([seen, rng.integers(0, model.vocab + 1, (rows - rows // 2, model.order - 1))])


@pytest.mark.parametrize("order, min_count", [(1, 1), (2, 1), (4, 1), (5, 3)])
def test_plain_and_pruned_models_give_the_reference_distributions(order, min_count):
    model = NGramModel.fit(SEQUENCES, vocab=7, order=order, min_count=min_count)
    contexts = _contexts(model, 400, np.random.default_rng(order))
    assert np.array_equal(model.distribution(contexts), reference(model, contexts))
    for row in contexts[:20]:   # one row at a time, as a take's every step asks
        assert np.array_equal(model.distribution(row[None]), reference(model, row[None]))


def test_a_base_to_back_off_to_gives_the_reference_distributions():
    model = NGramModel.fit(SEQUENCES[:2], vocab=7, order=3, add_one=False)
    contexts = _contexts(model, 50, np.random.default_rng(1))
    base = np.random.default_rng(2).dirichlet(np.ones(7), size=50)
    assert np.array_equal(model.distribution(contexts, base=base), reference(model, contexts, base=base))


SLOTS = 12   # a toy meter-aware model: token i of a sequence falls on slot i % 12


@pytest.fixture(scope="module")
def metered() -> MeteredNGram:
    positions = [np.arange(len(s)) % SLOTS for s in SEQUENCES]
    bar = NGramModel.fit(SEQUENCES, 7, 4, min_count=2, slots=SLOTS, positions=positions)
    return MeteredNGram(bar, NGramModel.fit(SEQUENCES, 7, 3, min_count=2), 0.8)


def _metered_rows(model, rows: int):
    rng = np.random.default_rng(rows)
    return _contexts(model, rows, rng), rng.integers(0, model.slots, rows)


def test_meter_aware_and_mixed_models_give_the_reference_distributions(metered):
    contexts, slots = _metered_rows(metered, 300)
    assert np.array_equal(metered.bar.distribution(contexts, slots), reference(metered.bar, contexts, slots))
    assert np.array_equal(metered.distribution(contexts, slots), reference_mixed(metered, contexts, slots))


def test_rows_in_chunks_and_levels_in_groups_change_nothing(metered, monkeypatch):
    """Thousands of rows are looked up a chunk at a time, and levels whose ids would not fit in 64 bits
    together in separate groups: forced small here, the distributions stay the reference's."""
    contexts, slots = _metered_rows(metered, 300)
    expected = reference_mixed(metered, contexts, slots)
    monkeypatch.setattr(ngram, "CHUNK_CELLS", 7 * 7)
    monkeypatch.setattr("musicstudio.generators.markov.metered.CHUNK_CELLS", 7 * 7)
    monkeypatch.setattr(lookup, "ID_LIMIT", 20)
    again = MeteredNGram(metered.bar, metered.plain, metered.weight)
    assert len(lookup.LevelLookup(again.bar.lookup_levels(), 7).groups) > 1
    assert np.array_equal(again.distribution(contexts, slots), expected)


def test_a_shipped_models_takes_are_the_reference_lookups(monkeypatch):
    """markov-events's takes after a chordal seed, with its distributions from the reference lookup and
    from the one-pass lookup: the same notes."""
    chords = Clip(tuple(Note(p, bar * BAR + beat * 480, 480, 80) for bar, chord in enumerate(CHORDS)
                        for beat in range(4) for p in chord), 4 * BAR)
    generator = ModelRegistry().load("markov-events", "cpu")
    request = GenerationRequest(seed=chords, bars=4, variations=4, random_seed=7)
    fast = [t.notes for t in generator.generate(request)]
    monkeypatch.setattr(NGramModel, "distribution", reference)
    monkeypatch.setattr(MeteredNGram, "distribution", reference_mixed)
    generator.long.known.clear()   # distributions it remembers from the first request
    assert [t.notes for t in generator.generate(request)] == fast
    assert sum(len(n) for n in fast) > 40
