"""The VAE's own pictures: ELBO, reconstruction and KL against epochs (the curves MGU-V reports), and an
interpolation as one piano roll of the phrases from A to B side by side."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from musicstudio.core.note import Note
from musicstudio.generators.evaluation.pictures import _figure, _read_history, _save, piano_roll_png
from musicstudio.generators.interface import BAR


def elbo_curves_png(history_csv: str | Path, path: str | Path, title: str = "") -> Path:
    epochs, columns = _read_history(history_csv)
    fig = _figure(12, 3.6)
    panels = (("ELBO per phrase (nats)", "elbo"), ("reconstruction per phrase (nats)", "recon"),
              ("KL per phrase (nats)", "kl"), ("validation accuracy", None))
    for ax, (label, key) in zip(fig.subplots(1, 4), panels):
        names = [f"train_{key}", f"valid_{key}"] if key else ["valid_tf_accuracy", "valid_greedy_accuracy"]
        for name in names:
            if name in columns:
                ax.plot(epochs, columns[name], marker="o" if len(epochs) < 30 else None, label=name)
        ax.set_title(label, fontsize=9)
        ax.set_xlabel("epoch")
        ax.legend(fontsize=7)
    if title:
        fig.suptitle(title)
    return _save(fig, path)


def interpolation_png(phrases: Sequence[Sequence[Note]], path: str | Path, title: str = "",
                      phrase_ticks: int = 2 * BAR) -> Path:
    """The phrases one after another (A first, B last), each ``phrase_ticks`` long."""
    notes = [n.moved_by(ticks=k * phrase_ticks) for k, p in enumerate(phrases) for n in p]
    return piano_roll_png(notes, path, title, bar_ticks=phrase_ticks)
