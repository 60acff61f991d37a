"""The model families, by name: each is a :class:`~musicstudio.generators.family.Backend` that a
package declares. :data:`FAMILIES` lists the shipped ones; the environment variable
``MUSICSTUDIO_BACKENDS`` adds more (``package.module:NAME``, separated by commas), so a new
family is one package plus one line here, or no line at all for one a user installs beside the app."""

from __future__ import annotations

import importlib
import logging
import os

from musicstudio.generators.family import Backend

FAMILIES = (
    "musicstudio.generators.markov:BACKEND",
    "musicstudio.generators.lstm:BACKEND",
    "musicstudio.generators.lstm_notes:BACKEND",
    "musicstudio.generators.lstm:ENSEMBLE",
    "musicstudio.generators.vae:BACKEND",
    "musicstudio.generators.vae_poly:BACKEND",
    "musicstudio.generators.gan:BACKEND",
    "musicstudio.generators.drums:BACKEND",
    "musicstudio.generators.infill:BACKEND",
    "musicstudio.generators.harmonizer:BACKEND",
)
EXTRA = "MUSICSTUDIO_BACKENDS"


log = logging.getLogger(__name__)


class UnknownBackend(ValueError):
    pass


def _declared(path: str) -> Backend:
    module, _, name = path.partition(":")
    try:
        backend = getattr(importlib.import_module(module), name or "BACKEND")
    except (ImportError, AttributeError) as e:
        raise UnknownBackend(f"no backend declared at {path!r} ({e})") from None
    if not isinstance(backend, Backend):
        raise UnknownBackend(f"{path!r} is not a Backend declaration")
    return backend


def backends() -> dict[str, Backend]:
    """Every declared family by name: the shipped ones, then those of ``MUSICSTUDIO_BACKENDS``."""
    extra = [p for p in os.environ.get(EXTRA, "").split(",") if p.strip()]
    out: dict[str, Backend] = {}
    for path in FAMILIES:
        backend = _declared(path)
        out[backend.name] = backend
    for path in extra:   # one a user added: a mistake there is logged and skipped, never hides the others
        try:
            backend = _declared(path.strip())
        except UnknownBackend as e:
            log.warning("%s: %s", EXTRA, e)
            continue
        out.setdefault(backend.name, backend)
    return out


def backend_named(name: str) -> Backend:
    found = backends()
    try:
        return found[name]
    except KeyError:
        raise UnknownBackend(f"unknown backend {name!r}: use one of {', '.join(found)}") from None


def all_configs() -> dict[str, tuple[str, dict]]:
    """Every named training config: name -> (backend, config)."""
    out = {}
    for name, backend in backends().items():
        try:
            configs = backend.configs
        except ImportError:
            continue
        for config_name, config in configs.items():
            out[config_name] = (name, config)
    return out
