"""Where the app's own files are: one function that works from a checkout and from a frozen bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def app_root() -> Path:
    """The folder that holds ``resources/`` and ``models/``: the bundle's folder when frozen
    (PyInstaller sets ``sys._MEIPASS``), else the checkout the package lives in."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    """A file under ``resources/``, e.g. ``resource_path("icons", "musicstudio.svg")``."""
    return app_root().joinpath("resources", *parts)


def models_path(*parts: str) -> Path:
    """A file under the shipped ``models/`` folder."""
    return app_root().joinpath("models", *parts)
