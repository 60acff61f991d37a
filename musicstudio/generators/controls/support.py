"""Which models take the controls, said from a model's declaration and config before it loads (the CLI refuses
``--density`` for the others, the panel greys its boxes with the reason)."""

from __future__ import annotations

import json
from pathlib import Path

from musicstudio.generators.capabilities import Controllable


def refusal(family, name: str, config: dict | None) -> str | None:
    """Why the model ``name`` of ``family`` (a :class:`~..family.Backend`) with ``config`` (its config.json)
    cannot take density and polyphony controls (None: it can)."""
    if not family.can(Controllable):
        return f"{name} is a {family.name} model, and {family.name} models cannot take density or polyphony controls"
    if not isinstance(config, dict) or not isinstance(config.get("controls"), dict):
        return f"{name} was trained without control tokens (infill-controls takes density and polyphony)"
    return None


def folder_refusal(info) -> str | None:
    """:func:`refusal` for a registry ModelInfo, its config.json read as plain JSON (no torch, for the panel)."""
    try:
        config = json.loads((Path(info.folder) / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        return f"{info.name}'s config.json cannot be read ({e})"
    return refusal(info.family, info.name, config)
