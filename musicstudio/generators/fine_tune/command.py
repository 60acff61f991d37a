"""``musicstudio finetune MODEL FOLDER``: fine-tune an installed model on a folder of MIDI files.

    musicstudio finetune lstm ~/my-midi                     # -> <user models>/lstm-my-midi
    musicstudio finetune markov-events ~/my-midi --out DIR
    musicstudio finetune lstm ~/my-midi --resume            # go on after Ctrl+C

Exit codes: 0 done, 2 usage, 3 bad input (no usable MIDI, a damaged base model, nothing to resume),
130 interrupted (resume with --resume).
"""

from __future__ import annotations

import argparse
import shlex
import sys

from musicstudio.generators.checkpoint import CheckpointError
from musicstudio.generators.devices import DEVICES, DeviceError
from musicstudio.generators.fine_tune.folder import FineTuneCancelled, FineTuneError
from musicstudio.generators.fine_tune.job import DEFAULT_EPOCHS, FineTuneJob, fine_tunable, fine_tune


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="musicstudio finetune",
                                     description="Fine-tune an installed model on a folder of MIDI files "
                                                 f"(backends: {', '.join(fine_tunable())}).")
    parser.add_argument("model", help="the base model: a name (see: musicstudio models) or a model folder")
    parser.add_argument("folder", help="a folder of MIDI files (.mid, .midi, .smf; subfolders too)")
    parser.add_argument("--out", metavar="DIR", help="the new model's folder (default: <base>-<folder name> in "
                                                     "the user's models folder, which the app lists)")
    parser.add_argument("--name", help="the new model's name (default: the name of its --out folder)")
    parser.add_argument("--epochs", type=int, default=DEFAULT_EPOCHS,
                        help=f"at most this many epochs (default {DEFAULT_EPOCHS}; early stopping may end sooner)")
    parser.add_argument("--resume", action="store_true", help="go on with an unfinished fine-tune")
    parser.add_argument("--device", default="cpu", help=f"{'|'.join(DEVICES)} or cuda:N (default cpu)")
    parser.add_argument("--models-dir", action="append", default=None, metavar="DIR",
                        help="where to look the model name up (default: the installed models)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    return parser


def _printer(quiet: bool):
    def show(event: dict) -> None:
        if quiet:
            return
        kind = event["kind"]
        if kind == "stage":
            print(event["text"], file=sys.stderr, flush=True)
        elif kind == "epoch":
            step = event.get("label") or f"epoch {event['epoch']}/{event['epochs']}"
            print(f"  {step}: train {event['train_loss']:.4f}, valid "
                  f"{event['valid_loss']:.4f} (base model {event['before']:.4f})", file=sys.stderr, flush=True)
    return show


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    job = FineTuneJob(args.model, args.folder, args.out, args.epochs, args.resume, args.device, args.name)
    try:
        result = fine_tune(job, _printer(args.quiet), folders=args.models_dir,
                           command="musicstudio finetune " + shlex.join(argv))
    except DeviceError as e:
        print(f"musicstudio finetune: {e}", file=sys.stderr)
        return 2
    except (FineTuneError, CheckpointError) as e:
        print(f"musicstudio finetune: {e}", file=sys.stderr)
        return 3
    except (KeyboardInterrupt, FineTuneCancelled):
        print("musicstudio finetune: interrupted (go on with --resume)", file=sys.stderr)
        return 130
    print(f"{result.name}: {result.measure} {result.valid_before:.4f} -> {result.valid_after:.4f}, "
          f"{result.epochs} epochs in {result.seconds:.0f} s -> {result.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
