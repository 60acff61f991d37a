"""Refining the polyphonic VAE's codes (semi-amortised inference): a refined code is never worse than the
encoder's mean by the phrase's objective (and better where there are steps to take), a model whose config has no
``encoding.refine`` encodes and decodes exactly as the encoder's mean does, one with the entry encodes through
the refinement (once per clip: the codes are kept), and a malformed entry is refused with what it lacks."""

import json
import shutil

import numpy as np
import pytest
import torch
from tiny_poly_vae import CHORDS, tiny_model

from musicstudio.generators.checkpoint import CheckpointError, read_config
from musicstudio.generators.vae.generator import phrase_velocity
from musicstudio.generators.vae_poly.backend import load
from musicstudio.generators.vae_poly.refine import Refine, code_loss, refine_codes, refine_steps, roll_targets
from musicstudio.generators.vae_poly.roll import roll_features

_model = tiny_model


def _features(n=6, seed=1):
    rolls = np.random.default_rng(seed).integers(0, 3, (n, 32, 12)).astype(np.uint8)
    return torch.from_numpy(roll_features(rolls)), rolls


def _slots(model):
    return model.config.slots((4, 4), 32)


def test_the_targets_are_the_rolls_states():
    features, rolls = _features()
    assert np.array_equal(roll_targets(features, 12).numpy(), rolls)


@pytest.mark.parametrize("lr", [0.05, 5.0])     # a sane rate, and one that overshoots
def test_refinement_never_makes_a_phrases_objective_worse_than_the_encoders_mean(lr):
    model, (features, _) = _model(), _features()
    slots = _slots(model)
    with torch.no_grad():
        mu, logvar = model.encode(features, slots)
        targets = roll_targets(features, 12)
        before = code_loss(model, mu, logvar, features, slots, targets)
    z, after = refine_codes(model, features, slots, steps=20, lr=lr)
    with torch.no_grad():
        again = code_loss(model, z, logvar, features, slots, targets)
    assert torch.allclose(after, again, atol=1e-4)              # the losses returned are those of the codes
    assert (after <= before + 1e-4).all()
    if lr == 0.05:
        assert (after < before - 1e-3).all() and not torch.equal(z, mu)


def test_no_steps_is_the_encoders_mean_and_the_trajectory_keeps_the_best():
    model, (features, _) = _model(), _features()
    slots = _slots(model)
    with torch.no_grad():
        mu, _ = model.encode(features, slots)
    z, _ = refine_codes(model, features, slots, steps=0)
    assert torch.equal(z, mu)
    losses = [loss.clone() for _, _, loss in refine_steps(model, features, slots, 10, 0.1)]
    assert len(losses) == 11 and all((b <= a).all() for a, b in zip(losses, losses[1:]))
    for feedback in ("greedy", "dropout"):
        assert len(list(refine_steps(model, features, slots, 2, 0.1, feedback=feedback))) == 3
    with pytest.raises(ValueError, match="feedback"):
        next(refine_steps(model, features, slots, 2, 0.1, feedback="sampled"))


def _with_refine(tiny_poly_models, tmp_path, spec):
    folder = tmp_path / "refined"
    shutil.copytree(tiny_poly_models / "vae-poly-tiny", folder)
    config = read_config(folder)
    if spec is not None:
        config["encoding"] = {"refine": spec}
    (folder / "config.json").write_text(json.dumps(config), "utf-8")
    return load(folder, read_config(folder))


def test_a_config_without_the_entry_decodes_exactly_as_the_encoders_mean(tiny_poly_models, tmp_path):
    plain = load(tiny_poly_models / "vae-poly-tiny", read_config(tiny_poly_models / "vae-poly-tiny"))
    assert "encoding" not in read_config(tiny_poly_models / "vae-poly-tiny") and plain.refine.steps == 0
    rolls, shift = plain.clip_rolls(CHORDS)
    with torch.no_grad():
        mu = plain.model.encode(torch.from_numpy(roll_features(rolls)), plain.config.slots((4, 4), 32))[0].numpy()
    assert np.array_equal(plain.encode(CHORDS), mu)
    assert plain.move_sliders(CHORDS, {}) == plain.decode(mu, transpose=shift, velocity=phrase_velocity(CHORDS))
    zero = _with_refine(tiny_poly_models, tmp_path, {"steps": 0, "lr": 0.1})
    assert np.array_equal(zero.encode(CHORDS), mu) and zero.move_sliders(CHORDS, {}) == plain.move_sliders(CHORDS, {})


def test_a_config_with_the_entry_encodes_through_the_refinement_once_per_clip(tiny_poly_models, tmp_path):
    vae = _with_refine(tiny_poly_models, tmp_path, {"steps": 10, "lr": 0.1})
    assert vae.refine == Refine(10, 0.1, 1.0)
    rolls, _ = vae.clip_rolls(CHORDS)
    features = torch.from_numpy(roll_features(rolls))
    expected, _ = refine_codes(vae.model, features, vae.config.slots((4, 4), 32), 10, 0.1)
    z = vae.encode(CHORDS)
    assert np.allclose(z, expected.numpy(), atol=1e-5)
    z[:] = 0                                          # a caller's changes do not reach the kept codes
    assert np.allclose(vae.encode(CHORDS), expected.numpy(), atol=1e-5) and len(vae._refined) == 1
    assert vae.move_sliders(CHORDS, {}) == vae.decode(expected.numpy(), velocity=phrase_velocity(CHORDS))


@pytest.mark.parametrize("spec, words", [({"steps": -1}, "steps >= 0"), ({"steps": 5, "lr": 0}, "lr > 0"),
                                         ({"steps": 5, "rate": 0.1}, "no rate")])
def test_a_malformed_entry_is_refused(tiny_poly_models, tmp_path, spec, words):
    with pytest.raises(ValueError, match=words):
        Refine.from_config({"encoding": {"refine": spec}})
    with pytest.raises(CheckpointError):
        _with_refine(tiny_poly_models, tmp_path, spec)


def test_the_report_shows_both_figures_for_a_model_that_refines(tiny_poly_models, tmp_path):
    from musicstudio.generators.vae_poly.report import markdown, measure, summary

    cache = str(tiny_poly_models / "cache.npz")
    refined = _with_refine(tiny_poly_models, tmp_path, {"steps": 5, "lr": 0.1})
    plain = load(tiny_poly_models / "vae-poly-tiny", read_config(tiny_poly_models / "vae-poly-tiny"))
    results = [measure(refined, cache, seeds=4, samples=4), measure(plain, cache, seeds=4, samples=4)]
    row = summary(results[0])
    assert row["reconstruction_2_bars"] == results[1]["reconstruction_2_bars"]["step_accuracy"]   # the encoder's
    assert 0 <= row["reconstruction_2_bars_refined"] <= 1 and 0 <= row["reconstruction_4_bars_refined"] <= 1
    assert summary(results[1])["reconstruction_2_bars_refined"] is None
    text = markdown(results, "report")
    assert "| reconstruction_2_bars_refined >= 0.85 |" in text and "| reconstruction_2_bars >= 0.85 |" in text
    assert "2 bars, refined" in text and "Refined: 5 Adam steps at learning rate 0.1 from" in text
