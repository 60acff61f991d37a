"""The Generate menu's tools that write new tracks beside the song's own (Add drums…, Harmonize…, Add a
part…) or vary a track's part as takes (Vary drums…), each a module of this package named in :data:`TOOLS`
with one function, ``install(window, menu)``: it adds its actions (with shortcuts and tooltips) to ``menu``
and keeps what it needs of ``window`` (the main window: its document, piano roll, Generate panel and status
bar)."""

from __future__ import annotations

from importlib import import_module

TOOLS: tuple[str, ...] = (   # module names under musicstudio.ui.generate, e.g. "add_drums"
    "harmonize",
    "add_drums",
    "drum_vary",
)


def install(window, menu) -> None:
    for name in TOOLS:
        import_module(f"musicstudio.ui.generate.{name}").install(window, menu)
