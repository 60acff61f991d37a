"""The capability protocols say what their users call, and every generator class of a family that declares a
capability has each of the protocol's methods, taking the protocol's arguments (the menus and workers ask
``Backend.can(protocol)`` and then call those methods, never probing the generator)."""

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

from musicstudio.generators import capabilities
from musicstudio.generators.backends import backends
from musicstudio.generators.capabilities import DrumWriter

CLASS_BACKEND = re.compile(r"^    backend = ", re.M)


def protocol_methods(protocol) -> dict[str, inspect.Signature]:
    return {name: inspect.signature(member) for name, member in vars(protocol).items()
            if inspect.isfunction(member) and not name.startswith("_")}


def generator_classes(backend) -> list[type]:
    """The classes of the family's package whose ``backend`` is the family's name (its generators)."""
    package = importlib.import_module(backend.implementation.rsplit(".", 1)[0])
    found = []
    for info in pkgutil.iter_modules(package.__path__):
        path = Path(package.__path__[0]) / f"{info.name}.py"
        if not path.exists() or not CLASS_BACKEND.search(path.read_text("utf-8")):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        found += [c for c in vars(module).values() if inspect.isclass(c) and c.__module__ == module.__name__
                  and getattr(c, "backend", None) == backend.name]
    return found


def declared():
    return [(name, backend, protocol) for name, backend in sorted(backends().items())
            for protocol in sorted(backend.capabilities, key=lambda p: p.__name__)]


def test_every_family_s_capability_is_a_protocol_of_the_module_and_has_a_generator_class():
    assert declared()
    for name, backend, protocol in declared():
        assert getattr(capabilities, protocol.__name__) is protocol
        assert generator_classes(backend), f"{name} declares {protocol.__name__} but has no generator class"


@pytest.mark.parametrize("name, backend, protocol", declared(), ids=lambda v: getattr(v, "__name__", str(v)))
def test_each_generator_class_has_the_protocol_s_methods_with_its_arguments(name, backend, protocol):
    for cls in generator_classes(backend):
        for method, wanted in protocol_methods(protocol).items():
            assert callable(getattr(cls, method, None)), f"{cls.__name__} lacks {protocol.__name__}.{method}"
            has = inspect.signature(getattr(cls, method)).parameters
            for arg in list(wanted.parameters.values())[1:]:
                assert arg.name in has, f"{cls.__name__}.{method} takes no {arg.name} ({protocol.__name__})"
                if arg.default is not inspect.Parameter.empty:
                    assert has[arg.name].default is not inspect.Parameter.empty, \
                        f"{cls.__name__}.{method}'s {arg.name} is optional in {protocol.__name__}"


def test_a_drum_writer_declares_what_add_drums_and_vary_drums_call():
    """Add drums continues a groove (generate); Vary drums plays it again varied (vary, from the menu's
    worker and ``generate --mode vary``): both with the request, a progress callback and a cancel token."""
    methods = protocol_methods(DrumWriter)
    assert set(methods) >= {"generate", "vary"}
    for method in ("generate", "vary"):
        assert list(methods[method].parameters) == ["self", "request", "progress", "cancel"]
