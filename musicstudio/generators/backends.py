"""The backends by name. Each backend module offers ``BACKEND``, ``CONFIGS`` (named training configs),
``train(run)`` and ``load(folder, config, device)`` returning a generator."""

from __future__ import annotations

import importlib
from types import ModuleType

BACKENDS = {
    "markov": "musicstudio.generators.markov.backend",
    "lstm": "musicstudio.generators.lstm.backend",
    "lstm-notes": "musicstudio.generators.lstm_notes.backend",
    "lstm-ensemble": "musicstudio.generators.lstm.ensemble",
    "vae": "musicstudio.generators.vae.backend",
    "gan": "musicstudio.generators.gan.backend",
}


class UnknownBackend(ValueError):
    pass


def backend_module(name: str) -> ModuleType:
    try:
        path = BACKENDS[name]
    except KeyError:
        raise UnknownBackend(f"unknown backend {name!r}: use one of {', '.join(BACKENDS)}") from None
    return importlib.import_module(path)


def all_configs() -> dict[str, tuple[str, dict]]:
    """Every named training config: name -> (backend, config)."""
    out = {}
    for backend in BACKENDS:
        try:
            module = backend_module(backend)
        except ImportError:
            continue
        for name, config in module.CONFIGS.items():
            out[name] = (backend, config)
    return out
