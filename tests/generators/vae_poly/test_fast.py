"""The polyphonic VAE's fast encoding path: the hand-written decoder (kernel.py) gives code_loss's objective and
autograd's gradient and decode_states' states; the learned update network's codes (iterative.py) are never worse
than the encoder's mean by the objective; ``encoding.fast`` is read strictly, and a missing, damaged or
mismatched network file is refused with a message naming it; a model with the entry encodes through it."""

import json
import shutil

import numpy as np
import pytest
import torch
from tiny_poly_vae import CHORDS, tiny_model

from musicstudio.generators.checkpoint import CheckpointError, read_config
from musicstudio.generators.vae_poly.backend import load
from musicstudio.generators.vae_poly.iterative import Fast, UpdateNet, fast_codes, load_net, save_net, score, train
from musicstudio.generators.vae_poly.kernel import Kernel
from musicstudio.generators.vae_poly.model import PolyConfig, PolyVAE
from musicstudio.generators.vae_poly.refine import code_loss, roll_targets
from musicstudio.generators.vae_poly.roll import roll_features

_model = tiny_model


def _features(n=6, seed=1, steps=32):
    rolls = np.random.default_rng(seed).integers(0, 3, (n, steps, 12)).astype(np.uint8)
    return torch.from_numpy(roll_features(rolls)), rolls


@pytest.mark.parametrize("beta, free_bits", [(0.0, 0.0), (1.0, 0.0), (0.2, 1e6)])
def test_the_kernels_objective_and_gradient_are_code_losss_and_autograds(beta, free_bits):
    model, (features, _) = _model(), _features()
    slots = model.config.slots((3, 4), 32)
    with torch.no_grad():
        mu, logvar = model.encode(features, slots)
    z = (mu + 0.3 * torch.randn_like(mu)).requires_grad_(True)
    loss = code_loss(model, z, logvar, features, slots, roll_targets(features, 12), beta, free_bits)
    expected = torch.autograd.grad(loss.sum(), z)[0]
    kernel = Kernel(model)
    got, grad = kernel.objective(z, kernel.phrases(features, slots), logvar, beta, free_bits)
    assert torch.allclose(got, loss.detach(), rtol=1e-5, atol=1e-4)
    assert torch.allclose(grad, expected, rtol=1e-4, atol=1e-5)
    again, none = kernel.objective(z, kernel.phrases(features, slots), logvar, beta, free_bits, grad=False)
    assert none is None and torch.allclose(again, got)


def test_the_kernel_decodes_the_states_decode_states_writes():
    model = _model()
    kernel = Kernel(model)
    z = torch.randn(5, 4)
    slots = model.config.slots((4, 4), 32)
    assert torch.equal(kernel.decode(z, slots), model.decode_states(z, slots))
    allowed = torch.tensor([p % 2 == 0 for p in range(12)])
    a, b = torch.Generator().manual_seed(3), torch.Generator().manual_seed(3)
    sampled = kernel.decode(z, slots, 1.0, allowed, a)
    assert torch.equal(sampled, model.decode_states(z, slots, 1.0, allowed, b))
    assert not (sampled[..., 1::2] == 1).any()              # no onsets of masked pitches


def test_the_kernel_refuses_the_parallel_decoder():
    model = PolyVAE(PolyConfig(pitches=12, embed=8, encoder=8, decoder=16, latent=4, position_embed=4,
                               decoder_kind="parallel"))
    with pytest.raises(ValueError, match="parallel"):
        Kernel(model)


def test_fast_codes_are_never_worse_than_the_encoders_mean_by_the_objective():
    model, (features, _) = _model(), _features(8)
    slots = model.config.slots((4, 4), 32)
    kernel = Kernel(model)
    phrases = kernel.phrases(features, slots)
    with torch.no_grad():
        mu, logvar = model.encode(features, slots)
    before, _ = kernel.objective(mu, phrases, logvar, 0.2, 0.0, grad=False)
    torch.manual_seed(0)
    for rate in (0.05, 50.0):           # a sane step, and one that overshoots everywhere
        net = UpdateNet(4, 16, 3)
        with torch.no_grad():
            net.log_rate.fill_(float(np.log(rate)))
        z, after = fast_codes(kernel, net, phrases, mu, logvar, 3, 0.2, 0.0)
        again, _ = kernel.objective(z, phrases, logvar, 0.2, 0.0, grad=False)
        assert torch.allclose(after, again, atol=1e-4) and (after <= before + 1e-5).all()
        if rate == 0.05:
            assert (after < before - 1e-4).any()
        else:
            assert torch.equal(z, mu)           # every overshooting step refused: the encoder's mean kept
    z, after = fast_codes(kernel, net, phrases, mu, logvar, 0, 0.2, 0.0)
    assert torch.equal(z, mu) and torch.allclose(after, before)
    with pytest.raises(ValueError, match="trained for 1 to 3 steps"):
        fast_codes(kernel, net, phrases, mu, logvar, 4, 0.2, 0.0)


GOOD = {"steps": 2, "weights": "update.safetensors", "hidden": 16, "beta": 0.2, "free_bits": 1.0,
        "trained_steps": 3}


@pytest.mark.parametrize("change, words", [({"steps": 0}, "steps >= 1"), ({"rate": 1}, "no rate"),
                                           ({"steps": 4}, "trained for 3"),
                                           ({"weights": "../x.safetensors"}, "beside the model"),
                                           ({"weights": "x.pt"}, "beside the model")])
def test_a_malformed_fast_entry_is_refused(change, words):
    assert Fast.from_config({"encoding": {"fast": GOOD}}) == Fast(2, "update.safetensors", 16, 0.2, 1.0, 3)
    assert Fast.from_config({"encoding": {"refine": {"steps": 3}}}) is None
    with pytest.raises(ValueError, match=words):
        Fast.from_config({"encoding": {"fast": {**GOOD, **change}}})
    spec = dict(GOOD)
    del spec["hidden"]
    with pytest.raises(ValueError, match="lacks hidden"):
        Fast.from_config({"encoding": {"fast": spec}})


def _with_fast(tiny_poly_models, tmp_path, net: UpdateNet | None, spec: dict, name="update.safetensors"):
    folder = tmp_path / "fast"
    shutil.copytree(tiny_poly_models / "vae-poly-tiny", folder)
    config = read_config(folder)
    config["encoding"] = {"refine": {"steps": 3, "lr": 0.1}, "fast": spec}
    (folder / "config.json").write_text(json.dumps(config), "utf-8")
    if net is not None:
        save_net(net, folder / name)
    return folder


def _tiny_net(tiny_poly_models, hidden=16, steps=3):
    latent = read_config(tiny_poly_models / "vae-poly-tiny")["model"]["latent"]
    torch.manual_seed(1)
    net = UpdateNet(latent, hidden, steps)
    with torch.no_grad():
        for p in net.mlp.parameters():
            p.normal_(0, 0.05)
    return net


def test_a_model_with_the_entry_encodes_through_the_update_network(tiny_poly_models, tmp_path):
    net = _tiny_net(tiny_poly_models)
    spec = {"steps": 2, "weights": "update.safetensors", "hidden": 16, "beta": 0.2, "trained_steps": 3}
    vae = load(_with_fast(tiny_poly_models, tmp_path, net, spec), read_config(tmp_path / "fast"))
    assert vae.fast == Fast.from_config({"encoding": {"fast": spec}})
    rolls, _ = vae.clip_rolls(CHORDS)
    x = torch.from_numpy(roll_features(rolls))
    slots = vae.config.slots((4, 4), 32)
    with torch.no_grad():
        mu, logvar = vae.model.encode(x, slots)
    kernel = Kernel(vae.model)
    expected, _ = fast_codes(kernel, net, kernel.phrases(x, slots), mu, logvar, 2, 0.2, 0.0)
    assert np.allclose(vae.encode(CHORDS), expected.numpy(), atol=1e-6) and len(vae._refined) == 1
    assert np.array_equal(vae.rolls_for(expected.numpy(), (4, 4)), vae.model.decode_states(expected, slots).numpy())


def test_a_missing_damaged_or_mismatched_update_network_is_refused(tiny_poly_models, tmp_path):
    spec = {"steps": 2, "weights": "update.safetensors", "hidden": 16, "trained_steps": 3}
    folder = _with_fast(tiny_poly_models, tmp_path, None, spec)
    with pytest.raises(CheckpointError, match="update.safetensors.*missing"):
        load(folder, read_config(folder))
    net = _tiny_net(tiny_poly_models)
    save_net(net, folder / "update.safetensors")
    data = (folder / "update.safetensors").read_bytes()
    (folder / "update.safetensors").write_bytes(data[:len(data) // 2])
    with pytest.raises(CheckpointError, match="update network is damaged"):
        load(folder, read_config(folder))
    with torch.no_grad():
        net.mlp[0].weight[0, 0] = float("nan")
    save_net(net, folder / "update.safetensors")
    with pytest.raises(CheckpointError, match="NaN"):
        load(folder, read_config(folder))
    save_net(_tiny_net(tiny_poly_models, hidden=8), folder / "update.safetensors")
    with pytest.raises(CheckpointError, match="16 hidden units"):
        load(folder, read_config(folder))
    with pytest.raises(CheckpointError, match="16 hidden units"):
        load_net(folder / "update.safetensors", 999, Fast.from_config({"encoding": {"fast": spec}}))


def test_training_writes_a_loadable_network_no_worse_than_the_encoders_mean(tiny_poly_models, tmp_path):
    from musicstudio.generators.vae_poly.iterative import _groups

    vae = load(tiny_poly_models / "vae-poly-tiny", read_config(tiny_poly_models / "vae-poly-tiny"))
    cache = str(tiny_poly_models / "cache.npz")
    out = tmp_path / "update.safetensors"
    result = train(vae, cache, out, steps=2, hidden=16, beta=0.2, free_bits=0.0, batch=8, minutes=0.02,
                   validate_minutes=0.01, valid_per_meter=8, log=lambda m: None)
    assert out.is_file() and len(result["history"]) >= 2
    fast = Fast(2, out.name, 16, 0.2, 0.0)
    net = load_net(out, vae.config.latent, fast)
    kernel = Kernel(vae.model)
    groups = _groups(vae, cache, "valid", 8)
    trained, untouched = score(vae, kernel, net, groups, 2, 0.2, 0.0), score(vae, kernel, net, groups, 0, 0.2, 0.0)
    assert trained["objective"] <= untouched["objective"] + 1e-3
    assert result["best"]["step_accuracy"] == max(r["step_accuracy"] for r in result["history"])


def test_a_widened_network_moves_codes_as_the_smaller_one_then_repeats_its_last_step(tiny_poly_models, tmp_path):
    from musicstudio.generators.vae_poly.iterative import _groups, widen_net

    vae = load(tiny_poly_models / "vae-poly-tiny", read_config(tiny_poly_models / "vae-poly-tiny"))
    small = _tiny_net(tiny_poly_models, steps=2)
    with torch.no_grad():
        small.log_rate.copy_(torch.log(torch.rand_like(small.log_rate) * 0.1 + 0.01))    # the two steps differ
    save_net(small, tmp_path / "small.safetensors")
    wide = widen_net(tmp_path / "small.safetensors", vae.config.latent, 16, 5)
    assert wide.steps == 5 and all(torch.equal(wide.log_rate[k], small.log_rate[1]) for k in (2, 3, 4))
    rolls, _ = vae.clip_rolls(CHORDS)
    x = torch.from_numpy(roll_features(rolls))
    slots = vae.config.slots((4, 4), 32)
    with torch.no_grad():
        mu, logvar = vae.model.encode(x, slots)
    kernel = Kernel(vae.model, compiled=False)   # torch's gradients: the nets' products then agree to the bit
    phrases = kernel.phrases(x, slots)
    for k in (0, 1, 2):
        assert torch.equal(fast_codes(kernel, wide, phrases, mu, logvar, k, 0.2, 0.0)[0],
                           fast_codes(kernel, small, phrases, mu, logvar, k, 0.2, 0.0)[0])
    torch.manual_seed(2)
    z, m, g, previous = (torch.randn(3, vae.config.latent) for _ in range(4))
    with torch.no_grad():
        assert not torch.allclose(small(z, m, g, 0, previous), small(z, m, g, 1, previous), atol=1e-3)
        for k in (2, 3, 4):          # the same sums, in another order (zero columns added): equal to rounding
            assert torch.allclose(wide(z, m, g, k, previous), small(z, m, g, 1, previous), atol=1e-6)
    with pytest.raises(ValueError, match="trained for 2 steps to 1"):
        widen_net(tmp_path / "small.safetensors", vae.config.latent, 16, 1)
    with pytest.raises(CheckpointError, match="8 hidden units, 2 steps"):
        widen_net(tmp_path / "small.safetensors", vae.config.latent, 8, 4)
    (tmp_path / "not.safetensors").write_bytes(b"junk")
    with pytest.raises(CheckpointError, match="cannot be read"):
        widen_net(tmp_path / "not.safetensors", vae.config.latent, 16, 4)

    cache, out = str(tiny_poly_models / "cache.npz"), tmp_path / "wide.safetensors"
    result = train(vae, cache, out, steps=5, hidden=16, beta=0.2, free_bits=0.0, batch=8, minutes=0.0,
                   valid_per_meter=8, widen_from=tmp_path / "small.safetensors", log=lambda m: None)
    start = score(vae, kernel, wide, _groups(vae, cache, "valid", 8), 5, 0.2, 0.0)
    assert result["history"][0]["step_accuracy"] == start["step_accuracy"]
    assert result["history"][0]["objective"] == pytest.approx(start["objective"])
    with pytest.raises(ValueError, match="not both"):
        train(vae, cache, out, steps=5, hidden=16, minutes=0.0, init=out, widen_from=tmp_path / "small.safetensors")


def test_the_report_and_the_card_describe_a_model_that_encodes_through_the_update_network(tiny_poly_models, tmp_path):
    from musicstudio.generators.vae_poly.card import _encoding
    from musicstudio.generators.vae_poly.report import by_meter, measure, summary

    spec = {"steps": 2, "weights": "update.safetensors", "hidden": 16, "beta": 0.2, "trained_steps": 3}
    folder = _with_fast(tiny_poly_models, tmp_path, _tiny_net(tiny_poly_models), spec)
    vae = load(folder, read_config(folder))
    result = measure(vae, str(tiny_poly_models / "cache.npz"), seeds=4, samples=4)
    assert result["fast"]["steps"] == 2 and "refine" not in result
    assert 0 <= summary(result)["reconstruction_2_bars_refined"] <= 1
    assert any("2 steps of the learned update network (update.safetensors)" in line for line in by_meter(result))
    assert "2 steps of a learned update network (`update.safetensors`" in _encoding(read_config(folder))
