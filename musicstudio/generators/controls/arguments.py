"""``musicstudio generate --density ... --polyphony ...``: the per-bar controls on the command line (values as
:mod:`.wishes` reads them), checked against the model before it loads, and carried in the request's options."""

from __future__ import annotations

import argparse

from musicstudio.generators.checkpoint import read_config
from musicstudio.generators.controls.bins import CONTROLS, NAMES
from musicstudio.generators.controls.support import refusal
from musicstudio.generators.controls.wishes import parse_values


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--density`` and ``--polyphony``, kept as the text given: ``--density`` is also Add drums' (a number from
    0 to 1), so each reader interprets it (:func:`options` here, the drums command there) rather than argparse."""
    for control, what in (("density", "onsets a quarter note"), ("polyphony", "mean notes sounding at the onsets")):
        text = (f"a model with control tokens (infill-controls): each bar's {control} bin, "
                f"{', '.join(NAMES[control])} or a number ({what}); a comma list gives one a bar, the last holding "
                f"on (default: any)")
        if control == "density":
            text = f"add drums: 0 sparse .. 1 busy (default: what fits the song); {text}"
        parser.add_argument(f"--{control}", default=None, help=text,
                            metavar=("0-1|" if control == "density" else "") + "|".join(NAMES[control]) + "|N[,...]")


def asked(args) -> bool:
    return any(getattr(args, c, None) is not None for c in CONTROLS)


def check(info, args) -> None:
    """ValueError (one line) when controls are asked of a model that cannot take them, or cannot be read."""
    if asked(args) and (why := refusal(info.family, info.name, read_config(info.folder))):
        raise ValueError(f"--density and --polyphony: {why}")
    options(args)


def options(args) -> dict:
    """The request options of the controls asked for (a value per bar, or one for every bar); ValueError, naming
    the option, for a value that is none of the control's."""
    out = {}
    for control in CONTROLS:
        text = getattr(args, control, None)
        if text is not None:
            try:
                out[control] = parse_values(control, text)
            except ValueError as e:
                raise ValueError(f"--{control}: {e}") from None
    return out
