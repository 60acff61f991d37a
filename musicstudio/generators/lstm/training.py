"""Training the LSTM on the corpus: random windows of each split's token sequences, next-token
cross-entropy through the shared loop (:func:`~musicstudio.generators.training.loop.fit`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import numpy as np
import torch
import torch.nn.functional as F

from musicstudio.generators.codecs import codec_from_spec
from musicstudio.generators.lstm.configs import BACKEND
from musicstudio.generators.lstm.model import EventLSTM, LSTMConfig, step_positions
from musicstudio.generators.phrases import TokenPhrases
from musicstudio.generators.training.data import metered_sequences
from musicstudio.generators.training.loop import LoopConfig, fit, seed_everything
from musicstudio.generators.training.outputs import ModelFolder


def windows(sequences: list[np.ndarray], phrases: TokenPhrases, length: int, count: int,
            rng: np.random.Generator, config: LSTMConfig | None = None,
            meters: list[tuple[int, int]] | None = None) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """``count`` random windows (inputs, positions, targets) of ``length`` tokens, drawn in proportion
    to sequence length; each sequence starts with the start token and on a bar line. The positions are
    ``config``'s position slots (:meth:`LSTMConfig.position_slots`) in each sequence's meter (``meters``,
    one per sequence; 4/4 when not given); without a config, the steps from the sequence's start."""
    steps_of = phrases.steps_of()
    start_token = phrases.vocab_size
    lengths = np.array([len(s) for s in sequences], dtype=np.float64)
    picks = rng.choice(len(sequences), size=count, p=lengths / lengths.sum())
    out = []
    for i in picks:
        seq = sequences[i]
        padded = np.concatenate([[start_token], seq])
        steps = np.concatenate([[0], step_positions(seq, steps_of)])
        positions = steps if config is None else config.position_slots(steps, meters[i] if meters else (4, 4))
        # position of the token being predicted = the step at which it happens
        if len(seq) <= length:
            first = 0
        else:
            first = int(rng.integers(0, len(seq) - length + 1))
        inputs = padded[first:first + length]
        targets = seq[first:first + length]
        pos = positions[first + 1:first + 1 + length] if first + 1 + length <= len(positions) else \
            positions[first + 1:]
        n = len(targets)
        out.append((inputs[:n], pos[:n], targets))
    return out


def collate(items, pad: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    n = max(len(t) for _, _, t in items)
    x = torch.full((len(items), n), pad, dtype=torch.long)
    p = torch.zeros((len(items), n), dtype=torch.long)
    y = torch.full((len(items), n), -100, dtype=torch.long)
    for r, (inp, pos, tgt) in enumerate(items):
        x[r, :len(inp)] = torch.from_numpy(inp)
        p[r, :len(pos)] = torch.from_numpy(pos)
        y[r, :len(tgt)] = torch.from_numpy(tgt)
    return x, p, y


def _unzip(pairs: list) -> tuple[list, list]:
    return [a for a, _ in pairs], [b for _, b in pairs]


TRAINED_SHARE = 0.01   # a meter's slots are used once it has this share of the training sequences


def model_config_of(vocab: int, model: dict, meters_seen: list[tuple[int, int]] = (),
                    steps_per_quarter: int = 4) -> LSTMConfig:
    """The network's config from a training config's ``model`` entry; a ``meters`` list there makes the
    model meter-aware (its position slots are counted from the meters), and of those the meters of at least
    1% of ``meters_seen`` (one per training sequence) are its trained ones (the others borrow their slots).
    ``steps_per_quarter``: the codec's grid, which the position slots count in."""
    if model.get("meters"):
        rest = {k: v for k, v in model.items() if k not in ("meters", "positions", "trained_meters")}
        meters = tuple(tuple(m) for m in model["meters"])
        counts = Counter(tuple(m) for m in meters_seen)
        trained = tuple(m for m in meters if counts[m] >= TRAINED_SHARE * max(1, len(meters_seen))) \
            if meters_seen else None
        return LSTMConfig.meter_aware(vocab, meters, steps_per_quarter, trained_meters=trained or None, **rest)
    if steps_per_quarter != 4:
        raise ValueError("a model on a finer grid than 16ths needs position slots per meter (a \"meters\" list)")
    return LSTMConfig(vocab=vocab, **model)


def training_register(sequences, phrases: TokenPhrases) -> tuple[int, int] | None:
    """The pitches the training notes kept to (5th to 95th percentile of every note start, transpositions
    included): seeds far outside it are moved there by octaves when the model continues them."""
    pitch_of = phrases.pitch_of()
    pitches = np.concatenate([pitch_of[np.asarray(s, np.int64)] for s in sequences] or [np.zeros(0, np.int64)])
    pitches = pitches[pitches >= 0]
    if not len(pitches):
        return None
    low, high = np.percentile(pitches, [5, 95])
    return int(low), int(high)


def train(run) -> None:
    cfg = run.config
    codec = codec_from_spec(cfg["codec"])
    phrases = TokenPhrases(codec)
    loop = LoopConfig.from_dict(cfg.get("train", {}))
    b = cfg["batches"]
    data = run.data
    run.log(f"{run.name}: reading the corpus ...")
    train_seqs, train_meters = _unzip(metered_sequences(run.corpus, "train", codec, data))
    valid_seqs, valid_meters = _unzip(metered_sequences(run.corpus, "valid", codec, data))
    run.log(f"{run.name}: {len(train_seqs):,} training sequences ({sum(map(len, train_seqs)):,} tokens), "
            f"{len(valid_seqs):,} validation sequences")
    model_config = replace(model_config_of(codec.size, cfg["model"], train_meters,
                                           getattr(codec, "steps_per_quarter", 4)),
                           register=training_register(train_seqs, phrases))
    seed_everything(loop.seed)  # the initial weights too
    model = EventLSTM(model_config)
    if cfg.get("warm_start"):   # a trained 16th-grid lstm carried onto this codec's finer grid
        from musicstudio.generators.lstm.grid_transfer import warm_start

        warm_start(model, codec, cfg["warm_start"])
        run.log(f"{run.name}: starting from {cfg['warm_start']} carried onto {codec.steps_per_quarter} steps a quarter")
    pad = codec.size
    valid_items = windows(valid_seqs, phrases, b["window"], b["valid_windows"], np.random.default_rng(99),
                          model_config, valid_meters)
    valid_batches = [collate(valid_items[i:i + b["batch_size"]], pad)
                     for i in range(0, len(valid_items), b["batch_size"])]

    def train_batches(epoch: int, rng: np.random.Generator) -> list:
        items = windows(train_seqs, phrases, b["window"], b["per_epoch"] * b["batch_size"], rng, model_config,
                        train_meters)
        return [collate(items[i:i + b["batch_size"]], pad) for i in range(0, len(items), b["batch_size"])]

    device = torch.device(run.device)

    def loss_fn(m, batch):
        x, p, y = (t.to(device) for t in batch)
        logits, _ = m(x, p)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), ignore_index=-100)
        return loss, float((y != -100).sum())

    folder = ModelFolder(run, BACKEND, codec)
    history = fit(run, model, train_batches, valid_batches, loss_fn, loop, folder.best_saver(model_config))
    if not run.main:
        return
    best = min(history, key=lambda r: r["valid_loss"])
    folder.finish(history, loss_title=f"{run.name}: cross-entropy per event",
                  metrics={"best epoch": best["epoch"], "valid cross-entropy (nats/event)": best["valid_loss"],
                           "train cross-entropy at best epoch": best["train_loss"]},
                  parameters=sum(p.numel() for p in model.parameters()),
                  notes=[f"trained with {run.world} processes" if run.world > 1 else "trained in one process"])
