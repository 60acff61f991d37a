"""Fine-tuning an LSTM: the base model's weights go on training on the folder's pieces
(:func:`.torch_fit.fit_from_base`) at a seventh of the shipped model's learning rate, for a few epochs.
An epoch is about one pass over the folder's (transposed) training tokens in random windows; validation
runs over every token of the validation pieces, in order.
"""

from __future__ import annotations

import math

import numpy as np

from musicstudio.generators.checkpoint import load_state_into, save_tensors, write_config
from musicstudio.generators.fine_tune.card import write_fine_tune_card
from musicstudio.generators.fine_tune.torch_fit import FitSettings, fit_from_base
from musicstudio.generators.phrases import TokenPhrases
from musicstudio.generators.training.outputs import write_history, write_loss_png

SETTINGS = {"window": 256, "batch_size": 16, "lr": 3e-4, "min_lr": 3e-5, "patience": 3, "clip_norm": 1.0,
            "min_batches": 4, "max_batches": 40}


def in_order_windows(sequences: list[np.ndarray], steps_of: np.ndarray, start_token: int, length: int,
                     config=None, meters: list | None = None):
    """Every token of every sequence, cut into consecutive windows (inputs, positions, targets); the
    positions are ``config``'s position slots in each sequence's meter (``meters``), or without a config
    the steps from the sequence's start."""
    from musicstudio.generators.lstm.backend import step_positions

    out = []
    for i, seq in enumerate(sequences):
        padded = np.concatenate([[start_token], seq])
        positions = np.concatenate([[0], step_positions(seq, steps_of)])
        if config is not None:
            positions = config.position_slots(positions, meters[i] if meters else (4, 4))
        for first in range(0, len(seq), length):
            targets = seq[first:first + length]
            out.append((padded[first:first + len(targets)], positions[first + 1:first + 1 + len(targets)], targets))
    return out


def fine_tune_lstm(work):
    import torch
    import torch.nn.functional as F

    from musicstudio.generators.devices import pick_device
    from musicstudio.generators.fine_tune.job import FineTuneResult
    from musicstudio.generators.lstm.backend import collate, windows
    from musicstudio.generators.lstm.model import EventLSTM, LSTMConfig

    config = work.base_config
    phrases = TokenPhrases.from_vocabulary(config["codec"])
    codec = phrases.codec
    model_config = LSTMConfig(**config["model"])
    model = EventLSTM(model_config)
    load_state_into(model, work.base_folder)
    device = pick_device(work.job.device)
    s = dict(SETTINGS)
    shifts = tuple(config.get("data", {}).get("transpose") or (0,))
    train_pairs, valid_pairs = work.data.metered("train", codec, shifts), work.data.metered("valid", codec)
    train_seqs, train_meters = [q for q, _ in train_pairs], [m for _, m in train_pairs]
    valid_seqs, valid_meters = [q for q, _ in valid_pairs], [m for _, m in valid_pairs]
    tokens = sum(len(q) for q in train_seqs)
    per_epoch = min(s["max_batches"], max(s["min_batches"], math.ceil(tokens / (s["window"] * s["batch_size"]))))
    pad = codec.size
    valid_items = in_order_windows(valid_seqs, phrases.steps_of(), model.start_token, s["window"], model_config,
                                   valid_meters)
    valid_batches = [collate(valid_items[i:i + s["batch_size"]], pad)
                     for i in range(0, len(valid_items), s["batch_size"])]
    dev = torch.device(device)

    def make_batches(epoch: int, rng: np.random.Generator) -> list:
        items = windows(train_seqs, phrases, s["window"], per_epoch * s["batch_size"], rng, model_config, train_meters)
        return [collate(items[i:i + s["batch_size"]], pad) for i in range(0, len(items), s["batch_size"])]

    def batch_loss(m, batch):
        x, p, y = (t.to(dev) for t in batch)
        logits, _ = m(x, p)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), y.reshape(-1), ignore_index=-100)
        return loss, float((y != -100).sum())

    epochs = work.job.epochs
    history, before = fit_from_base(work, model, device, make_batches, valid_batches, batch_loss,
                                    FitSettings(epochs, per_epoch, s["lr"], s["min_lr"], s["patience"], s["clip_norm"]))
    best = min(history, key=lambda r: r["valid_loss"])
    out = work.out
    save_tensors(out, model.state_dict())
    write_history(out, history)
    write_loss_png(out, f"{work.name}: cross-entropy per event on the folder")
    notes = [f"the base model's weights trained on for up to {epochs} epochs of {per_epoch} batches of "
             f"{s['batch_size']} windows of {s['window']} events, learning rate {s['lr']:g} halved after a flat "
             f"epoch, stopped after {s['patience']} epochs without a better validation loss; the best epoch is kept",
             f"training pieces transposed by {list(shifts)} semitones"]
    if "decoding" in config:
        notes.append("decodes as the base model does: each step mixed with copying from the seed (its copy cache)")
    if best["valid_loss"] >= before:
        notes.append("the fine-tune did not beat the base model on the folder's validation pieces (few or "
                     "unusual pieces); its best epoch is kept anyway")
    fine_tune = {"data_sha256": work.data.sha256(), "best_epoch": best["epoch"], **s}
    write_config(out, "lstm", model_config.to_dict(), config["codec"], name=work.name,
                 data={**config.get("data", {}), "fine_tune": str(work.data.folder)},
                 fine_tuned_from=work.base_name, fine_tune=fine_tune, best_epoch=best["epoch"],
                 **{k: config[k] for k in ("decoding",) if k in config})   # the base's copy cache over the seed
    write_fine_tune_card(work, backend="lstm", before=before, after=best["valid_loss"], epochs=len(history),
                         device=device, loss_name="cross-entropy (nats/event)",
                         parameters=sum(p.numel() for p in model.parameters()),
                         metrics={"best epoch": best["epoch"], "train cross-entropy at best epoch": best["train_loss"],
                                  "training tokens (transposed)": tokens, "batches per epoch": per_epoch},
                         settings={**s, "epochs": epochs, "transpose": list(shifts)}, notes=notes)
    return FineTuneResult(out, work.name, "lstm", before, best["valid_loss"], len(history), work.seconds, history)
