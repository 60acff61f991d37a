"""The compiled (numba) loops of the polyphonic VAE's kernel (fused.py) against the torch kernel and autograd: the
teacher-forced objective and its gradient with respect to z within 1e-4, greedy states equal, the encoder's
posterior within float rounding; on the shipped model (phrases of 4/4 and 6/8, real and random) and on small
models of odd sizes; larger batches and a missing numba keep torch's path."""

import sys

import numpy as np
import pytest
import torch
from tiny_poly_vae import CHORDS

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.codecs.grid import STEP_TICKS
from musicstudio.generators.registry import ModelRegistry
from musicstudio.generators.vae_poly import kernel as kernel_module
from musicstudio.generators.vae_poly.kernel import Kernel
from musicstudio.generators.vae_poly.model import PolyConfig, PolyVAE
from musicstudio.generators.vae_poly.refine import code_loss, roll_targets
from musicstudio.generators.vae_poly.roll import roll_features

numba = pytest.importorskip("numba")
SHIPPED = any(m.name == "vae-poly" for m in ModelRegistry().models())
E = 3 * STEP_TICKS             # an 8th
# a 6/8 tune over a dotted-half bass: (pitch, start in 8ths, length in 8ths)
JIG = Clip(tuple(Note(p, s * E, d * E, 90) for p, s, d in
                 [(67, 0, 1), (72, 1, 2), (71, 3, 1), (72, 4, 1), (74, 5, 1), (76, 6, 3), (74, 9, 2), (71, 11, 1)])
           + (Note(48, 0, 6 * E, 80), Note(43, 6 * E, 6 * E, 80)), 12 * E)


@pytest.fixture(scope="module")
def shipped():
    if not SHIPPED:
        pytest.skip("the vae-poly model is not installed")
    torch.set_num_threads(1)
    return ModelRegistry().load("vae-poly", "cpu")


def _odd_model(seed=0):
    """Sizes that are no multiples of the loops' blocks of 4 (hidden 9, latent 3, 7 pitches)."""
    torch.manual_seed(seed)
    return PolyVAE(PolyConfig(pitches=7, embed=6, encoder=5, decoder=9, latent=3, position_embed=4)).eval()


def _phrases(vae, meter):
    """Multi-hots ``(rows, steps, 2 pitches)`` of a real clip's 2-bar chunks in ``meter`` and of random rolls."""
    clip = CHORDS if meter == (4, 4) else JIG
    rolls, _ = vae.clip_rolls(clip, meter)
    noise = np.random.default_rng(5).random((3, rolls.shape[1], rolls.shape[2]))
    random_rolls = np.where(noise < 0.04, 1, np.where(noise < 0.1, 2, 0)).astype(np.uint8)
    return torch.from_numpy(roll_features(np.concatenate([rolls, random_rolls])))


def _agree(compiled, torch_path, rel=1e-4):
    """Each row's values within ``rel`` of its largest magnitude."""
    scale = torch_path.abs().amax(dim=-1, keepdim=True).clamp_min(1e-6)
    return bool(((compiled - torch_path).abs() <= rel * scale).all())


@pytest.mark.parametrize("meter", [(4, 4), (6, 8)])
def test_the_compiled_objective_and_gradient_are_the_torch_kernels_and_autograds_on_the_shipped_model(shipped,
                                                                                                       meter):
    model = shipped.model
    features = _phrases(shipped, meter)
    slots = shipped.config.slots(meter, features.shape[1])
    compiled, plain = Kernel(model, compiled=True), Kernel(model, compiled=False)
    assert compiled.compiled and not plain.compiled
    with torch.no_grad():
        mu, logvar = model.encode(features, slots)
    z = mu + 0.3 * torch.randn(mu.shape, generator=torch.Generator().manual_seed(1))
    phrases = plain.phrases(features, slots)
    for beta, free_bits in [(0.0, 0.0), (0.2, 512.0), (1.0, 0.0)]:
        loss_c, grad_c = compiled.objective(z, phrases, logvar, beta, free_bits)
        loss_t, grad_t = plain.objective(z, phrases, logvar, beta, free_bits)
        assert torch.allclose(loss_c, loss_t, rtol=1e-5)
        assert _agree(grad_c, grad_t)
        zg = z.clone().requires_grad_(True)
        loss = code_loss(model, zg, logvar, features, slots, roll_targets(features, model.config.pitches), beta,
                         free_bits)
        assert torch.allclose(loss_c, loss.detach(), rtol=1e-5)
        assert _agree(grad_c, torch.autograd.grad(loss.sum(), zg)[0])
    no_kl, none = compiled.objective(z, phrases, None, grad=False)
    assert none is None and torch.allclose(no_kl, plain.objective(z, phrases, None, grad=False)[0], rtol=1e-5)


@pytest.mark.parametrize("meter", [(4, 4), (6, 8)])
def test_compiled_greedy_states_and_posteriors_are_the_torch_kernels_on_the_shipped_model(shipped, meter):
    model = shipped.model
    features = _phrases(shipped, meter)
    slots = shipped.config.slots(meter, features.shape[1])
    compiled, plain = Kernel(model, compiled=True), Kernel(model, compiled=False)
    mu_c, logvar_c = compiled.encode(features, slots)
    with torch.no_grad():
        mu, logvar = model.encode(features, slots)
    assert torch.allclose(mu_c, mu, atol=1e-5) and torch.allclose(logvar_c, logvar, atol=1e-5)
    prior = torch.from_numpy(shipped.prior(np.random.default_rng(2).standard_normal((9, shipped.latent))))
    allowed = torch.tensor([p % 12 in (0, 2, 4, 5, 7, 9, 11) for p in range(model.config.pitches)])   # C major
    for z in (mu, prior):
        assert torch.equal(compiled.decode(z, slots), plain.decode(z, slots))
        assert torch.equal(compiled.decode(z, slots, allowed=allowed), plain.decode(z, slots, allowed=allowed))
        assert torch.equal(compiled.decode(z, slots), model.decode_states(z, slots))
    masked = compiled.decode(prior, slots, allowed=allowed)
    assert not (masked[..., ~allowed] == 1).any() and (masked == 1).any()


@pytest.mark.parametrize("rows", [1, 2, 3, 5])
def test_the_compiled_loops_agree_on_sizes_off_their_blocks(rows):
    """Odd batch sizes (the loops take rows in pairs) and widths off the blocks of 4."""
    model = _odd_model()
    rolls = np.random.default_rng(rows).integers(0, 3, (rows, 24, 7)).astype(np.uint8)
    features = torch.from_numpy(roll_features(rolls))
    slots = model.config.slots((3, 4), 24)
    compiled, plain = Kernel(model, compiled=True), Kernel(model, compiled=False)
    with torch.no_grad():
        mu, logvar = model.encode(features, slots)
    mu_c, logvar_c = compiled.encode(features, slots)
    assert torch.allclose(mu_c, mu, atol=1e-6) and torch.allclose(logvar_c, logvar, atol=1e-6)
    z = mu + 0.5 * torch.randn(mu.shape, generator=torch.Generator().manual_seed(rows))
    phrases = plain.phrases(features, slots)
    loss_c, grad_c = compiled.objective(z, phrases, logvar, 1.0, 0.0)
    loss_t, grad_t = plain.objective(z, phrases, logvar, 1.0, 0.0)
    assert torch.allclose(loss_c, loss_t, rtol=1e-5) and _agree(grad_c, grad_t)
    assert torch.equal(compiled.decode(z, slots), plain.decode(z, slots))


def test_the_compiled_exp_is_within_a_unit_or_two_in_the_last_place():
    from musicstudio.generators.vae_poly.fused_core import _exp

    x = np.linspace(-87.0, 88.0, 200_001).astype(np.float32)
    out, bits = np.empty_like(x), np.empty(len(x), np.int32)
    _exp(x, out, bits)
    exact = np.exp(x.astype(np.float64))
    assert np.max(np.abs(out - exact) / exact) < 3e-7
    _exp(np.array([-1e9, 1e9, 0.0], np.float32), out[:3], bits[:3])        # clamped, not inf or 0 with NaN
    assert np.isfinite(out[:3]).all() and out[2] == 1.0


def test_batches_above_the_limit_and_sampling_take_torchs_path(monkeypatch):
    model = _odd_model(1)
    rolls = np.random.default_rng(0).integers(0, 3, (3, 24, 7)).astype(np.uint8)
    features = torch.from_numpy(roll_features(rolls))
    slots = model.config.slots((3, 4), 24)
    compiled, plain = Kernel(model, compiled=True), Kernel(model, compiled=False)
    z = torch.randn(3, 3, generator=torch.Generator().manual_seed(0))
    phrases = plain.phrases(features, slots)
    from musicstudio.generators.vae_poly import fused

    calls = []

    def spy(name):
        real = getattr(fused, name)
        return lambda *args, **kw: calls.append(name) or real(*args, **kw)

    for name in ("objective", "greedy", "encode"):
        monkeypatch.setattr(fused, name, spy(name))
    monkeypatch.setattr(kernel_module, "FUSED_ROWS", 2)
    big_c, big_t = compiled.objective(z, phrases), plain.objective(z, phrases)
    assert torch.equal(big_c[0], big_t[0]) and torch.equal(big_c[1], big_t[1])         # 3 rows: torch's, bit for bit
    assert torch.equal(compiled.decode(z, slots), plain.decode(z, slots)) and not calls
    compiled.objective(z[:2], phrases.select([0, 1]))
    compiled.decode(z[:2], slots)
    compiled.encode(features[:2], slots)
    assert calls == ["objective", "greedy", "encode"]                                  # 2 rows: the compiled loops'
    a, b = torch.Generator().manual_seed(4), torch.Generator().manual_seed(4)
    assert torch.equal(compiled.decode(z[:2], slots, 1.0, generator=a), plain.decode(z[:2], slots, 1.0, generator=b))
    assert calls == ["objective", "greedy", "encode"]                                  # sampling: torch's


def test_without_numba_the_kernel_keeps_torchs_path(monkeypatch):
    model = _odd_model(2)
    monkeypatch.setitem(sys.modules, "numba", None)                 # import numba -> ImportError
    for name in ("fused", "fused_core", "fused_encoder"):        # every module that imports numba, imported anew
        monkeypatch.delitem(sys.modules, f"musicstudio.generators.vae_poly.{name}", raising=False)
        monkeypatch.delattr(f"musicstudio.generators.vae_poly.{name}", raising=False)
    assert kernel_module.compiled_loops() is None
    kernel = Kernel(model)
    assert not kernel.compiled
    kernel.warm_up()                                                  # nothing to warm: no error
    with pytest.raises(ValueError, match="numba"):
        Kernel(model, compiled=True)
    features = torch.from_numpy(roll_features(np.random.default_rng(1).integers(0, 3, (2, 24, 7)).astype(np.uint8)))
    slots = model.config.slots((3, 4), 24)
    z = torch.randn(2, 3, generator=torch.Generator().manual_seed(1))
    plain = Kernel(model, compiled=False)
    got, want = kernel.objective(z, kernel.phrases(features, slots)), plain.objective(z, plain.phrases(features, slots))
    assert torch.equal(got[0], want[0]) and torch.equal(got[1], want[1])
    assert torch.equal(kernel.decode(z, slots), plain.decode(z, slots))
    with torch.no_grad():
        assert torch.equal(kernel.encode(features, slots)[0], model.encode(features, slots)[0])


def test_where_numba_cannot_cache_its_code_the_kernel_keeps_torchs_path_unless_asked(monkeypatch):
    from musicstudio.generators.vae_poly import fused

    monkeypatch.setattr(fused, "CACHED", False)
    model = _odd_model(3)
    assert not Kernel(model).compiled and Kernel(model, compiled=True).compiled


def test_after_the_warm_up_a_real_call_compiles_nothing_more():
    """The warm-up's tiny phrase has the types of every real call (float32 C arrays, int64 states), so the first
    studio operation loads nothing and compiles nothing."""
    from musicstudio.generators.vae_poly import fused

    model = _odd_model(4)
    kernel = Kernel(model, compiled=True)
    kernel.warm_up()
    loops = [getattr(fused, name) for name in ("objective", "greedy", "encode")]
    before = [len(f.signatures) for f in loops]
    assert all(before)
    features = torch.from_numpy(roll_features(np.random.default_rng(2).integers(0, 3, (3, 32, 7)).astype(np.uint8)))
    slots = model.config.slots((4, 4), 32)
    mu, logvar = kernel.encode(features, slots)
    kernel.objective(mu, kernel.phrases(features, slots), logvar, 0.2, 10.0)
    kernel.objective(mu[:1], kernel.phrases(features, slots).select([0]), None, grad=False)
    kernel.decode(mu, slots, allowed=torch.ones(7, dtype=torch.bool))
    assert [len(f.signatures) for f in loops] == before


def test_the_set_up_command_warms_the_shipped_models_loops_and_says_so(capsys):
    assert kernel_module.main([]) == 0
    assert "compiled loops ready for vae-poly" in capsys.readouterr().out


def test_the_set_up_command_names_a_missing_model_and_exits_cleanly(capsys):
    assert kernel_module.main(["no-such-model"]) == 0
    out = capsys.readouterr().out
    assert "nothing compiled" in out and "no model of that name" in out


def test_the_set_up_command_without_numba_says_the_torch_path_runs(monkeypatch, capsys):
    monkeypatch.setattr(kernel_module, "compiled_loops", lambda uncached=False: None)
    assert kernel_module.main([]) == 0
    assert "the torch path runs" in capsys.readouterr().out
