"""``musicstudio train BACKEND --config NAME``: train a model into ``models/NAME/``.

Also runs under ``torchrun --nproc_per_node=N`` (DistributedDataParallel; gloo on the CPU, nccl on
GPUs): every process trains on its share of each epoch and only the first writes files.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shlex
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from musicstudio.generators.backends import UnknownBackend, backend_named
from musicstudio.generators.corpus_store import Corpus, CorpusCacheError
from musicstudio.generators.devices import DEVICES, DeviceError, pick_device
from musicstudio.generators.training.data import DataConfig

DEFAULT_CACHE = Path("cache") / "corpus"


@dataclass
class TrainingRun:
    backend: str
    name: str
    config: dict
    out: Path
    device: str
    corpus_dir: Path
    command: str
    resume: bool = False
    quiet: bool = False
    rank: int = 0
    world: int = 1
    started: float = field(default_factory=time.monotonic)
    _corpus: Corpus | None = None

    @property
    def main(self) -> bool:
        """Whether this process writes files and prints (the first of a distributed run)."""
        return self.rank == 0

    @property
    def data(self) -> DataConfig:
        return DataConfig.from_dict(self.config.get("data", {}))

    @property
    def corpus(self) -> Corpus:
        if self._corpus is None:
            from musicstudio.generators.corpus import load_corpus
            self._corpus = load_corpus(self.corpus_dir)
        return self._corpus

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    def log(self, message: str) -> None:
        if self.main and not self.quiet:
            print(message, file=sys.stderr, flush=True)


def set_value(config: dict, assignment: str) -> None:
    """Apply ``a.b=VALUE`` (VALUE read as JSON when it parses, else as text)."""
    key, sep, text = assignment.partition("=")
    if not sep or not key:
        raise ValueError(f"--set takes KEY=VALUE, not {assignment!r}")
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = text
    node = config
    parts = key.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise ValueError(f"--set {key}: {part} is not a group of settings")
    node[parts[-1]] = value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="musicstudio train", description="Train a generator on the corpus.")
    parser.add_argument("backend", help="markov, lstm, ...")
    parser.add_argument("--config", required=True, metavar="NAME", help="a named config of the backend")
    parser.add_argument("--out", metavar="DIR", help="model folder (default models/NAME)")
    parser.add_argument("--name", help="the model's name (default: the config's)")
    parser.add_argument("--device", default="auto", help=f"{'|'.join(DEVICES)} or cuda:N (default auto)")
    parser.add_argument("--resume", action="store_true", help="go on from the folder's last checkpoint")
    parser.add_argument("--corpus", metavar="DIR", default=str(DEFAULT_CACHE),
                        help=f"corpus cache (default {DEFAULT_CACHE}; build it with: musicstudio corpus build)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="change one config value, e.g. --set train.epochs=3 (repeatable)")
    parser.add_argument("--quiet", action="store_true", help="no progress line")
    parser.add_argument("--list", action="store_true", help="list the backend's configs and stop")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Exit codes: 0 trained, 2 usage (unknown backend, config or device), 3 bad input (no corpus,
    a damaged checkpoint to resume), 1 internal error."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    from musicstudio.generators.checkpoint import CheckpointError
    try:
        backend = backend_named(args.backend)
        configs = backend.configs
        if args.list:
            for name, config in configs.items():
                print(f"{name}: {config.get('summary', '')}")
            return 0
        if args.config not in configs:
            raise UnknownBackend(f"backend {args.backend} has no config {args.config!r}: "
                                 f"use one of {', '.join(configs)}")
        config = copy.deepcopy(configs[args.config])
        for assignment in args.set:
            set_value(config, assignment)
        device = pick_device(args.device)
    except (UnknownBackend, DeviceError, ValueError) as e:
        print(f"musicstudio train: {e}", file=sys.stderr)
        return 2
    name = args.name or args.config
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    run = TrainingRun(backend=args.backend, name=name, config=config,
                      out=Path(args.out) if args.out else Path("models") / name, device=device,
                      corpus_dir=Path(args.corpus), resume=args.resume, quiet=args.quiet, rank=rank, world=world,
                      command="musicstudio train " + shlex.join(argv) if world == 1 else
                      f"torchrun --nproc_per_node={world} -m musicstudio.cli train " + shlex.join(argv))
    try:
        backend.train(run)
    except (CorpusCacheError, CheckpointError, FileNotFoundError) as e:
        print(f"musicstudio train: {e}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("musicstudio train: interrupted (resume with --resume)", file=sys.stderr)
        return 130
    run.log(f"{name}: trained in {run.seconds:.0f} s -> {run.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
