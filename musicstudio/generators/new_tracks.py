"""``musicstudio generate`` options that write new tracks beside a song's own instead of continuing one:
``--add-drums`` (a drum part for a song without one), ``--harmonize`` and ``--add-part`` (voices under or
beside a melody).

Each such command is a module of its own, named in :data:`COMMANDS`, with three functions:
``add_arguments(parser)`` (its options, on ``generate``'s parser), ``asked(args) -> bool`` (whether the
command line asks for it) and ``main(args) -> int`` (the whole run, with ``generate``'s exit codes: 0 written,
2 usage, 3 bad input, 1 internal error). ``generate`` hands the run to the first module that is asked.
"""

from __future__ import annotations

import argparse
from importlib import import_module
from types import ModuleType

COMMANDS: tuple[str, ...] = (   # dotted module names, e.g. "musicstudio.generators.drums.add_command"
    "musicstudio.generators.harmonizer.command",
    "musicstudio.generators.drums.add_command",
)


def _modules() -> list[ModuleType]:
    return [import_module(name) for name in COMMANDS]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    for module in _modules():
        module.add_arguments(parser)


def asked(args: argparse.Namespace) -> ModuleType | None:
    """The command the arguments ask for, or None for a plain ``generate``."""
    return next((m for m in _modules() if m.asked(args)), None)
