"""Training the polyphonic VAE's encoder alone: the decoder (and every buffer) is untouched bit for bit, the
encoder's parameters move, and a few steps on one batch lower the model's objective on it; the whole run writes a
complete model folder that loads, with its validation curve and its prior refitted."""

import numpy as np
import pytest
import torch

from musicstudio.generators.checkpoint import read_config
from musicstudio.generators.vae_poly.backend import load
from musicstudio.generators.vae_poly.encoder_tuning import (
    HISTORY,
    EncoderTuner,
    is_encoder,
    main,
    tuning_model,
    valid_set,
)
from musicstudio.generators.vae_poly.objective import phrase_loss
from musicstudio.generators.vae_poly.roll import RollCodec


@pytest.fixture
def tiny(tiny_poly_models):
    folder = tiny_poly_models / "vae-poly-tiny"
    return folder, read_config(folder)


def _batch(config, n=16, seed=3):
    codec = RollCodec.from_spec(config["codec"])
    return np.random.default_rng(seed).integers(0, 3, (n, 32, codec.pitches)).astype(np.int64)


def _loss(model, config, rolls):
    o = config["objective"]
    model.eval()
    with torch.no_grad():
        return float(phrase_loss(model, torch.from_numpy(rolls), model.config.slots((4, 4), 32), o["beta"],
                                 o["free_bits"])[0])


@pytest.mark.parametrize("feedback, distill", [("trained", (0, 0.0)), ("teacher", (0, 0.0)), ("teacher", (3, 0.5))])
def test_a_few_steps_move_only_the_encoder_and_lower_the_objective(tiny, feedback, distill):
    folder, config = tiny
    model = tuning_model(config, folder, feedback)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    rolls = _batch(config)
    start = _loss(model, config, rolls)
    tuner = EncoderTuner(model, {**config["objective"], "sample": False}, {}, len(rolls), lr=1e-2,
                         distill=distill)
    for _ in range(30):
        tuner.step((4, 4), torch.from_numpy(rolls))
    after = model.state_dict()
    assert {k for k, v in before.items() if not torch.equal(v, after[k])} == \
        {k for k in before if is_encoder(k)} != set()
    assert "position.weight" in before and not is_encoder("position.weight")    # shared with the decoder: frozen
    assert _loss(model, config, rolls) < start


def test_feedback_must_be_named(tiny):
    with pytest.raises(ValueError, match="feedback"):
        tuning_model(tiny[1], tiny[0], "greedy")


def test_a_run_writes_a_complete_model_folder(tiny, tiny_poly_models, tmp_path, capsys):
    folder, config = tiny
    cache = tiny_poly_models / "cache.npz"
    out = tmp_path / "tuned"
    assert main([str(folder), "--out", str(out), "--max-minutes", "0.02", "--validate-minutes", "0.01",
                 "--valid-phrases", "8", "--cache", str(cache)]) == 0
    rows = (out / HISTORY).read_text().splitlines()
    assert rows[0].startswith("minutes,batches") and len(rows) >= 3
    tuned = read_config(out)
    assert tuned["encoder_tuning"]["feedback"] == "trained" and tuned["model"]["fitted_prior"] is True
    old, new = load(folder, config).model.state_dict(), load(out, tuned).model.state_dict()
    for name in old:
        if name.startswith(("decoder.", "to_state.", "head.", "position.")):
            assert torch.equal(old[name], new[name]), name
    assert set(new) >= set(old) and "prior_scale" in new
    from musicstudio.generators.vae_poly.data import read_cache
    assert valid_set(read_cache(cache), RollCodec.from_spec(config["codec"]), load(out, tuned).model.config, 8)
