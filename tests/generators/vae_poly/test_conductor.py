"""The 4-bar conductor over the frozen 2-bar polyphonic VAE: its shapes (two chunks or more), its config entry
and its file checked as the update network's are, training on the tiny model lowers what the frozen decoder
makes of the written codes, the halves' coherence figures on hand-made rolls, and the app's flat prior codes."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from musicstudio.generators.checkpoint import CheckpointError, read_config
from musicstudio.generators.vae_poly.backend import load
from musicstudio.generators.vae_poly.conductor import (
    Conductor,
    ConductorSpec,
    load_conductor,
    load_for,
    save_conductor,
)
from musicstudio.generators.vae_poly.conductor_measures import flat_prior_codes, halves, play
from musicstudio.generators.vae_poly.conductor_training import phrase_groups, train
from musicstudio.generators.vae_poly.roll import HOLD, ONSET


@pytest.mark.parametrize("chunks", [2, 3])
def test_the_conductor_reads_and_writes_the_codes_of_its_chunks(chunks):
    torch.manual_seed(0)
    conductor = Conductor(code=6, latent=4, hidden=8, chunks=chunks).eval()
    codes = torch.randn(5, chunks, 6)
    mu, logvar = conductor.encode(codes)
    assert mu.shape == logvar.shape == (5, 4)
    assert conductor.decode(mu).shape == (5, chunks, 6)
    assert conductor.reconstruct(codes.numpy()).shape == (5, chunks, 6)
    sampled = conductor.sample(7, np.random.default_rng(0))
    assert sampled.shape == (7, chunks, 6) and np.isfinite(sampled).all()
    assert np.array_equal(sampled, conductor.sample(7, np.random.default_rng(0)))
    written = conductor.decode(torch.zeros(1, 4))[0]
    assert not torch.allclose(written[0], written[1])          # each chunk slot writes its own code
    with pytest.raises(ValueError, match=f"codes \\(rows, {chunks}, 6\\)"):
        conductor.encode(torch.randn(5, chunks + 1, 6))


@pytest.mark.parametrize("change, words", [
    ({"weights": "c.bin"}, "safetensors"), ({"weights": "../c.safetensors"}, "beside the model"),
    ({"latent": 0}, "latent, hidden and chunks >= 1"), ({"colour": 1}, "no colour"), ({"weights": None}, "lacks"),
])
def test_a_malformed_conductor_entry_is_refused(change, words):
    spec = {"weights": "c.safetensors", "latent": 4, "hidden": 8}
    spec.update(change)
    spec = {k: v for k, v in spec.items() if v is not None}
    with pytest.raises(ValueError, match=words):
        ConductorSpec.from_config({"conductor": spec})
    assert ConductorSpec.from_config({}) is None


def _with_conductor(tiny_poly_models, tmp_path, conductor, spec):
    folder = tmp_path / "with-conductor"
    shutil.copytree(tiny_poly_models / "vae-poly-tiny", folder)
    config = read_config(folder)
    config["conductor"] = spec
    (folder / "config.json").write_text(json.dumps(config), "utf-8")
    if conductor is not None:
        save_conductor(conductor, folder / spec["weights"])
    return folder


def test_a_missing_damaged_or_mismatched_conductor_is_refused(tiny_poly_models, tmp_path):
    spec = {"weights": "conductor.safetensors", "latent": 4, "hidden": 8}
    folder = _with_conductor(tiny_poly_models, tmp_path, None, spec)
    with pytest.raises(CheckpointError, match="conductor.safetensors.*missing"):
        load(folder, read_config(folder))                  # the model is refused, as for a missing update network
    vae = load(tiny_poly_models / "vae-poly-tiny", read_config(tiny_poly_models / "vae-poly-tiny"))
    with pytest.raises(CheckpointError, match="conductor.safetensors.*missing"):
        load_for(vae, folder, read_config(folder))
    conductor = Conductor(vae.latent, 4, 8)
    save_conductor(conductor, folder / "conductor.safetensors")
    assert load_for(vae, folder, read_config(folder)).latent == 4
    data = (folder / "conductor.safetensors").read_bytes()
    (folder / "conductor.safetensors").write_bytes(data[:len(data) // 2])
    with pytest.raises(CheckpointError, match="conductor is damaged"):
        load_for(vae, folder, read_config(folder))
    with torch.no_grad():
        conductor.head.weight[0, 0] = float("nan")
    save_conductor(conductor, folder / "conductor.safetensors")
    with pytest.raises(CheckpointError, match="NaN"):
        load_for(vae, folder, read_config(folder))
    save_conductor(Conductor(vae.latent, 4, 16), folder / "conductor.safetensors")
    with pytest.raises(CheckpointError, match="8 hidden units"):
        load_for(vae, folder, read_config(folder))
    with pytest.raises(CheckpointError, match="4 latent dimensions"):
        load_conductor(folder / "conductor.safetensors", vae.latent + 1, ConductorSpec("c.safetensors", 4, 16))
    config = read_config(folder)
    config["conductor"]["chunks"] = 0
    with pytest.raises(CheckpointError, match="config.json.*chunks >= 1"):
        load_for(vae, folder, config)
    assert load_for(vae, tiny_poly_models / "vae-poly-tiny", read_config(tiny_poly_models / "vae-poly-tiny")) is None


def test_an_unfitted_entry_draws_z4_from_the_standard_normal(tiny_poly_models, tmp_path):
    conductor = Conductor(read_config(tiny_poly_models / "vae-poly-tiny")["model"]["latent"], 4, 8)
    with torch.no_grad():
        conductor.prior_centre.fill_(3.0)
    spec = {"weights": "conductor.safetensors", "latent": 4, "hidden": 8}
    folder = _with_conductor(tiny_poly_models, tmp_path, conductor, spec)
    vae = load(folder, read_config(folder))
    plain = load_for(vae, folder, read_config(folder))
    assert np.array_equal(plain.prior(np.ones((2, 4))), np.ones((2, 4), np.float32))
    fitted = load_conductor(folder / "conductor.safetensors", vae.latent, ConductorSpec("c.safetensors", 4, 8, 2, True))
    assert np.allclose(fitted.prior(np.ones((2, 4))), 4.0)


@pytest.mark.parametrize("objective", ["code", "decoder"])
def test_training_lowers_the_frozen_decoders_loss_at_the_written_codes(tiny_poly_models, tmp_path, objective):
    vae = load(tiny_poly_models / "vae-poly-tiny", read_config(tiny_poly_models / "vae-poly-tiny"))
    out = tmp_path / "conductor.safetensors"
    result = train(vae, str(tiny_poly_models / "cache.npz"), out, latent=8, hidden=16, objective=objective,
                   batch=16, lr=3e-3, minutes=0.1, validate_every=40, valid_per_meter=16, log=lambda m: None)
    history = result["history"]
    assert out.is_file() and len(history) >= 2
    assert result["best"]["decoder_loss"] == min(r["decoder_loss"] for r in history)
    assert result["best"]["decoder_loss"] < 0.8 * history[0]["decoder_loss"], history
    conductor = load_conductor(out, vae.latent, ConductorSpec(out.name, 8, 16))
    groups = phrase_groups(vae, str(tiny_poly_models / "cache.npz"), "valid", 4, 4)
    meter, rolls = next(iter(groups.items()))
    assert play(vae, conductor.sample(3, np.random.default_rng(0)), meter).shape == (3, *rolls.shape[1:])


def test_the_halves_figures_on_hand_made_rolls():
    rolls = np.zeros((3, 8, 24), np.int8)
    rolls[0, 0, 0] = rolls[0, 4, 12] = ONSET            # C in both halves, an octave apart: one pitch class
    rolls[0, 5, 12] = HOLD                               # held: two cells of C in the second half
    rolls[1, 0, [0, 4]] = ONSET                          # C and E in the first half, E, E, G in the second
    rolls[1, 4, [4, 7]] = ONSET
    rolls[1, 5, 4] = HOLD
    rolls[2, 0, 0] = ONSET                               # nothing in the second half
    h = halves(rolls, low=48)
    assert h["pitch_class_overlap"][0] == pytest.approx(1.0)
    assert h["pitch_class_overlap"][1] == pytest.approx(0.5)         # (C 1/2, E 1/2) against (E 2/3, G 1/3)
    assert np.isnan(h["pitch_class_overlap"][2])
    assert list(h["density_ratio"]) == [1.0, 1.0, 0.0]


def test_the_apps_prior_codes_drift_from_chunk_to_chunk(tiny_poly_models):
    vae = load(tiny_poly_models / "vae-poly-tiny", read_config(tiny_poly_models / "vae-poly-tiny"))
    still = flat_prior_codes(vae, 4, np.random.default_rng(0), drift=0.0)
    assert still.shape == (4, 2, vae.latent) and np.allclose(still[:, 0], still[:, 1])
    drifting = flat_prior_codes(vae, 4, np.random.default_rng(0), drift=0.25)
    assert np.allclose(drifting[:, 0], still[:, 0]) and not np.allclose(drifting[:, 0], drifting[:, 1])


SHIPPED = Path(__file__).resolve().parents[3] / "models" / "vae-poly"


@pytest.mark.skipif(not (SHIPPED / "conductor.safetensors").is_file(), reason="no shipped conductor")
def test_the_shipped_conductors_halves_belong_together_as_the_datas_do():
    """Held-out 4-bar phrases share about 0.57 of their halves' pitch classes (docs/vae-poly.md); the app's flat
    codes drifting 0.25 share about 0.8 (near copies), two independent codes about 0.4. The conductor's samples
    sit between the two: their halves belong together, and are not one half played twice."""
    vae = load(SHIPPED, read_config(SHIPPED))
    conductor = load_for(vae, SHIPPED, read_config(SHIPPED))
    assert conductor is not None and conductor.chunks == 2
    meter, n = (4, 4), 80

    def shared(codes):
        return float(np.nanmean(halves(play(vae, codes, meter), vae.codec.low)["pitch_class_overlap"]))

    ours = shared(conductor.sample(n, np.random.default_rng(0)))
    drifting = shared(flat_prior_codes(vae, n, np.random.default_rng(0)))
    independent = shared(flat_prior_codes(vae, n, np.random.default_rng(0), drift=1.0))
    assert independent + 0.03 < ours < drifting - 0.1, (independent, ours, drifting)


class _Spy:
    """A conductor that writes known codes and counts the calls (the generator's 4-bar prior path)."""

    def __init__(self, vae, chunks=2):
        self.latent, self.chunks, self.calls, self._code = 4, chunks, [], vae.latent

    def codes(self, noise):
        self.calls.append(np.array(noise))
        rows = len(noise)
        return np.stack([np.full((rows, self._code), 0.3 * (k + 1) + noise[:, :1], np.float32)
                         for k in range(self.chunks)], axis=1)


def test_the_shipped_model_loads_its_conductor():
    from musicstudio.generators.registry import ModelRegistry

    vae = ModelRegistry().load("vae-poly", "cpu")
    assert vae.conductor is not None and vae.conductor.chunks == 2 and vae.conductor.latent == 256


def test_takes_from_the_prior_play_the_conductors_codes_and_vary_takes_do_not_call_it(tiny_poly_models):
    from musicstudio.core.clip import Clip
    from musicstudio.generators.interface import BAR, GenerationRequest

    vae = load(tiny_poly_models / "vae-poly-tiny", read_config(tiny_poly_models / "vae-poly-tiny"))
    vae.conductor = spy = _Spy(vae)
    played, rolls_for = [], vae.rolls_for
    vae.rolls_for = lambda z, *a, **k: played.append(np.array(z)) or rolls_for(z, *a, **k)
    request = GenerationRequest(seed=Clip((), 0), bars=8, variations=2, temperature=1.0, random_seed=3,
                                options={"mode": "sample"})
    takes = vae.generate(request)
    assert len(spy.calls) == 2 and all(c.shape == (2, 4) for c in spy.calls)   # 8 bars: two 4-bar groups
    assert not np.allclose(spy.calls[0], spy.calls[1])                           # the noise drifts between groups
    written = np.concatenate([spy.codes(c) for c in spy.calls[:2]], axis=1)      # (takes, 4 chunks, latent)
    assert len(played) == 4 and all(np.array_equal(z, written[:, k]) for k, z in enumerate(played))
    assert len(takes) == 2 and all(t.notes for t in takes)
    seed = takes[0].notes[:8] or ()
    spy.calls.clear()
    vae.generate(GenerationRequest(seed=Clip(tuple(seed), 2 * BAR), bars=4, variations=1, random_seed=1,
                                   options={"mode": "vary"}))
    assert spy.calls == []
