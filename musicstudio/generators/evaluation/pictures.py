"""PNG pictures for evaluation reports: a piano roll, feature histograms and loss curves.

matplotlib is imported when a picture is drawn (it is in the ``train`` extra, not a dependency of the
app). Figures are drawn on their own Agg canvas, never through pyplot, so nothing global changes and no
window can open. Every writer makes the folder, writes ``path`` and returns it as a :class:`Path`.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Sequence

import numpy as np

from musicstudio.core.note import Note
from musicstudio.core.ticks import PPQ
from musicstudio.generators.evaluation.features import BAR_TICKS, STEP_TICKS, onset_groups

MAX_STEPS_SHOWN = 32   # steps and durations past two bars share the last histogram bin, under one the first


def _figure(width: float, height: float):
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as e:
        raise ImportError("pictures need matplotlib: pip install 'musicstudio[train]'") from e
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _save(fig, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png")
    return path


def piano_roll_png(notes: Sequence[Note], path: str | Path, title: str = "", bar_ticks: int = BAR_TICKS) -> Path:
    """The notes as bars on a time (beats) x pitch plane, darker for louder, with bar lines."""
    notes = list(notes)
    fig = _figure(10, 4)
    ax = fig.add_subplot()
    if notes:
        starts = np.array([n.start for n in notes]) / PPQ
        widths = np.array([n.duration for n in notes]) / PPQ
        pitches = np.array([n.pitch for n in notes])
        shades = [(0.1, 0.3, 0.7, 0.35 + 0.65 * n.velocity / 127) for n in notes]
        ax.barh(pitches, widths, left=starts, height=0.8, color=shades, edgecolor="none")
        end = max(n.end for n in notes)
        for bar in range(0, end + bar_ticks, bar_ticks):
            ax.axvline(bar / PPQ, color="0.8", linewidth=0.6, zorder=0)
        ax.set_ylim(pitches.min() - 2, pitches.max() + 2)
        ax.set_xlim(0, math.ceil(end / bar_ticks) * bar_ticks / PPQ)
    else:
        ax.text(0.5, 0.5, "no notes", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlabel("beats")
    ax.set_ylabel("MIDI pitch")
    ax.set_title(title or f"{len(notes)} notes")
    return _save(fig, path)


def _values(phrases: Sequence[Sequence[Note]]) -> dict[str, np.ndarray]:
    """Pitches, steps between onsets (16ths) and durations (16ths) of every note of every phrase."""
    pitches, steps, durations = [], [], []
    for notes in phrases:
        pitches += [n.pitch for n in notes]
        durations += [n.duration / STEP_TICKS for n in notes]
        starts = [start for start, _ in onset_groups(notes)]
        steps += list(np.diff(starts) / STEP_TICKS)
    return {"pitch": np.array(pitches, dtype=float), "step (16ths)": np.array(steps, dtype=float),
            "duration (16ths)": np.array(durations, dtype=float)}


def histograms_png(generated: Sequence[Sequence[Note]], reference: Sequence[Sequence[Note]], path: str | Path,
                   title: str = "", labels: tuple[str, str] = ("generated", "reference")) -> Path:
    """Pitch, step and duration histograms of two sets of phrases as shares of each set: the generated set
    filled, the reference set as an outline."""
    gen, ref = _values(generated), _values(reference)
    fig = _figure(13, 3.6)
    for ax, name in zip(fig.subplots(1, 3), gen):
        both = np.concatenate([gen[name], ref[name]])
        if not both.size:
            ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes)
        else:
            if name == "pitch":
                edges = np.arange(both.min() - 0.5, both.max() + 1.5)
            else:
                edges = np.arange(0.5, min(MAX_STEPS_SHOWN, max(1.0, math.ceil(both.max()))) + 1.5)
            looks = ({"histtype": "stepfilled", "alpha": 0.6, "color": "tab:orange"},
                     {"histtype": "step", "linewidth": 1.8, "color": "tab:blue"})
            for values, label, look in zip((gen[name], ref[name]), labels, looks):
                if values.size:
                    clipped = np.clip(values, edges[0] + 0.5, edges[-1] - 0.5)
                    ax.hist(clipped, bins=edges, weights=np.full(values.size, 1 / values.size), label=label, **look)
            ax.legend(fontsize="small")
        ax.set_xlabel(name)
        ax.set_ylabel("share")
    if title:
        fig.suptitle(title)
    return _save(fig, path)


def _read_history(csv_path: str | Path) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    with open(csv_path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise ValueError(f"{csv_path} holds no rows of training history")

    def number(text: str | None) -> float:
        try:
            return float(text)
        except (TypeError, ValueError):
            return float("nan")

    columns = {name: np.array([number(r.get(name)) for r in rows]) for name in rows[0] if name}
    epochs = columns.pop("epoch", np.arange(1, len(rows) + 1, dtype=float))
    return epochs, {k: v for k, v in columns.items() if not np.isnan(v).all()}


def loss_curves_png(history_csv: str | Path, path: str | Path, title: str = "") -> Path:
    """Curves of a history CSV (``epoch, train_loss, valid_loss[, other columns]``) by epoch: columns
    whose name holds "loss" on the left axis, any other numeric column on a right-hand axis."""
    epochs, columns = _read_history(history_csv)
    fig = _figure(8, 4.5)
    ax = fig.add_subplot()
    losses = {k: v for k, v in columns.items() if "loss" in k.lower()}
    others = {k: v for k, v in columns.items() if k not in losses}
    for name, values in losses.items():
        ok = ~np.isnan(values)
        ax.plot(epochs[ok], values[ok], marker="o" if ok.sum() < 30 else None, label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    handles, names = ax.get_legend_handles_labels()
    if others:
        right = ax.twinx()
        for i, (name, values) in enumerate(others.items()):
            ok = ~np.isnan(values)
            right.plot(epochs[ok], values[ok], linestyle="--", color=f"C{len(losses) + i}", label=name)
        right.set_ylabel(", ".join(others))
        more_handles, more_names = right.get_legend_handles_labels()
        handles, names = handles + more_handles, names + more_names
    if handles:
        ax.legend(handles, names, fontsize="small")
    ax.set_title(title or Path(history_csv).stem)
    return _save(fig, path)
