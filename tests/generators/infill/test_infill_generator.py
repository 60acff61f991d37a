"""The infill backend end to end: infill-tiny trained by the train command on the tiny corpus, loaded
through the registry; a fill is exactly the gap's bars in the song's meter, obeys the key lock and range,
hears the bars after the gap (other bars after it give other takes), cancels and reports progress; the numpy
step matches torch with countdown slots; a damaged checkpoint is refused naming its file; the shipped model's
takes head for the bars after the gap."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from musicstudio.core.clip import Clip
from musicstudio.core.key import Key
from musicstudio.core.note import Note
from musicstudio.generators.backends import backend_named
from musicstudio.generators.capabilities import Infiller
from musicstudio.generators.checkpoint import CheckpointError
from musicstudio.generators.interface import CancelToken, GenerationCancelled, GenerationRequest, bar_ticks
from musicstudio.generators.registry import ModelRegistry
from musicstudio.generators.training.command import main as train_main

SHIPPED = Path(__file__).resolve().parents[3] / "models"


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory, tiny_corpus_dir):
    root = tmp_path_factory.mktemp("infill-models")
    assert train_main(["infill", "--config", "infill-tiny", "--out", str(root / "infill-tiny"), "--corpus",
                       str(tiny_corpus_dir), "--quiet", "--device", "cpu"]) == 0
    return root


@pytest.fixture(scope="module")
def generator(models_dir):
    return ModelRegistry([models_dir]).load("infill-tiny", "cpu")


def _line(meter, bars: int, pitches) -> Clip:
    """A line of quarter notes (8ths in x/8) over ``bars`` bars of ``meter``."""
    bar = bar_ticks(meter)
    step = 480 if meter[1] == 4 else 240 if meter[1] == 8 else 960
    notes = tuple(Note(pitches[i % len(pitches)], t, step, 90) for i, t in enumerate(range(0, bars * bar, step)))
    return Clip(notes, bars * bar)


def _fill(meter=(4, 4), after=None, seed=None, **options) -> GenerationRequest:
    after = _line(meter, 2, [72, 74, 76]) if after is None else after
    seed = _line(meter, 3, [62, 64, 66, 67]) if seed is None else seed
    return GenerationRequest(seed=seed, after=after, meter=meter, **options)


def test_the_family_declares_that_it_fills():
    assert backend_named("infill").can(Infiller)


@pytest.mark.parametrize("meter", [(4, 4), (3, 4), (6, 8), (9, 8), (2, 2)])
def test_a_take_is_exactly_the_gaps_bars(generator, meter):
    for bars in (1, 2, 4):
        takes = generator.generate(_fill(meter, bars=bars, variations=3, random_seed=bars))
        assert len(takes) == 3 and all(t.backend == "infill" and t.request["fill"] for t in takes)
        for take in takes:
            assert take.length == bars * bar_ticks(meter)
            assert all(0 <= n.start and n.end <= take.length for n in take.notes)


def test_the_key_lock_and_the_range_are_obeyed(generator):
    key = Key(-1)   # F major: no B natural, no F sharp
    takes = generator.generate(_fill(bars=4, variations=4, key=key, pitch_range=(60, 72), random_seed=3))
    notes = [n for t in takes for n in t.notes]
    assert notes and all(60 <= n.pitch <= 72 and key.contains(n.pitch) for n in notes)


def test_the_bars_after_the_gap_change_what_the_tiny_model_expects(generator):
    """A gap at the song's start (no bars before it): the first token's distribution comes from the bars
    after the gap alone (the tiny model is too little trained for its samples to tell; the shipped model's
    takes are tested below)."""
    empty = Clip((), 0)

    def first_step(after):
        request = _fill(seed=empty, after=after, bars=2)
        return generator.log_probs(generator.begin_context(generator.context(request, np.zeros(0, np.int64)), 1,
                                                           (4, 4)))

    high, low = first_step(_line((4, 4), 2, [72, 74, 76])), first_step(_line((4, 4), 2, [48, 50, 43]))
    assert np.abs(high - low).max() > 1e-5 and np.allclose(high, first_step(_line((4, 4), 2, [72, 74, 76])))
    left_only = generator.generate(GenerationRequest(seed=_line((4, 4), 3, [62, 64, 66, 67]), bars=2,
                                                     variations=4, random_seed=9))
    assert all(t.length == 2 * 1920 and "fill" not in t.request for t in left_only)


def test_other_tracks_are_accepted_and_a_longer_seed_is_read_from_its_last_bars(generator):
    others = (_line((4, 4), 30, [36, 43]),)
    long_seed = GenerationRequest(seed=_line((4, 4), 24, [62, 64, 66, 67]), bars=2, after=_line((4, 4), 20, [72]),
                                  others=others, variations=2, random_seed=1)
    takes = generator.generate(long_seed)
    assert all(t.length == 2 * 1920 for t in takes)


def test_progress_rises_to_one_and_cancel_stops_a_fill(generator):
    seen = []
    generator.generate(_fill(bars=2, variations=2), progress=seen.append)
    assert seen[-1] == 1.0 and seen == sorted(seen)
    token, reports = CancelToken(), []

    def stop_after_a_fifth(done):
        reports.append(done)
        if done > 0.2:
            token.cancel()

    with pytest.raises(GenerationCancelled):
        generator.generate(_fill(bars=16, variations=2), progress=stop_after_a_fifth, cancel=token)
    assert reports and max(reports) < 0.5     # it stops within a step or two of the cancel


def _walk(generator, context, tokens, stepper) -> list:
    """Log-probabilities along ``tokens`` (steps x rows) from ``context``, with the numpy stepper or torch."""
    kept, generator._stepper = generator._stepper, stepper
    try:
        state = generator.begin_context(context, tokens.shape[1], (4, 4))
        out = []
        for step in tokens:
            state = generator.push(state, step)
            out.append(generator.log_probs(state))
        return out
    finally:
        generator._stepper = kept


def test_the_numpy_step_matches_the_torch_module_with_countdown_slots(generator):
    request = _fill(bars=3, variations=3)
    context = generator.context(request, generator.phrases.seed_tokens(request.seed)[0])
    assert generator.model.config.countdown == 2 and context.hears_after
    tokens = np.random.default_rng(0).integers(0, generator.phrases.vocab_size, (60, 3))
    fast, slow = _walk(generator, context, tokens, generator._stepper), _walk(generator, context, tokens, None)
    assert all(np.allclose(a, b, atol=1e-4) for a, b in zip(fast, slow))


def _set_model(folder, **changes) -> None:
    config = json.loads((folder / "config.json").read_text())
    config["model"] = {**config["model"], **changes}
    (folder / "config.json").write_text(json.dumps(config))


@pytest.mark.parametrize("damage, words", [
    (lambda f: (f / "weights.safetensors").write_bytes((f / "weights.safetensors").read_bytes()[:80]),
     "damaged or truncated"),
    (lambda f: _set_model(f, hidden=48), "does not match|do not match|shape"),
    (lambda f: _set_model(f, vocab=272), "FILL markers"),
    (lambda f: _set_model(f, colour=1), "does not describe"),
    (lambda f: _set_model(f, countdown=6), "equal runs"),
])
def test_a_damaged_checkpoint_is_refused_naming_the_file(models_dir, tmp_path, damage, words):
    folder = tmp_path / "broken"
    shutil.copytree(models_dir / "infill-tiny", folder)
    damage(folder)
    with pytest.raises(CheckpointError, match=words) as caught:
        ModelRegistry([tmp_path]).load(folder, "cpu")
    assert "broken" in str(caught.value)


def test_the_shipped_model_leads_into_the_bars_after_the_gap():
    """models/infill, one bar between a D major line and a phrase that starts high or low: the takes' last notes
    head for it (16 takes each; the same random seed, so only the bars after the gap differ)."""
    generator = ModelRegistry([SHIPPED]).load("infill", "cpu")
    line = [62, 66, 69, 66, 62, 66, 69, 74, 73, 69, 66, 69, 73, 76, 73, 69, 71, 67, 62, 67, 71, 74, 71, 67, 69, 66,
            62, 66, 69, 66, 64, 62]
    seed = Clip(tuple(Note(p, i * 240, 240, 90) for i, p in enumerate(line)), 4 * 1920)

    def last_pitches(start: int) -> float:
        after = Clip(tuple(Note(start + d, i * 240, 240, 90) for i, d in enumerate([0, -3, -7, -3, 0, 2, 0, -3] * 2)),
                     2 * 1920)
        takes = generator.generate(GenerationRequest(seed=seed, bars=1, variations=16, random_seed=4, after=after))
        assert all(t.length == 1920 and t.notes for t in takes)
        return float(np.mean([max(t.notes, key=lambda n: n.start).pitch for t in takes]))

    assert last_pitches(86) - last_pitches(62) >= 4     # 72.6 against 63.3 when it was trained
