"""What a training run leaves in its model folder: the weights and ``config.json`` (:class:`ModelFolder`),
``history.csv``, ``loss.png`` and ``card.md`` (data and split hashes, licence, exact command, epochs, wall
time, hardware, metrics). Every backend's ``train`` ends through :meth:`ModelFolder.finish`."""

from __future__ import annotations

import csv
import json
import os
import platform
from pathlib import Path

from musicstudio.generators.checkpoint import save_tensors, write_config
from musicstudio.generators.corpus_store import Corpus
from musicstudio.generators.licences import licence_section
from musicstudio.generators.training.data import DataConfig, split_pieces

HISTORY = "history.csv"
LOSS_PNG = "loss.png"
CARD = "card.md"
SPLITS = ("train", "valid", "test")


def split_hashes(corpus: Corpus, data: DataConfig) -> dict[str, dict]:
    """Per split: how many pieces the config uses and a sha256 over their ids and content hashes."""
    from musicstudio.generators.corpus_report import split_hash

    by_id = {p.id: p for p in corpus.infos}
    out = {}
    for split in SPLITS:
        ids = split_pieces(corpus, split, data)
        out[split] = {"pieces": len(ids), "sha256": split_hash(by_id[i] for i in ids)}
    return out


def trained_on(data: DataConfig, corpus: Corpus) -> list[str]:
    """The collections a run trains on: its data's, or (none named) every collection of its corpus."""
    return sorted(data.collections or {p.collection for p in corpus.infos})


def write_history(folder: Path, rows: list[dict]) -> Path:
    path = Path(folder) / HISTORY
    names: list[str] = []
    for row in rows:
        names.extend(k for k in row if k not in names)
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=names)
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_history(folder: Path) -> list[dict]:
    path = Path(folder) / HISTORY
    if not path.exists():
        return []
    with open(path, newline="") as f:
        return [{k: _number(v) for k, v in row.items()} for row in csv.DictReader(f)]


def _number(text: str):
    try:
        value = float(text)
    except (TypeError, ValueError):
        return text
    return int(value) if value.is_integer() and "." not in text else value


def write_loss_png(folder: Path, title: str) -> Path | None:
    """The loss curves; None (and a note on stderr) when matplotlib is not installed."""
    try:
        from musicstudio.generators.evaluation.pictures import loss_curves_png
        return loss_curves_png(Path(folder) / HISTORY, Path(folder) / LOSS_PNG, title)
    except ImportError:
        import sys
        print("musicstudio train: matplotlib is not installed, so no loss.png (pip install matplotlib)",
              file=sys.stderr)
        return None


def hardware(device: str) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    text = f"{cpu}, {os.cpu_count()} logical CPUs"
    if device.startswith("cuda"):
        from musicstudio.generators.devices import describe_device
        text += f"; GPU {describe_device(device)}"
    return text


def _format(value) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def write_card(folder: Path, *, name: str, backend: str, summary: str, command: str, data: DataConfig,
               hashes: dict, corpus: Corpus, epochs: int, seconds: float, device: str, metrics: dict,
               parameters: int | None, config: dict, notes: list[str] = ()) -> Path:
    collections = trained_on(data, corpus)
    built = corpus.manifest.build
    lines = [f"# {name}", "", summary, "",
             "| | |", "|---|---|",
             f"| backend | `{backend}` |",
             f"| command | `{command}` |",
             f"| epochs | {epochs} |",
             f"| wall time | {seconds:.0f} s ({seconds / 60:.1f} min) |",
             f"| device | {device} ({hardware(device)}) |",
             f"| torch | {_torch_version()} |"]
    if parameters is not None:
        lines.append(f"| parameters | {parameters:,} |")
    size = sum(f.stat().st_size for f in Path(folder).glob("weights.safetensors"))
    if size:
        lines.append(f"| weights | {size / 1e6:.2f} MB |")
    lines += ["", "## Data", "",
              f"music21 corpus collections: {', '.join(collections)} (music21 {built.get('music21', '?')}); "
              f"meters: {', '.join(data.meter_classes) if data.meter_classes else 'all'}; training transposed by "
              f"{list(data.transpose)} semitones. Corpus arrays sha256 `{corpus.manifest.arrays_sha256[:16]}`.", "",
              "| split | pieces | sha256 of ids and content hashes |", "|---|---:|---|"]
    lines += [f"| {s} | {h['pieces']:,} | `{h['sha256']}` |" for s, h in hashes.items()]
    lines += [""] + licence_section(collections)[:-1]
    lines += ["", "## Metrics", "", "| metric | value |", "|---|---:|"]
    lines += [f"| {k} | {_format(v)} |" for k, v in metrics.items()]
    if notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    lines += ["", "## Training history", "", f"`{HISTORY}`, and the curves in `{LOSS_PNG}`:", "",
              f"![loss]({LOSS_PNG})", "", "## Config", "", "```json", json.dumps(config, indent=2, sort_keys=True),
              "```", ""]
    path = Path(folder) / CARD
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _torch_version() -> str:
    try:
        import torch
        return torch.__version__
    except ImportError:
        return "not used"


class ModelFolder:
    """The model folder of a training run (``run.out``), written by the run's first process only: the
    weights and the config that rebuilds them (:meth:`save`, at each better epoch and at the end), then
    :meth:`finish`: ``history.csv``, ``loss.png`` and ``card.md``."""

    def __init__(self, run, backend: str, codec):
        self.run, self.backend, self.codec = run, backend, codec

    def write_config(self, model: dict, **extra) -> Path:
        """``config.json``: the backend, the model's constructor arguments, the codec's vocabulary, the run's
        name and data filters, the collections it trains on (which set its licence), and ``extra``."""
        run = self.run
        return write_config(run.out, self.backend, model, self.codec.vocabulary(), name=run.name,
                            data=run.data.to_dict(), trained_on=trained_on(run.data, run.corpus), **extra)

    def save(self, tensors: dict, model: dict, beside: dict[str, dict] | None = None, **extra) -> None:
        """Torch weights (and those of ``beside``, a subfolder name to its tensors) with their config."""
        out = self.run.out
        out.mkdir(parents=True, exist_ok=True)
        save_tensors(out, tensors)
        for folder, more in (beside or {}).items():
            (out / folder).mkdir(parents=True, exist_ok=True)
            save_tensors(out / folder, more)
        self.write_config(model, **extra)

    def best_saver(self, model_config):
        """``save_best(model, row)`` for :func:`~.loop.fit`: the weights, and a config naming the epoch."""
        def save_best(model, row: dict) -> None:
            self.save(model.state_dict(), model_config.to_dict(), best_epoch=row["epoch"])
        return save_best

    def finish(self, history: list[dict], *, metrics: dict, parameters: int | None, loss_title: str | None,
               notes=(), evaluation: str = "", epochs: int | None = None, seconds: float | None = None,
               device: str | None = None) -> None:
        """``history.csv``, ``loss.png`` (titled ``loss_title``; None: the backend draws its own after this)
        and ``card.md``, whose summary is the config's and how to evaluate the model (``evaluation`` adds
        to the eval command). Epochs, seconds and device default to the history's and the run's."""
        run = self.run
        write_history(run.out, history)
        if loss_title is not None:
            write_loss_png(run.out, loss_title)
        write_card(run.out, name=run.name, backend=self.backend,
                   summary=f"{run.config['summary']}. Evaluation: `musicstudio eval {run.out}`{evaluation}.",
                   command=run.command, data=run.data, hashes=split_hashes(run.corpus, run.data),
                   corpus=run.corpus, epochs=len(history) if epochs is None else epochs,
                   seconds=history[-1]["seconds"] if seconds is None else seconds, device=device or run.device,
                   metrics=metrics, parameters=parameters, config=run.config, notes=list(notes))
