import pytest
import torch

from musicstudio.generators.checkpoint import save_tensors, write_config
from musicstudio.generators.harmonizer.model import HarmonizerConfig, HarmonizerNet
from musicstudio.generators.harmonizer.voices import CODEC

RANGES = [[60, 81], [53, 74], [48, 69], [36, 62]]


@pytest.fixture(scope="session")
def tiny_harmonizer(tmp_path_factory):
    """A harmonizer model folder with an untrained tiny network (name: harmonizer-tiny)."""
    folder = tmp_path_factory.mktemp("models") / "harmonizer-tiny"
    folder.mkdir()
    torch.manual_seed(0)
    network = HarmonizerConfig(hidden=16, blocks=2, dilations=(1, 2), dropout=0.0)
    save_tensors(folder, HarmonizerNet(network).state_dict())
    write_config(folder, "harmonizer", network.to_dict(), CODEC.vocabulary(), name="harmonizer-tiny",
                 trained_on=["bach"], ranges=RANGES, decoding={"gibbs_steps": 4, "variation_steps": 3})
    return folder
