import pytest

from musicstudio.generators.registry import ModelRegistry


@pytest.fixture(scope="session")
def installed_registry():
    """The shipped models, loaded once for the whole session (the registry caches them)."""
    registry = ModelRegistry()
    if not registry.models():
        pytest.skip("no models are installed in models/")
    return registry
