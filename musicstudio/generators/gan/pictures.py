"""The GAN's own pictures: generator and critic losses against epochs, and the validation bars' figures
against the real bars' (the curves that say whether the GAN is learning music or fooling its critic)."""

from __future__ import annotations

from pathlib import Path

from musicstudio.generators.evaluation.pictures import _figure, _read_history, _save

_FIGURES = (("pitch classes per bar", "pitch_classes"), ("notes per bar", "notes_per_bar"),
            ("note length (steps)", "note_steps"), ("empty-bar rate", "empty_bar_rate"))


def gan_curves_png(history_csv: str | Path, path: str | Path, real: dict, title: str = "",
                   before: float | None = None) -> Path:
    """The curves of a training run; a fine-tune's (whose history has ``train_loss`` and ``valid_loss``: the
    distance of generated bars from real ones) get that distance first, with the base model's ``before``."""
    epochs, columns = _read_history(history_csv)
    distances = "valid_loss" in columns
    fig = _figure(17 if distances else 15, 3.4)
    axes = list(fig.subplots(1, 2 + len(_FIGURES) + distances))
    if distances:
        ax = axes.pop(0)
        ax.plot(epochs, columns["train_loss"], label="training bars")
        ax.plot(epochs, columns["valid_loss"], label="validation bars")
        if before is not None:
            ax.axhline(before, color="grey", linestyle="--", label="base model (validation)")
        ax.set_title("distance from real bars", fontsize=9)
        ax.legend(fontsize=7)
        ax.set_xlabel("epoch")
    for name in ("d_loss", "g_loss"):
        if name in columns:
            axes[0].plot(epochs, columns[name], label={"d_loss": "critic (hinge)", "g_loss": "generator"}[name])
    axes[0].set_title("losses", fontsize=9)
    axes[0].legend(fontsize=7)
    for name, label in (("d_real", "critic on real"), ("d_fake", "critic on generated")):
        if name in columns:
            axes[1].plot(epochs, columns[name], label=label)
    axes[1].set_title("critic scores", fontsize=9)
    axes[1].legend(fontsize=7)
    for ax, (label, key) in zip(axes[2:], _FIGURES):
        if f"valid_{key}" in columns:
            ax.plot(epochs, columns[f"valid_{key}"], label="generated")
        if key in real:
            ax.axhline(real[key], color="grey", linestyle="--", label="validation data")
        ax.set_title(label, fontsize=9)
        ax.legend(fontsize=7)
    for ax in axes:
        ax.set_xlabel("epoch")
    if title:
        fig.suptitle(title)
    return _save(fig, path)


_BARS = (("EB", "empty-bar rate"), ("UPC", "pitch classes per bar"), ("notes_per_bar", "notes per bar"),
         ("one_step_notes", "one-step (16th) notes"), ("mean_note_steps", "mean note length (16ths)"))


def figures_png(figures: dict, path: str | Path, title: str = "") -> Path:
    """The report's bar figures side by side (generated, held-out continuations, training data) and the
    tonal distances at the seam against those between consecutive held-out bars."""
    sets = figures["musegan"]
    names = (("generated", "generated"), ("held_out_continuations", "held-out"), ("training_data", "training"))
    fig = _figure(16, 3.4)
    axes = fig.subplots(1, len(_BARS) + 1)
    for ax, (key, label) in zip(axes, _BARS):
        values = [sets[name][key] for name, _ in names]
        ax.bar([short for _, short in names], values, color=["tab:red", "tab:grey", "tab:blue"])
        ax.set_title(label, fontsize=9)
        ax.tick_params(labelsize=7)
    cont = figures["continuation"]
    rows = (("seed_last_bar_to_first_generated_bar", "seed -> generated"),
            ("seed_last_bar_to_first_generated_bar_8_takes", "... 8 takes"),
            ("seed_last_bar_to_true_next_bar", "seed -> true next"), ("consecutive_held_out_bars", "held-out bars"),
            ("consecutive_bars_of_the_seeds_pieces", "seeds' pieces"))
    ax = axes[-1]
    for i, (key, _) in enumerate(rows):
        s = cont.get(key, {})
        if s.get("n"):
            ax.errorbar([i], [s["mean"]], yerr=[[s["mean"] - s["p25"]], [s["p75"] - s["mean"]]], fmt="o", capsize=4)
    ax.set_xticks(range(len(rows)), [label for _, label in rows], fontsize=7, rotation=15)
    ax.set_title("tonal distance at the seam (mean, quartiles)", fontsize=9)
    if title:
        fig.suptitle(title)
    return _save(fig, path)
