"""``musicstudio models``: the installed models, one line each with where it runs, and its licence.

A folder that cannot be used is one line on stderr saying why (the registry rehearses each load, or with
``--quick`` checks configs, cards and weight files only).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _auto_device() -> str:
    """The device models run on by default here (the CPU when torch cannot say)."""
    from musicstudio.generators.devices import pick_device
    try:
        return pick_device("auto")
    except Exception:
        return "cpu"


def main(argv: list[str] | None = None) -> int:
    from musicstudio.generators.registry import default_folders, find_models, loadable_models

    p = argparse.ArgumentParser(prog="musicstudio models", description="List the installed models; a folder "
                                "that cannot be used is one line on stderr saying why.")
    p.add_argument("--names", action="store_true", help="only the names, one per line")
    p.add_argument("--dir", action="append", default=[], metavar="DIR", help="also look in DIR")
    p.add_argument("--quick", action="store_true", help="check configs, cards and weight files without loading "
                   "each model (a config whose network does not fit its weights is then found at generate)")
    try:
        args = p.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    folders = default_folders() + [Path(d) for d in args.dir]
    models, problems = (find_models if args.quick else loadable_models)(folders)
    device = _auto_device() if models and not args.names else "cpu"
    for m in models:
        if args.names:
            print(m.name)
        else:   # where it runs: the GPU when there is one, but a NumPy family on the CPU whatever there is
            print(f"{m.name:<18} {m.backend:<7} {m.codec:<8} {m.size_bytes / 1e6:6.1f} MB  "
                  f"{m.family.device_for(device):<5} {m.summary[:80]}")
            print(f"{'':<18} licence: {m.licence.line}")
    for problem in problems:
        print(f"musicstudio models: cannot use {problem}", file=sys.stderr)
    if not models and not args.names:
        print("no models installed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
