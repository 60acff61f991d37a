"""Continuing a polyphonic VAE's training: a warm start loads the saved weights (into a wider latent too, where
the widened network decodes as the saved one and its new dimensions cost no KL), a narrower latent is refused,
``--set`` overrides reach nested config entries, and ``train.lr_final`` brings the learning rate down over the
time budget; the card joins the histories of such stages into one; and a model's prior can be fitted to its
training codes after training (the generator then samples from that Gaussian, else from N(0, I))."""

import json

import numpy as np
import pytest
import torch

from musicstudio.generators.checkpoint import save_tensors
from musicstudio.generators.vae_poly.card import join_stages, read_history, write_history
from musicstudio.generators.vae_poly.configs import CONFIGS
from musicstudio.generators.vae_poly.model import PolyConfig, PolyVAE, kl_per_dim
from musicstudio.generators.vae_poly.roll import ONSET
from musicstudio.generators.vae_poly.training import Trainer, override
from musicstudio.generators.vae_poly.warm import warm_state


def _model(latent=4, seed=0, **kw):
    torch.manual_seed(seed)
    return PolyVAE(PolyConfig(pitches=12, embed=8, encoder=8, decoder=16, latent=latent, position_embed=4, **kw))


def _features():
    rolls = torch.from_numpy(np.random.default_rng(1).integers(0, 2, (3, 32, 12)))
    return torch.cat([rolls == ONSET, rolls != 0], dim=-1).float()


@pytest.fixture
def saved(tmp_path):
    model = _model(seed=3).eval()
    save_tensors(tmp_path, model.state_dict())
    return model, tmp_path


def test_a_warm_start_of_the_same_shape_is_the_saved_network(saved):
    old, folder = saved
    new = _model(seed=9)
    new.load_state_dict(warm_state(new, folder))
    for name, value in old.state_dict().items():
        assert torch.equal(new.state_dict()[name], value), name


@pytest.mark.parametrize("kind", ["autoregressive", "parallel"])
def test_a_wider_latent_keeps_the_saved_code_and_decodes_as_the_saved_network(tmp_path, kind):
    old = _model(decoder_kind=kind, seed=3).eval()
    save_tensors(tmp_path, old.state_dict())
    wide = _model(latent=10, decoder_kind=kind, seed=9)
    wide.load_state_dict(warm_state(wide, tmp_path))
    wide.eval()
    features, slots = _features(), old.config.slots((4, 4), 32)
    mu, logvar = old.encode(features, slots)
    wide_mu, wide_logvar = wide.encode(features, slots)
    assert torch.allclose(wide_mu[:, :4], mu) and torch.allclose(wide_logvar[:, :4], logvar)
    assert kl_per_dim(wide_mu[:, 4:], wide_logvar[:, 4:]).sum() < 1e-3      # the new dimensions: the prior
    assert torch.allclose(wide.decode_logits(wide_mu, features, slots), old.decode_logits(mu, features, slots),
                          atol=1e-3)
    assert torch.equal(wide.decode_states(wide_mu, slots), old.decode_states(mu, slots))


def test_a_narrower_latent_is_refused(saved):
    _, folder = saved
    with pytest.raises(ValueError, match="wider"):
        narrow = _model(latent=2)
        warm_state(narrow, folder)


def test_set_overrides_nested_entries_as_json_or_text():
    cfg = json.loads(json.dumps(CONFIGS["vae-poly"]))
    override(cfg, "objective.free_bits=512")
    override(cfg, "train.warm_start=models/vae-poly")
    override(cfg, "model.latent=256")
    assert cfg["objective"]["free_bits"] == 512 and cfg["model"]["latent"] == 256
    assert cfg["train"]["warm_start"] == "models/vae-poly"
    assert cfg["objective"]["beta"] == CONFIGS["vae-poly"]["objective"]["beta"]     # the rest untouched


def test_lr_final_brings_the_learning_rate_down_along_the_budget():
    cfg = json.loads(json.dumps(CONFIGS["vae-poly-tiny"]))
    trainer = Trainer(cfg, {}, {})
    trainer.schedule(0.5)
    assert trainer.opt.param_groups[0]["lr"] == cfg["train"]["lr"]          # no lr_final: constant
    cfg["train"]["lr_final"] = 1e-4
    rates = []
    for done in (0.0, 0.25, 0.5, 0.75, 1.0, 1.5):
        trainer.schedule(done)
        rates.append(trainer.opt.param_groups[0]["lr"])
    assert rates[0] == pytest.approx(cfg["train"]["lr"]) and rates[-2] == rates[-1] == pytest.approx(1e-4)
    assert all(a > b for a, b in zip(rates[:5], rates[1:5]))


def test_the_card_joins_the_histories_of_stages_counting_on(tmp_path):
    first = [{"epoch": 1.0, "seconds": 10.0, "batches": 100.0, "valid_loss": 5.0},
             {"epoch": 2.0, "seconds": 20.0, "batches": 200.0, "valid_loss": 4.0}]
    second = [{"epoch": 1.0, "seconds": 7.0, "batches": 100.0, "valid_loss": 3.0, "lr": 0.001}]
    joined = join_stages([first, second])
    assert [r["epoch"] for r in joined] == [1, 2, 3] and [r["seconds"] for r in joined] == [10, 20, 27]
    assert [r["batches"] for r in joined] == [100, 200, 300] and [r["stage"] for r in joined] == [1, 1, 2]
    assert np.isnan(joined[0]["lr"]) and joined[2]["lr"] == 0.001
    write_history(tmp_path, joined)
    again = read_history(tmp_path)
    assert [r["valid_loss"] for r in again] == [5.0, 4.0, 3.0] and np.isnan(again[1]["lr"])


def test_a_fitted_prior_draws_from_the_gaussian_of_the_codes():
    from musicstudio.generators.vae_poly.sliders import prior_scale

    rng = np.random.default_rng(2)
    mixing = rng.standard_normal((4, 4)) * 0.3
    codes = 1.5 + rng.standard_normal((4000, 4)) @ mixing.T             # codes far from N(0, I)
    scale = prior_scale(codes)
    draws = codes.mean(0) + rng.standard_normal((20000, 4)) @ scale.T.astype(np.float64)
    assert np.allclose(draws.mean(0), codes.mean(0), atol=0.02)
    assert np.allclose(np.cov(draws.T), np.cov(codes.T), atol=0.02)


def test_the_generator_samples_from_its_fitted_prior_and_n01_without_one(tiny_poly_models, tmp_path):
    import shutil

    from musicstudio.generators.checkpoint import read_config
    from musicstudio.generators.vae_poly.backend import load
    from musicstudio.generators.vae_poly.fit_prior import fit_prior

    folder = tmp_path / "fitted"
    shutil.copytree(tiny_poly_models / "vae-poly-tiny", folder)
    plain = load(folder, read_config(folder))
    noise = np.random.default_rng(0).standard_normal((5, plain.latent)).astype(np.float32)
    assert np.array_equal(plain.prior(noise), noise)
    fit_prior(folder, tiny_poly_models / "cache.npz")          # the fixture's made-up pieces
    fitted = load(folder, read_config(folder))
    assert read_config(folder)["model"]["fitted_prior"] and fitted.slider_names == plain.slider_names
    z = fitted.prior(noise)
    assert not np.allclose(z, noise) and np.allclose(fitted.prior(np.zeros_like(noise)), fitted._centre)
    assert len(fitted.sample(3, meter=(4, 4))) == 3
