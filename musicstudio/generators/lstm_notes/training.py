"""Training ``lstm-notes``: random note windows of the training split, each transposed when drawn, the
weighted pitch cross-entropy and step and duration errors of :func:`~.model.losses`, through the shared loop.
A config whose ``model`` names ``meters`` trains a meter-aware model (each row's position in its piece's
bar as an input); of those, the meters of at least 1% of the training pieces get slots of their own."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import torch

from musicstudio.generators.codecs import NotesCodec
from musicstudio.generators.lstm_notes.configs import BACKEND
from musicstudio.generators.lstm_notes.model import NotesLSTM, NotesLSTMConfig, losses
from musicstudio.generators.lstm_notes.rows import (
    NoteRows,
    onset_prior,
    split_phrases,
    trained_meters,
    training_register,
)
from musicstudio.generators.training.loop import LoopConfig, fit, seed_everything
from musicstudio.generators.training.outputs import ModelFolder


def train(run) -> None:
    cfg = run.config
    codec = NotesCodec()
    loop = LoopConfig.from_dict(cfg.get("train", {}))
    b = cfg["batches"]
    data = run.data
    run.log(f"{run.name}: reading the corpus ...")
    train_phrases, valid_phrases = split_phrases(run.corpus, "train", data), split_phrases(run.corpus, "valid", data)
    model_config = NotesLSTMConfig(**{k: v for k, v in cfg["model"].items() if k != "trained_meters"})
    if model_config.meters:
        model_config = replace(model_config, trained_meters=trained_meters([m for _, m in train_phrases],
                                                                            model_config))
    train_rows = NoteRows(train_phrases, model_config.window, model_config)
    valid_rows = NoteRows(valid_phrases, model_config.window, model_config)
    if model_config.meters:
        prior, chord_share = onset_prior(train_rows, model_config)
        model_config = replace(model_config, onset_prior=prior, chord_share=chord_share,
                               register=training_register(train_rows, data.transpose))
    run.log(f"{run.name}: {len(train_rows):,} training notes (each transposed by one of {list(data.transpose)} "
            f"when drawn), {len(valid_rows):,} validation notes"
            + (f"; meters with slots: {model_config.trained_meters}" if model_config.meters else ""))
    seed_everything(loop.seed)
    model = NotesLSTM(model_config)
    picks = valid_rows.notes[np.random.default_rng(99).integers(0, len(valid_rows), b["valid_windows"])]
    valid_batches = [valid_rows.batch(picks[i:i + 512]) for i in range(0, len(picks), 512)]
    device = torch.device(run.device)

    def train_batches(epoch: int, rng: np.random.Generator) -> list:
        return [train_rows.random_batch(b["batch_size"], rng, data.transpose) for _ in range(b["per_epoch"])]

    def on_device(batch) -> tuple[torch.Tensor, ...]:
        x, y, *positions = (t.to(device) for t in batch)
        return x, y, (positions[0] if positions else None)

    def loss_fn(m, batch):
        x, y, p = on_device(batch)
        return losses(m, x, y, p)["loss"], float(len(y))

    def parts(m) -> dict:
        total = {"valid_pitch_ce": 0.0, "valid_step_mse": 0.0, "valid_duration_mse": 0.0}
        count = 0
        with torch.no_grad():
            for batch in valid_batches:
                x, y, p = on_device(batch)
                out = losses(m, x, y, p)
                for key in total:
                    total[key] += float(out[key[len("valid_"):]]) * len(y)
                count += len(y)
        return {k: round(v / max(count, 1), 5) for k, v in total.items()}

    folder = ModelFolder(run, BACKEND, codec)

    def save_best(m, row: dict) -> None:   # a meter-aware model keeps its step error for decoding
        config = replace(model_config, step_sigma=round(row["valid_step_mse"] ** 0.5, 5)) \
            if model_config.meters else model_config
        folder.save(m.state_dict(), config.to_dict(), best_epoch=row["epoch"])

    history = fit(run, model, train_batches, valid_batches, loss_fn, loop, save_best, extra_columns=parts)
    if not run.main:
        return
    best = min(history, key=lambda r: r["valid_loss"])
    folder.finish(history, loss_title=f"{run.name}: 0.05 x pitch CE + step MSE + duration MSE",
                  metrics={"best epoch": best["epoch"], "valid loss (weighted, as trained)": best["valid_loss"],
                           "valid pitch cross-entropy (nats/note)": best["valid_pitch_ce"],
                           "valid step MSE (quarter notes squared)": best["valid_step_mse"],
                           "valid duration MSE (quarter notes squared)": best["valid_duration_mse"]},
                  parameters=sum(p.numel() for p in model.parameters()),
                  notes=["The loss weighs pitch cross-entropy by 0.05 and adds step and duration MSE with the "
                         "tutorial's positive pressure; the valid_* columns of history.csv are the parts.",
                         f"one epoch = {b['per_epoch']} batches of {b['batch_size']} windows drawn at random"]
                  + ([f"meter-aware: each row's position in its piece's bar as an input; meters with slots of "
                      f"their own: {_names(model_config.trained_meters or model_config.meters)}"]
                     if model_config.meters else []))


def _names(meters) -> str:
    return ", ".join(f"{n}/{d}" for n, d in meters)
