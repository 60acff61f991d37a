"""The checked reading of the small networks a polyphonic VAE ships beside its weights (side_weights.py): the
refusals the update network's and the conductor's tests do not reach (an oversized file, by either name)."""

import pytest
from torch import nn

from musicstudio.generators.checkpoint import CheckpointError
from musicstudio.generators.vae_poly import side_weights


@pytest.mark.parametrize("noun, said", [("the update network", "an update network"), ("the conductor", "a conductor")])
def test_a_file_over_the_limit_is_refused_by_name_before_it_is_read(tmp_path, monkeypatch, noun, said):
    monkeypatch.setattr(side_weights, "WEIGHTS_LIMIT", 1000)
    path = tmp_path / "big.safetensors"
    path.write_bytes(b"\0" * 1001)
    with pytest.raises(CheckpointError, match=f"{said} is under 0 MB; this file is 1,001 bytes"):
        side_weights.load_side_weights(path, nn.Linear(2, 2), noun, "missing", "described")


def test_a_file_of_the_right_shapes_loads_into_the_module_in_eval_mode(tmp_path):
    from safetensors.torch import save_file

    source, target = nn.Linear(3, 2), nn.Linear(3, 2).train()
    save_file(dict(source.state_dict()), str(tmp_path / "w.safetensors"))
    loaded = side_weights.load_side_weights(tmp_path / "w.safetensors", target, "the net", "missing", "described")
    assert loaded is target and not loaded.training and (loaded.weight == source.weight).all()
    with pytest.raises(CheckpointError, match="it is not described: weight differ"):
        side_weights.load_side_weights(tmp_path / "w.safetensors", nn.Linear(4, 2), "the net", "m", "described")
