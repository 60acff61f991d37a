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


def bundled_library(name: str) -> Path | None:
    """A native library shipped inside a frozen bundle, by the name ``ctypes.util.find_library`` takes
    ("fluidsynth", "portaudio"): ``lib<name>.so*`` on Linux, ``lib<name>*.dylib`` on macOS, ``<name>*.dll`` or
    ``lib<name>*.dll`` on Windows. None from a checkout, or when the bundle lacks it."""
    bundle = getattr(sys, "_MEIPASS", None)
    if not bundle or not name or any(c in name for c in "/\\*?["):
        return None
    if sys.platform == "win32":
        patterns = (f"{name}*.dll", f"lib{name}*.dll")
    elif sys.platform == "darwin":
        patterns = (f"lib{name}.dylib", f"lib{name}.*.dylib")
    else:
        patterns = (f"lib{name}.so", f"lib{name}.so.*")
    for pattern in patterns:
        found = sorted(p for p in Path(bundle).glob(pattern) if p.is_file())
        if found:
            return found[0]
    return None


def prefer_bundled_libraries() -> None:
    """Make ``ctypes.util.find_library`` answer with the bundle's own copy of a library first. pyfluidsynth and
    sounddevice find FluidSynth and PortAudio through it, and on Linux it looks only at the system's folders,
    so a bundle would otherwise need the system packages too. The bundle's runtime hook
    (packaging/rthook_libraries.py) calls this before any app code runs; from a checkout it does nothing."""
    import ctypes.util

    if not getattr(sys, "_MEIPASS", None) or getattr(ctypes.util.find_library, "prefers_bundle", False):
        return
    system_find_library = ctypes.util.find_library

    def find_library(name: str) -> str | None:
        found = bundled_library(name)
        return str(found) if found else system_find_library(name)

    find_library.prefers_bundle = True  # type: ignore[attr-defined]
    ctypes.util.find_library = find_library
