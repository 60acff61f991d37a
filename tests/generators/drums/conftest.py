import pytest
from add_fixture import with_library
from drum_fixture import records

from musicstudio.generators.drums.training import fit
from musicstudio.generators.registry import ModelRegistry

SETTINGS = {"model": {"embed": 8, "hidden": 16, "layers": 1, "dropout": 0.0}, "epochs": 3, "batch": 8,
            "lr": 1e-2, "max_vocab": 64, "seed": 0}


@pytest.fixture(scope="session")
def drum_models(tmp_path_factory):
    """A folder holding ``drums-tiny``, a drum model trained for 3 epochs on the fixture's grooves."""
    root = tmp_path_factory.mktemp("drum_models")
    summary = fit(root / "drums-tiny", records(), SETTINGS, "test", log=lambda line: None)
    assert summary["best_epoch"] >= 1
    return root


@pytest.fixture(scope="module")
def generator(drum_models, tmp_path_factory):
    """``drums-tiny`` with a groove library of the fixture's grooves (``add_fixture``), loaded for Add drums."""
    root = tmp_path_factory.mktemp("add_models")
    registry = ModelRegistry()
    registry.add_folder(root)
    return registry.load(root / with_library(drum_models, root), "cpu")
