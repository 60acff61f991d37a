"""The LSTM backend: training configs, training on the corpus, loading, and the token-model protocol
that :func:`musicstudio.generators.continuation.continue_phrase` samples from."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from musicstudio.generators.blas_threads import one_blas_thread
from musicstudio.generators.checkpoint import (
    CheckpointError,
    build_checked,
    save_tensors,
    write_config,
)
from musicstudio.generators.codecs import EventCodec, MelodyCodec
from musicstudio.generators.continuation import continue_phrase
from musicstudio.generators.interface import CancelToken, GenerationRequest, Progress, Take
from musicstudio.generators.lstm.model import EventLSTM, LSTMConfig
from musicstudio.generators.lstm.stepper import NumpyStepper, torch_log_probs
from musicstudio.generators.phrases import TokenPhrases

BACKEND = "lstm"
_EVENTS = {"codec": "events", "low": 0, "high": 127, "max_shift": 16, "velocity_bins": 0}
_DATA = {"collections": None, "meter_classes": None, "transpose": list(range(-5, 7))}
CONFIGS = {
    "lstm": {"summary": "2-layer LSTM over the events codec with a bar-position input",
             "codec": _EVENTS, "model": {"embed": 128, "hidden": 256, "layers": 2, "dropout": 0.1},
             "data": _DATA,
             "batches": {"window": 256, "batch_size": 64, "per_epoch": 250, "valid_windows": 1024},
             "train": {"epochs": 30, "lr": 2e-3, "clip_norm": 1.0, "patience": 4, "schedule": "cosine",
                       "max_minutes": 60, "precision": "bf16"}},
    "lstm-member": {"summary": "an ensemble member: the lstm network trained for a quarter of an hour (pick the "
                                "seed with --set train.seed=N)",
                    "codec": _EVENTS, "model": {"embed": 128, "hidden": 256, "layers": 2, "dropout": 0.1},
                    "data": _DATA,
                    "batches": {"window": 256, "batch_size": 64, "per_epoch": 100, "valid_windows": 1024},
                    "train": {"epochs": 30, "lr": 2e-3, "clip_norm": 1.0, "patience": 4, "schedule": "cosine",
                              "max_minutes": 15, "precision": "bf16"}},
    "lstm-tiny": {"summary": "a tiny LSTM for tests", "codec": _EVENTS,
                  "model": {"embed": 16, "hidden": 32, "layers": 2, "dropout": 0.1},
                  "data": {**_DATA, "transpose": [0], "limit": 30},
                  "batches": {"window": 64, "batch_size": 8, "per_epoch": 6, "valid_windows": 16},
                  "train": {"epochs": 2, "lr": 3e-3, "patience": 2}},
}


def make_codec(spec: dict) -> MelodyCodec | EventCodec:
    spec = dict(spec)
    kind = spec.pop("codec")
    return MelodyCodec(**spec) if kind == "melody" else EventCodec(**spec)


def step_positions(tokens: np.ndarray, steps_of: np.ndarray, start: int = 0) -> np.ndarray:
    """For each token, the 16th step (from the sequence start) at which it happens."""
    moved = steps_of[tokens]
    return start + np.concatenate([[0], np.cumsum(moved)[:-1]]) if len(tokens) else np.zeros(0, np.int64)


def windows(sequences: list[np.ndarray], phrases: TokenPhrases, length: int, count: int,
            rng: np.random.Generator) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """``count`` random windows (inputs, positions, targets) of ``length`` tokens, drawn in proportion
    to sequence length; each sequence starts with the start token."""
    steps_of = phrases.steps_of()
    start_token = phrases.vocab_size
    lengths = np.array([len(s) for s in sequences], dtype=np.float64)
    picks = rng.choice(len(sequences), size=count, p=lengths / lengths.sum())
    out = []
    for i in picks:
        seq = sequences[i]
        padded = np.concatenate([[start_token], seq])
        positions = np.concatenate([[0], step_positions(seq, steps_of)])
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


def train(run) -> None:
    from musicstudio.generators.training.data import split_sequences
    from musicstudio.generators.training.loop import LoopConfig, fit, seed_everything
    from musicstudio.generators.training.outputs import split_hashes, write_card, write_history, write_loss_png

    cfg = run.config
    codec = make_codec(cfg["codec"])
    phrases = TokenPhrases(codec)
    loop = LoopConfig.from_dict(cfg.get("train", {}))
    b = cfg["batches"]
    data = run.data
    run.log(f"{run.name}: reading the corpus ...")
    train_seqs = split_sequences(run.corpus, "train", codec, data)
    valid_seqs = split_sequences(run.corpus, "valid", codec, data)
    run.log(f"{run.name}: {len(train_seqs):,} training sequences ({sum(map(len, train_seqs)):,} tokens), "
            f"{len(valid_seqs):,} validation sequences")
    model_config = LSTMConfig(vocab=codec.size, **cfg["model"])
    seed_everything(loop.seed)  # the initial weights too
    model = EventLSTM(model_config)
    pad = codec.size
    valid_items = windows(valid_seqs, phrases, b["window"], b["valid_windows"], np.random.default_rng(99))
    valid_batches = [collate(valid_items[i:i + b["batch_size"]], pad)
                     for i in range(0, len(valid_items), b["batch_size"])]

    def train_batches(epoch: int, rng: np.random.Generator) -> list:
        items = windows(train_seqs, phrases, b["window"], b["per_epoch"] * b["batch_size"], rng)
        return [collate(items[i:i + b["batch_size"]], pad) for i in range(0, len(items), b["batch_size"])]

    device = torch.device(run.device)

    def loss_fn(m, batch):
        x, p, y = (t.to(device) for t in batch)
        logits, _ = m(x, p)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), ignore_index=-100)
        return loss, float((y != -100).sum())

    def save_best(m, row) -> None:
        run.out.mkdir(parents=True, exist_ok=True)
        save_tensors(run.out, m.state_dict())
        write_config(run.out, BACKEND, model_config.to_dict(), codec.vocabulary(), name=run.name,
                     data=data.to_dict(), best_epoch=row["epoch"])

    history = fit(run, model, train_batches, valid_batches, loss_fn, loop, save_best)
    if not run.main:
        return
    write_history(run.out, history)
    write_loss_png(run.out, f"{run.name}: cross-entropy per event")
    best = min(history, key=lambda r: r["valid_loss"])
    write_card(run.out, name=run.name, backend=BACKEND, summary=cfg["summary"] + ". Evaluation: `musicstudio eval "
               f"{run.out}`.", command=run.command, data=data, hashes=split_hashes(run.corpus, data),
               corpus=run.corpus, epochs=len(history), seconds=history[-1]["seconds"], device=run.device,
               metrics={"best epoch": best["epoch"], "valid cross-entropy (nats/event)": best["valid_loss"],
                        "train cross-entropy at best epoch": best["train_loss"]},
               parameters=sum(p.numel() for p in model.parameters()), config=cfg,
               notes=[f"trained with {run.world} processes" if run.world > 1 else "trained in one process"])


class LSTMGenerator:
    """Continues seeds with an :class:`EventLSTM`. On the CPU each sampling step runs in numpy
    (:class:`~musicstudio.generators.lstm.stepper.NumpyStepper`); on other devices, in torch."""

    backend = BACKEND

    def __init__(self, name: str, model: EventLSTM, phrases: TokenPhrases, device: str):
        self.name, self.model, self.phrases, self.device = name, model.to(device).eval(), phrases, device
        self._steps_of = phrases.steps_of()
        self._stepper = NumpyStepper(self.model) if torch.device(device).type == "cpu" else None

    # the TokenModel protocol -----------------------------------------------------------------------------
    @torch.no_grad()
    def begin(self, seed: np.ndarray, rows: int):
        """The seed runs once through torch (one call for the whole sequence); the rows copy its state."""
        seed = np.asarray(seed, np.int64)
        inputs = np.concatenate([[self.model.start_token], seed])
        positions = np.concatenate([[0], step_positions(seed, self._steps_of)])
        # inputs[i] predicts the token at positions[i + 1]; the last input predicts the next token
        next_position = int(positions[-1] + (self._steps_of[seed[-1]] if len(seed) else 0))
        target_pos = np.concatenate([positions[1:], [next_position]])
        x = torch.from_numpy(inputs).to(self.device).unsqueeze(0)
        p = torch.from_numpy(target_pos).to(self.device).unsqueeze(0)
        logits, (h, c) = self.model(x, p)
        log_p = np.repeat(torch_log_probs(logits[:, -1]), rows, axis=0)
        h, c = h.repeat(1, rows, 1), c.repeat(1, rows, 1)
        state = NumpyStepper.from_torch((h, c)) if self._stepper is not None else (h, c)
        return {"log_probs": log_p, "state": state, "position": np.full(rows, next_position, np.int64)}

    def log_probs(self, state) -> np.ndarray:
        return state["log_probs"]

    @torch.no_grad()
    def push(self, state, tokens: np.ndarray):
        position = state["position"] + self._steps_of[tokens]
        if self._stepper is not None:
            log_p, lstm_state = self._stepper.step(tokens, position, state["state"])
            return {"log_probs": log_p, "state": lstm_state, "position": position}
        x = torch.from_numpy(tokens).to(self.device).unsqueeze(1)
        p = torch.from_numpy(position).to(self.device).unsqueeze(1)
        logits, lstm_state = self.model(x, p, state["state"])
        return {"log_probs": torch_log_probs(logits[:, -1]), "state": lstm_state, "position": position}

    @torch.no_grad()
    def distributions(self, tokens: np.ndarray, chunk: int = 2048):
        """For a whole sequence, chunk by chunk: ``(log_probs (n, vocab) tensor, targets (n,) tensor)``,
        the log-probabilities of each token given every token before it (the state carried over)."""
        tokens = np.asarray(tokens, np.int64)
        inputs = np.concatenate([[self.model.start_token], tokens[:-1]])
        positions = step_positions(tokens, self._steps_of)
        state = None
        for i in range(0, len(tokens), chunk):
            x = torch.from_numpy(inputs[i:i + chunk]).to(self.device).unsqueeze(0)
            p = torch.from_numpy(positions[i:i + chunk]).to(self.device).unsqueeze(0)
            logits, state = self.model(x, p, state)
            yield F.log_softmax(logits[0].float(), dim=-1), torch.from_numpy(tokens[i:i + chunk]).to(self.device)

    def score(self, tokens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Log-probability of each token given the ones before, and whether it was the top guess."""
        return score_chunks(self.distributions(tokens))

    def generate(self, request: GenerationRequest, progress: Progress | None = None,
                 cancel: CancelToken | None = None) -> list[Take]:
        torch.manual_seed(request.random_seed)
        with one_blas_thread():
            return continue_phrase(self, self.phrases, request, BACKEND, self.name, progress, cancel)


def score_chunks(chunks) -> tuple[np.ndarray, np.ndarray]:
    """From ``(log_probs (n, vocab), targets (n,))`` chunks: each target's log-probability, and whether it
    was the most likely token."""
    log_p, top = [], []
    for lp, y in chunks:
        log_p.append(lp.gather(1, y[:, None])[:, 0].cpu().numpy())
        top.append((lp.argmax(dim=1) == y).cpu().numpy())
    return np.concatenate(log_p), np.concatenate(top)


def load(folder: Path, config: dict, device: str = "cpu") -> LSTMGenerator:
    folder = Path(folder)
    try:
        phrases = TokenPhrases.from_vocabulary(config["codec"])
        model_config = LSTMConfig(**config["model"])
        if model_config.vocab != phrases.vocab_size:
            raise ValueError(f"the model's vocabulary ({model_config.vocab}) is not the codec's "
                             f"({phrases.vocab_size})")
    except (KeyError, TypeError, ValueError) as e:
        raise CheckpointError(folder / "config.json", f"it does not describe an LSTM ({e})") from None
    model = build_checked(lambda: EventLSTM(model_config), folder, "an LSTM")
    return LSTMGenerator(config.get("name", folder.name), model, phrases, device)
