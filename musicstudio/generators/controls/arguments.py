"""``musicstudio generate --density ... --polyphony ...``: the per-bar controls on the command line (values as
:mod:`.wishes` reads them), checked against the model before it loads, and carried in the request's options."""

from __future__ import annotations

import argparse

from musicstudio.generators.checkpoint import read_config
from musicstudio.generators.controls.bins import CONTROLS, NAMES
from musicstudio.generators.controls.support import refusal
from musicstudio.generators.controls.wishes import parse_values


def _reader(control: str):
    def read(text: str) -> list:
        try:
            return parse_values(control, text)
        except ValueError as e:
            raise argparse.ArgumentTypeError(str(e)) from None
    read.__name__ = control        # argparse names the option's type in its message
    return read


def _shared(theirs, ours):
    """A reader for an option two commands share (``--density``: add drums reads a number from 0 to 1): their
    reading of a plain number, ours of anything else."""
    def read(text: str):
        try:
            return theirs(text)
        except (ValueError, argparse.ArgumentTypeError):
            return ours(text)
    read.__name__ = ours.__name__
    return read


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--density`` and ``--polyphony``; an option of that name that another command already added (add
    drums' ``--density``) is shared: a plain number is read as it reads it, and the controls read it too."""
    for control, what in (("density", "onsets a quarter note"), ("polyphony", "mean notes sounding at the onsets")):
        text = (f"a model with control tokens (infill-controls): each bar's {control} bin, "
                f"{', '.join(NAMES[control])} or a number ({what}); a comma list gives one a bar, the last holding "
                f"on (default: any)")
        existing = parser._option_string_actions.get(f"--{control}")
        if existing is not None:
            existing.type = _shared(existing.type, _reader(control))
            existing.help = f"{existing.help}; {text}"
            continue
        parser.add_argument(f"--{control}", type=_reader(control), default=None,
                            metavar="|".join(NAMES[control]) + "|N[,...]", help=text)


def asked(args) -> bool:
    return any(getattr(args, c, None) is not None for c in CONTROLS)


def check(info, args) -> None:
    """ValueError (one line) when controls are asked of a model that cannot take them."""
    if asked(args) and (why := refusal(info.family, info.name, read_config(info.folder))):
        raise ValueError(f"--density and --polyphony: {why}")


def options(args) -> dict:
    """The request options of the controls asked for (a value per bar, or one for every bar)."""
    return {c: getattr(args, c) for c in CONTROLS if getattr(args, c, None) is not None}
